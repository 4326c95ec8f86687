"""POST /balance over real loopback HTTP: processor → emulator and processor → mock provider."""

import time

import pytest
import requests
from giftcard_connect.app import create_app
from giftcard_connect.servers import BackgroundServer

from ..conftest import processor_config

MAGIC = [
    ("Valid-5000-EUR", None, 200, "Valid", 5000),
    ("Valid-005000-EUR", None, 200, "Valid", 5000),
    ("Valid-0-EUR", None, 400, "ZeroBalance", None),
    ("Valid-5000-USD", None, 400, "CurrencyNotMatch", None),
    ("Expired", None, 400, "Expired", None),
    ("NotFound", None, 400, "Invalid", None),  # no answer tells an unknown card apart
    ("GenericError", None, 400, "GenericError", None),
    ("Something-Else", None, 400, "Invalid", None),
    ("PIN-5000-EUR", "1234", 200, "Valid", 5000),
    ("PIN-5000-EUR", "0000", 400, "Invalid", None),
    ("PIN-5000-EUR", None, 400, "Invalid", None),
]
SECRETS = sorted({code for code, *_ in MAGIC} | {"1234", "0000"})


def balance(processor, session_id, code, pin=None, timeout=10):
    body = {"code": code} if pin is None else {"code": code, "pin": pin}
    return requests.post(
        f"{processor.url}/balance", json=body, headers={"X-Session-Id": session_id}, timeout=timeout
    )


@pytest.mark.parametrize("code, pin, status_code, state, amount", MAGIC)
def test_balance_mock_provider_codes(processor, checkout, code, pin, status_code, state, amount):
    response = balance(processor, checkout.session(), code, pin)
    assert response.status_code == status_code, response.text
    assert response.json()["status"]["state"] == state
    if amount is not None:
        assert response.json()["amount"] == {"centAmount": amount, "currencyCode": "EUR"}


def test_balance_pin_card_of_other_currency(processor, checkout):
    response = balance(processor, checkout.session(), "PIN-7500-GBP", "9876")
    assert response.json()["status"]["state"] == "CurrencyNotMatch"


def test_balance_provider_down_is_generic_error(emulator, checkout):
    app = create_app(processor_config(emulator.url, GIFTCARD_MOCK_URL="http://127.0.0.1:9"))
    with BackgroundServer(app) as processor:
        response = balance(processor, checkout.session(), "Valid-5000-EUR")
    assert response.status_code == 502
    assert response.json()["status"]["state"] == "GenericError"


def test_balance_provider_errors_are_generic_error(processor, mock_provider, checkout):
    requests.put(f"{mock_provider.url}/_admin/faults", json={"error_rate": 1.0}, timeout=5).raise_for_status()
    response = balance(processor, checkout.session(), "Valid-5000-EUR")
    assert response.status_code == 502
    assert response.json()["status"]["state"] == "GenericError"


def test_balance_slow_provider_answers_within_timeout(emulator, mock_provider, checkout):
    app = create_app(
        processor_config(
            emulator.url, GIFTCARD_MOCK_URL=mock_provider.url, GIFTCARD_PROVIDER_TIMEOUT="0.5"
        )
    )
    requests.put(f"{mock_provider.url}/_admin/faults", json={"latency": 3}, timeout=5).raise_for_status()
    with BackgroundServer(app) as processor:
        started = time.monotonic()
        response = balance(processor, checkout.session(), "Valid-5000-EUR", timeout=30)
        elapsed = time.monotonic() - started
    assert response.json()["status"]["state"] == "GenericError"
    # Not a timing test: only proof that the processor did not wait for the 3 s answer twice.
    assert elapsed < 6


def test_balance_commercetools_unavailable_is_503(processor, emulator, checkout):
    session = checkout.session()
    requests.put(
        f"{emulator.url}/_emulator/faults",
        json=[{"route": "GET /<projectKey>/sessions/<id>", "status": 503}],
        timeout=5,
    ).raise_for_status()
    response = balance(processor, session, "Valid-5000-EUR")
    assert response.status_code == 503
    body = response.json()
    assert body["statusCode"] == 503 and body["errors"][0]["code"] == "ServiceUnavailable"


def test_balance_commercetools_down_is_503(checkout, mock_provider):
    app = create_app(
        processor_config("http://127.0.0.1:9", GIFTCARD_MOCK_URL=mock_provider.url, CTP_TIMEOUT="1")
    )
    with BackgroundServer(app) as processor:
        response = balance(processor, "any-session", "Valid-5000-EUR", timeout=60)
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "ServiceUnavailable"


def test_balance_wrong_processor_credentials_is_502(emulator, mock_provider, checkout):
    app = create_app(
        processor_config(emulator.url, GIFTCARD_MOCK_URL=mock_provider.url, CTP_CLIENT_SECRET="wrong")
    )
    with BackgroundServer(app) as processor:
        response = balance(processor, checkout.session(), "Valid-5000-EUR")
    assert response.status_code == 502
    assert "wrong" not in response.text


def test_balance_codes_and_pins_never_logged(processor, checkout, all_logs):
    session = checkout.session()
    for code, pin, *_ in MAGIC:
        balance(processor, session, code, pin)
    balance(processor, session, "x" * 500, "1234")  # rejected as invalid input
    text = "\n".join(
        record.getMessage() + (str(record.exc_info) if record.exc_info else "")
        for record in all_logs.records
    )
    assert all_logs.records, "the servers log requests; nothing captured means the check is blind"
    for secret in SECRETS + ["x" * 500]:
        assert secret not in text, secret


@pytest.mark.parametrize("session_id", [None, "does-not-exist", "../carts/x", "expired"])
def test_balance_session_failures_over_http(processor, emulator, checkout, session_id):
    if session_id == "expired":
        session_id = checkout.session()
        requests.post(f"{emulator.url}/_emulator/sessions/{session_id}/expire", timeout=5).raise_for_status()
    headers = {"X-Session-Id": session_id} if session_id else {}
    response = requests.post(f"{processor.url}/balance", json={"code": "Valid-5000-EUR"}, headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert response.json()["errors"][0]["code"] == "invalid_token"


@pytest.mark.parametrize(
    "raw, code",
    [
        (b"{not json", "InvalidJsonInput"),
        (b"[]", "InvalidJsonInput"),
        (b'{"pin": "1234"}', "RequiredField"),
        (b'{"code": 5}', "InvalidField"),
        (b'{"code": "Valid-5000-EUR", "pin": 7}', "InvalidField"),
        (b'{"code": "' + b"x" * 20_000 + b'"}', "InvalidJsonInput"),
    ],
)
def test_balance_bad_input_over_http(processor, checkout, raw, code):
    response = requests.post(
        f"{processor.url}/balance",
        data=raw,
        headers={"X-Session-Id": checkout.session(), "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == code
