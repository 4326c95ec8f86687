"""When the provider or commercetools fails mid-redeem, or the processor dies: no money is lost.

The outcome may be a Failure, but never money taken without a Success that says so, and
never a Success whose money went back.
"""

import subprocess
import sys
import threading

import pytest
import requests
from giftcard_connect.app import create_app
from giftcard_connect.reconcile import reconcile
from giftcard_connect_mock.books import fetch_ledger

from .flows import (
    PAYMENT_UPDATE,
    balance_of,
    charge_of,
    clear_emulator_faults,
    emulator_faults,
    giftcard_payments,
    mock_faults,
    redeem,
    redemptions,
    wait_until,
)


def run_reconcile(config_for):
    app = create_app(config_for())
    with app.app_context():
        return reconcile(app.extensions["giftcard_connect"], older_than=0)


def test_provider_applies_then_times_out_is_voided(
    make_processor, checkout, merchant, mock_provider, books
):
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="0.5")
    mock_faults(mock_provider.url, apply_then_delay=2, apply_then_delay_next=1)

    response = redeem(processor.url, checkout.session(), "Valid-5000-EUR", 3000)

    assert response.status_code == 200, response.text  # voided: a definite Failure
    body = response.json()
    assert body["result"] == "Failure" and body["status"]["state"] == "GenericError"
    assert body["status"]["errors"][0]["code"] == "ProviderUnavailable"
    [payment] = giftcard_payments(merchant)
    assert body["paymentReference"] == payment["id"]
    charge = charge_of(payment)
    assert charge["state"] == "Failure"
    ledger = fetch_ledger(mock_provider.url)
    [redemption] = ledger["redemptions"]
    assert redemption["reference"] == charge["interactionId"] and redemption["voided"]
    assert ledger["voids"] == [
        {
            "reference": charge["interactionId"],
            "voided": True,
            "amount": {"centAmount": 3000, "currencyCode": "EUR"},
        }
    ]
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 5000
    books()


def test_recording_success_fails_then_compensation_voids(
    processor, emulator, checkout, merchant, mock_provider, books, config_for
):
    """commercetools refuses every payment update: the provider's success is undone."""
    emulator_faults(emulator.url, [{"route": PAYMENT_UPDATE, "status": 503, "times": 10}])

    response = redeem(processor.url, checkout.session(), "Valid-5000-EUR", 3000)

    assert response.status_code == 200, response.text  # the void was confirmed
    assert response.json()["result"] == "Failure"
    assert response.json()["status"]["errors"][0]["code"] == "ProviderUnavailable"
    [payment] = giftcard_payments(merchant)
    assert charge_of(payment)["state"] in ("Pending", "Failure")  # never Success
    [redemption] = redemptions(mock_provider.url)
    assert redemption["voided"]
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 5000
    books(allow_pending=True)

    clear_emulator_faults(emulator.url)
    run_reconcile(config_for)
    [payment] = giftcard_payments(merchant)
    assert charge_of(payment)["state"] == "Failure"
    assert [t["type"] for t in payment["transactions"]] == ["Charge"]
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 5000
    books()


@pytest.mark.parametrize("times", [1, 10])
def test_success_landed_but_answer_lost_stays_success(
    processor, emulator, checkout, merchant, mock_provider, books, times
):
    """The update was applied and its answer lost (once, or every time): keep the Success."""
    emulator_faults(
        emulator.url, [{"route": PAYMENT_UPDATE, "status": 503, "times": times, "after": True}]
    )

    response = redeem(processor.url, checkout.session(), "Valid-5000-EUR", 3000)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result"] == "Success"
    payment = merchant.get_payment(body["paymentReference"])
    assert charge_of(payment)["state"] == "Success"
    assert payment["interfaceId"] == body["redemptionId"]
    ledger = fetch_ledger(mock_provider.url)
    [redemption] = ledger["redemptions"]
    assert not redemption["voided"] and ledger["voids"] == []
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 2000
    books()


def test_processor_killed_mid_redeem_is_reconciled(
    processor_process, processor_env, checkout, merchant, mock_provider, books, tmp_path
):
    """kill -9 after the provider took the money and before the processor recorded it."""
    mock_faults(mock_provider.url, apply_then_delay=3, apply_then_delay_next=1)
    session = checkout.session()
    answers = []

    def shopper():
        try:
            answers.append(
                redeem(processor_process.url, session, "Valid-5000-EUR", 3000, timeout=30)
            )
        except requests.RequestException as exc:  # the connection dies with the processor
            answers.append(exc)

    thread = threading.Thread(target=shopper)
    thread.start()
    try:
        wait_until(lambda: redemptions(mock_provider.url), timeout=15)
        [payment] = giftcard_payments(merchant)
        assert charge_of(payment)["state"] == "Pending"
        processor_process.kill()
    finally:
        thread.join(30)
    assert not thread.is_alive()
    assert len(answers) == 1 and isinstance(answers[0], Exception), answers
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 2000  # taken, and recorded nowhere

    def cli_reconcile():
        return subprocess.run(
            [sys.executable, "-m", "giftcard_connect.cli", "reconcile", "--older-than", "0"],
            env=processor_env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    first = cli_reconcile()
    assert first.returncode == 0, first.stdout + first.stderr
    assert payment["id"] in first.stdout and "voided" in first.stdout
    [payment] = giftcard_payments(merchant)
    assert charge_of(payment)["state"] == "Failure"
    [redemption] = redemptions(mock_provider.url)
    assert redemption["voided"]
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 5000
    books()

    second = cli_reconcile()
    assert second.returncode == 0, second.stdout + second.stderr
    assert payment["id"] not in second.stdout
    assert "0 pending" in second.stdout
    assert len(fetch_ledger(mock_provider.url)["voids"]) == 1
    books()


@pytest.mark.parametrize("key", [None, "order-1"])
def test_lost_answer_to_creating_the_payment_still_completes_the_redeem(
    processor, emulator, checkout, merchant, mock_provider, books, key
):
    """commercetools created the Pending payment but its answer was lost; the keyed create is
    replayed and answers DuplicateField. That payment is this very request's own: the redeem
    must go on (or be refused cleanly), not stay "in progress" with nobody working on it."""
    emulator_faults(
        emulator.url,
        [{"route": "POST /<projectKey>/payments", "status": 503, "times": 1, "after": True}],
    )
    session = checkout.session()

    response = redeem(processor.url, session, "Valid-5000-EUR", 3000, key=key)

    assert response.status_code == 200, response.text
    assert response.json()["result"] == "Success"
    [payment] = giftcard_payments(merchant)
    assert charge_of(payment)["state"] == "Success"
    assert len(redemptions(mock_provider.url)) == 1
    books()
