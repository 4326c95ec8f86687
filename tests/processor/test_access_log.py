"""The access log: one line per request, with the route template and nothing secret."""

import io
import json
import logging

import pytest

from giftcard_connect.app import create_app
from giftcard_connect.errors import ConfigurationError
from giftcard_connect.logs import JsonFormatter, RedactingFilter

from ..conftest import processor_config

CODE = "SECRET-CODE-4711"
PIN = "8642"
ACCESS = "giftcard_connect.requests"


def access_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == ACCESS]


def assert_nothing_secret(record: logging.LogRecord, *secrets: str) -> None:
    text = json.dumps({"message": record.getMessage(), **vars(record)}, default=str)
    for secret in secrets:
        assert secret not in text


def test_balance_logs_one_line_with_route_status_duration_and_correlation_id(
    client, checkout, caplog
):
    session_id = checkout.session()
    caplog.set_level(logging.INFO, logger=ACCESS)
    response = client.post("/balance", json={"code": CODE, "pin": PIN},
                           headers={"X-Session-Id": session_id, "X-Correlation-ID": "corr-42"})
    assert response.status_code == 200
    (line,) = access_lines(caplog)
    assert (line.method, line.route, line.status) == ("POST", "/balance", 200)
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0
    assert line.correlation_id == "corr-42" == response.headers["X-Correlation-ID"]
    assert line.getMessage() == f"POST /balance 200 {line.duration_ms:.1f} ms"
    assert_nothing_secret(line, CODE, PIN, session_id)


def test_redeem_line_never_shows_the_code_session_or_idempotency_key(client, checkout, caplog):
    session_id = checkout.session()
    caplog.set_level(logging.INFO, logger=ACCESS)
    response = client.post(
        "/redeem",
        json={"code": CODE, "pin": PIN, "redeemAmount": {"centAmount": 1000, "currencyCode": "EUR"}},
        headers={"X-Session-Id": session_id, "Idempotency-Key": "idem-key-77"},
    )
    assert response.status_code == 200
    (line,) = access_lines(caplog)
    assert (line.route, line.status) == ("/redeem", 200)
    assert_nothing_secret(line, CODE, PIN, session_id, "idem-key-77")


def test_declines_and_auth_failures_are_logged_with_their_status(client, checkout, caplog):
    session_id = checkout.session()
    caplog.set_level(logging.INFO, logger=ACCESS)
    client.post("/balance", json={"code": CODE}, headers={"X-Session-Id": "not-a-session"})
    client.post("/balance", data="{not json", content_type="application/json",
                headers={"X-Session-Id": session_id})
    lines = access_lines(caplog)
    assert [(r.route, r.status) for r in lines] == [("/balance", 401), ("/balance", 400)]
    for line in lines:
        assert_nothing_secret(line, CODE, "not-a-session", session_id)


def test_parameterised_routes_log_the_template_not_the_path(client, caplog):
    caplog.set_level(logging.INFO, logger=ACCESS)
    client.post("/operations/payment-intents/payment-id-123", json={"actions": []})
    (line,) = access_lines(caplog)
    assert line.route == "/operations/payment-intents/<payment_id>"
    assert line.status == 401
    assert_nothing_secret(line, "payment-id-123")


def test_unknown_paths_are_not_logged_verbatim(client, caplog):
    caplog.set_level(logging.INFO, logger=ACCESS)
    client.get("/balance/SECRET-CODE-IN-PATH?code=SECRET-CODE-IN-QUERY")
    (line,) = access_lines(caplog)
    assert (line.route, line.status) == ("<unmatched>", 404)
    assert_nothing_secret(line, "SECRET-CODE-IN-PATH", "SECRET-CODE-IN-QUERY")


def test_a_crashing_plugin_is_logged_with_its_502(client, checkout, fake_provider, caplog):
    fake_provider.balance_result = RuntimeError("boom")
    caplog.set_level(logging.INFO, logger=ACCESS)
    client.post("/balance", json={"code": CODE}, headers={"X-Session-Id": checkout.session()})
    (line,) = access_lines(caplog)
    assert (line.route, line.status) == ("/balance", 502)


@pytest.mark.parametrize("value", ["false", "0", "off", "no", "FALSE"])
def test_access_log_can_be_turned_off(emulator, caplog, value):
    app = create_app(processor_config(emulator.url, GIFTCARD_ACCESS_LOG=value,
                                      GIFTCARD_MOCK_URL="http://127.0.0.1:9"))
    caplog.set_level(logging.INFO, logger=ACCESS)
    assert app.test_client().get("/healthz").status_code == 200
    assert access_lines(caplog) == []


def test_access_log_refuses_an_unclear_setting(emulator):
    with pytest.raises(ConfigurationError, match="GIFTCARD_ACCESS_LOG"):
        create_app(processor_config(emulator.url, GIFTCARD_ACCESS_LOG="maybe",
                                    GIFTCARD_MOCK_URL="http://127.0.0.1:9"))


def test_json_line_has_the_access_fields(client, checkout):
    session_id = checkout.session()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(ACCESS)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        client.post("/balance", json={"code": CODE}, headers={"X-Session-Id": session_id})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    (text,) = stream.getvalue().splitlines()
    entry = json.loads(text)
    assert set(entry) == {"time", "level", "logger", "message", "correlation_id", "method",
                          "route", "status", "duration_ms"}
    assert (entry["logger"], entry["method"], entry["route"], entry["status"]) == (
        ACCESS, "POST", "/balance", 200)
    assert entry["correlation_id"]
    assert CODE not in text and session_id not in text
