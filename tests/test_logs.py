import json
import logging
import re
import sys

import pytest
import requests
from flask import Flask

from giftcard_connect.logs import (
    JsonFormatter,
    RedactingFilter,
    TextFormatter,
    configure_logging,
    redact,
)
from giftcard_connect.servers import BackgroundServer


def test_redact_scrubs_code_pin_and_secrets():
    text = redact('body={"code": "Valid-5000-EUR", "pin": "1234"} client_secret=abc token=xyz')
    for secret in ("Valid-5000-EUR", "1234", "abc", "xyz"):
        assert secret not in text
    assert '"code": "****"' in text


def test_json_formatter_one_object_per_line_with_correlation_id(app):
    record = logging.LogRecord("giftcard", logging.WARNING, __file__, 1, "saw %s", ('{"code": "GC-1"}',), None)
    with app.test_request_context("/", headers={"X-Correlation-ID": "corr-1"}):
        app.preprocess_request()
        RedactingFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["correlation_id"] == "corr-1"
    assert entry["level"] == "WARNING"
    assert "GC-1" not in entry["message"]


def test_json_formatter_redacts_exceptions():
    try:
        raise ValueError('bad {"pin": "9999"}')
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "9999" not in entry["exception"]


def test_text_formatter_names_no_correlation_id_outside_a_request():
    record = logging.LogRecord("giftcard", logging.INFO, __file__, 1, "started", (), None)
    RedactingFilter().filter(record)
    line = TextFormatter().format(record)
    assert line.endswith("INFO giftcard: started")
    assert "None" not in line and "[" not in line


def test_text_formatter_shows_the_request_correlation_id(app):
    record = logging.LogRecord("giftcard", logging.INFO, __file__, 1, "paid", (), None)
    with app.test_request_context("/", headers={"X-Correlation-ID": "corr-7"}):
        app.preprocess_request()
        RedactingFilter().filter(record)
    assert TextFormatter().format(record).endswith("paid [corr-7]")


def test_text_formatter_redacts_tracebacks():
    try:
        raise ValueError('bad {"pin": "9999"}')
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = TextFormatter().format(record)
    assert "ValueError" in text and "9999" not in text


def test_configure_logging_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="json, text"):
        configure_logging("xml")


def test_access_lines_name_the_server_without_colours_or_queries(caplog):
    app = Flask("x")
    app.get("/hello")(lambda: "hi")
    with caplog.at_level(logging.INFO, logger="giftcard_connect.access"):
        with BackgroundServer(app, name="processor", access_log=True) as server:
            requests.get(f"{server.url}/hello?secret=1", timeout=5)
            requests.get(f"{server.url}/missing", timeout=5)
    lines = [r.getMessage() for r in caplog.records if r.name == "giftcard_connect.access"]
    assert len(lines) == 2
    assert re.fullmatch(r"processor +GET /hello 200 \(\d+ ms\)", lines[0]), lines[0]
    assert re.fullmatch(r"processor +GET /missing 404 \(\d+ ms\)", lines[1]), lines[1]
    assert not [r for r in caplog.records if "\x1b[" in r.getMessage() or "secret" in r.getMessage()]


def test_access_lines_are_off_by_default(caplog):
    app = Flask("x")
    app.get("/hello")(lambda: "hi")
    with caplog.at_level(logging.DEBUG):
        with BackgroundServer(app, name="quiet") as server:
            requests.get(f"{server.url}/hello", timeout=5)
    served = [r for r in caplog.records if r.name.startswith(("giftcard_connect", "werkzeug"))]
    assert not served


@pytest.mark.parametrize("text, secret", [
    ("GET /demo/sessions/7b53-1417?expand=x HTTP/1.1", "7b53-1417"),
    ('"GET /p/sessions/abc_DEF-9 HTTP/1.1" 200 437', "abc_DEF-9"),
    ("Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig", "eyJhbGciOi.eyJzdWIi.sig"),
    ("Authorization: Basic bWVyY2hhbnQ6c2VjcmV0", "bWVyY2hhbnQ6c2VjcmV0"),
    ("headers={'X-Session-Id': 'sess-42'}", "sess-42"),
    ("token=tok-9&token_type_hint=access_token", "tok-9"),
    ("refresh_token=r-1 password=hunter2 api_key=k-1 apiKey: k-2", "hunter2"),
    ('{"giftCardCode": "GC-77", "PIN": "4321"}', "GC-77"),
])
def test_redact_masks_credentials_and_session_paths(text, secret):
    assert secret not in redact(text)
    assert "****" in redact(text)


@pytest.mark.parametrize("text", [
    "commercetools answered status_code=401 after 3 attempts",
    "status_code: 409, errorCode=ConcurrentModification, http_code=502",
    "provider error_code=Expired, decline-code: Invalid, errorCode='X'",
])
def test_redact_masks_values_not_words_that_contain_code(text):
    assert redact(text) == text


def test_text_format_redacts_exception_text_too():
    try:
        raise RuntimeError("GET /demo/sessions/sess-xyz failed with pin=9999")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    RedactingFilter().filter(record)
    text = logging.Formatter("%(levelname)s %(message)s").format(record)
    assert "sess-xyz" not in text and "9999" not in text
    assert "Traceback" in text and "/sessions/****" in text
