import json
import logging

from giftcard_connect.logs import JsonFormatter, RedactingFilter, redact


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
