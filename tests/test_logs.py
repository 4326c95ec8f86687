import json
import logging
import re

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
        import sys

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
