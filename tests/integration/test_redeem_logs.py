"""No gift card code or PIN in any log record, whatever path a redeem takes."""

import logging

import requests

from .flows import (
    PAYMENT_UPDATE,
    clear_emulator_faults,
    emulator_faults,
    mock_faults,
    redeem,
    seed_card,
)

CODE = "GCSECRET-4Q7Z-8M2K-XW91"
PIN = "731904"
WRONG_PIN = "246813"
OTHER_CODE = "GCSECRET-ZZ31-PL0P-QN52"


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write: message, traceback, stack and every attribute."""
    return logging.Formatter("%(name)s %(levelname)s %(message)s").format(record) + repr(
        record.__dict__
    )


def outcome(response) -> tuple[int, str]:
    """The status and gift card state of a redeem that charged nothing (200 Failure)."""
    body = response.json()
    assert body["result"] == "Failure", response.text
    return response.status_code, body["status"]["state"]


def test_no_code_or_pin_in_logs(make_processor, emulator, mock_provider, checkout, books, all_logs):
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="0.5")
    seed_card(mock_provider.url, CODE, 10_000, pin=PIN)
    seed_card(mock_provider.url, OTHER_CODE, 500)
    session = checkout.session(checkout.cart(10_000))

    # success
    assert redeem(processor.url, session, CODE, 1000, pin=PIN).status_code == 200
    # declines: wrong PIN, no PIN, insufficient balance
    assert outcome(redeem(processor.url, session, CODE, 1000, pin=WRONG_PIN)) == (200, "Invalid")
    assert outcome(redeem(processor.url, session, CODE, 1000)) == (200, "Invalid")
    assert outcome(redeem(processor.url, session, OTHER_CODE, 1000)) == (200, "Invalid")
    # invalid input that carries the code
    bad = requests.post(
        f"{processor.url}/redeem",
        headers={"X-Session-Id": session},
        timeout=10,
        json={"code": CODE, "pin": PIN, "redeemAmount": {"centAmount": "x", "currencyCode": "EUR"}},
    )
    assert bad.status_code == 400 and CODE not in bad.text and PIN not in bad.text
    # compensation: the success cannot be recorded
    emulator_faults(emulator.url, [{"route": PAYMENT_UPDATE, "status": 503, "times": 8}])
    assert outcome(redeem(processor.url, session, CODE, 1000, pin=PIN)) == (200, "GenericError")
    clear_emulator_faults(emulator.url)
    # void: the provider applies, then answers too late
    mock_faults(mock_provider.url, apply_then_delay=1.5, apply_then_delay_next=1)
    assert outcome(redeem(processor.url, session, CODE, 1000, pin=PIN)) == (200, "GenericError")

    records = all_logs.records
    framework = [r for r in records if r.name.startswith("giftcard_connect.payments")]
    assert any(r.levelno >= logging.ERROR for r in framework), (
        "compensation and void must be logged"
    )
    for record in records:
        text = record_text(record)
        for secret in (CODE, PIN, WRONG_PIN, OTHER_CODE):
            assert secret not in text, (secret, record.name, record.getMessage())
    books({CODE: 10_000, OTHER_CODE: 500}, allow_pending=True)
