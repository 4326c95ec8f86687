"""What a cart still has to pay, over loopback HTTP: net of refunds, every payment counted,
failed attempts bounded, retries after an unknown outcome, and cart races.

Each scenario ends with the books check and with what the card holders paid, net, never
exceeding the cart's total.
"""

from __future__ import annotations

import threading

import pytest
from giftcard_connect.journal import timestamp
from giftcard_connect.reconcile import reconcile
from giftcard_connect_mock.books import fetch_ledger

from .flows import (
    balance_of,
    charge_of,
    eur,
    giftcard_payments,
    intent,
    mock_faults,
    redeem,
    redemptions,
    run_concurrently,
    seed_card,
    wait_until,
)


def net_collected(merchant, cart_id: str) -> int:
    """Σ Success charges − Σ Success refunds of the cart's payments."""
    cart = merchant.get_cart(cart_id)
    total = 0
    for ref in (cart.get("paymentInfo") or {}).get("payments", []):
        for t in merchant.get_payment(ref["id"])["transactions"]:
            if t["state"] == "Success":
                sign = 1 if t["type"] == "Charge" else -1 if t["type"] == "Refund" else 0
                total += sign * t["amount"]["centAmount"]
    return total


def refused(response, code: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["code"] == code, response.text


# --- refunds lower what was paid by their amount, and only once they succeed ---------------


@pytest.mark.parametrize("refunded", [1, 2000])
def test_partial_refund_does_not_reopen_the_payment(
    processor, checkout, merchant, merchant_token, mock_provider, books, refunded
):
    cart = checkout.cart(6000)
    session = checkout.session(cart)
    first = redeem(processor.url, session, "Valid-6000-EUR", 6000)
    assert first.json()["result"] == "Success", first.text
    approved = intent(processor.url, merchant_token, first.json()["paymentReference"],
                      "refundPayment", amount=eur(refunded))
    assert approved.json() == {"outcome": "approved"}, approved.text

    refused(redeem(processor.url, session, "Valid-7000-EUR", 6000), "InvalidOperation")
    refused(redeem(processor.url, session, "Valid-7000-EUR", refunded + 1), "InvalidOperation")
    second = redeem(processor.url, session, "Valid-7000-EUR", refunded)
    assert second.json()["result"] == "Success", second.text
    refused(redeem(processor.url, session, "Valid-8000-EUR", 1), "InvalidOperation")

    assert net_collected(merchant, cart["id"]) == 6000
    assert balance_of(mock_provider.url, "Valid-7000-EUR") == 7000 - refunded
    books()


def test_pending_refund_does_not_lower_what_was_paid(
    processor, checkout, merchant, merchant_token, mock_provider, books, runtime_for
):
    cart = checkout.cart(6000)
    session = checkout.session(cart)
    payment_id = redeem(processor.url, session, "Valid-6000-EUR", 6000).json()["paymentReference"]
    mock_faults(mock_provider.url, error_rate=1.0)
    received = intent(processor.url, merchant_token, payment_id, "refundPayment",
                      amount=eur(2000), merchantReference="rf-1")
    assert received.json()["outcome"] == "received", received.text
    mock_faults(mock_provider.url)

    # The refund may still fail: until it succeeds, the cart stays paid in full.
    refused(redeem(processor.url, session, "Valid-7000-EUR", 2000), "InvalidOperation")
    assert [r.outcome for r in reconcile(runtime_for(), older_than=0)] == ["refunded"]
    assert redeem(processor.url, session, "Valid-7000-EUR", 2000).json()["result"] == "Success"
    refused(redeem(processor.url, session, "Valid-7000-EUR", 1), "InvalidOperation")

    assert net_collected(merchant, cart["id"]) == 6000
    books()


def test_refund_then_redeem_never_collects_more_than_the_total(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    """The walkthrough that once collected 75.00 on a 60.00 cart: pay 20, refund 5, pay on."""
    cart = checkout.cart(6000)
    session = checkout.session(cart)
    first = redeem(processor.url, session, "Valid-4000-EUR", 2000).json()
    intent(processor.url, merchant_token, first["paymentReference"], "refundPayment", amount=eur(500))

    refused(redeem(processor.url, session, "Valid-5000-EUR", 4501), "InvalidOperation")
    assert redeem(processor.url, session, "Valid-5000-EUR", 4500).json()["result"] == "Success"
    refused(redeem(processor.url, session, "Valid-9000-EUR", 1), "InvalidOperation")

    assert net_collected(merchant, cart["id"]) == 6000
    books()


# --- every payment of the cart counts, however many ----------------------------------------


def attach_failed_payments(merchant, cart: dict, count: int) -> None:
    """``count`` failed gift card payments on the cart, as many declined redeems leave."""
    ids = [
        merchant.create_payment({
            "amountPlanned": eur(6000),
            "paymentMethodInfo": {"paymentInterface": "mock", "method": "giftcard"},
            "transactions": [{"type": "Charge", "amount": eur(6000), "state": "Failure",
                              "interactionId": f"declined-{i}", "timestamp": timestamp()}],
        })["id"]
        for i in range(count)
    ]
    version = cart["version"]
    for start in range(0, count, 250):
        actions = [{"action": "addPayment", "payment": {"typeId": "payment", "id": i}}
                   for i in ids[start:start + 250]]
        version = merchant.update_cart(cart["id"], version, actions)["version"]


def test_every_payment_of_a_long_cart_is_counted(make_processor, checkout, merchant, mock_provider, books):
    processor = make_processor(GIFTCARD_MAX_FAILED_ATTEMPTS_PER_CART="1000")
    cart = checkout.cart(6000)
    attach_failed_payments(merchant, cart, 505)
    session = checkout.session(cart)

    assert redeem(processor.url, session, "Valid-6000-EUR", 6000).json()["result"] == "Success"
    refused(redeem(processor.url, session, "Valid-7000-EUR", 6000), "InvalidOperation")
    refused(redeem(processor.url, session, "Valid-7000-EUR", 1), "InvalidOperation")

    assert len(merchant.get_cart(cart["id"])["paymentInfo"]["payments"]) == 506
    assert net_collected(merchant, cart["id"]) == 6000
    assert len(redemptions(mock_provider.url)) == 1
    books()


def test_failed_attempts_per_cart_are_bounded(make_processor, checkout, merchant, mock_provider, books):
    processor = make_processor(GIFTCARD_MAX_FAILED_ATTEMPTS_PER_CART="3")
    cart = checkout.cart(6000)
    session = checkout.session(cart)
    for code in ("NotFound", "Expired", "Something-Else"):
        assert redeem(processor.url, session, code, 1000).json()["result"] == "Failure"
    payments_before = giftcard_payments(merchant)
    ledger_before = fetch_ledger(mock_provider.url)

    limited = redeem(processor.url, session, "Valid-5000-EUR", 1000)
    again_elsewhere = redeem(make_processor(GIFTCARD_MAX_FAILED_ATTEMPTS_PER_CART="3").url,
                             checkout.session(cart), "Valid-5000-EUR", 1000, key="k")

    for response in (limited, again_elsewhere):
        refused(response, "TooManyFailedAttempts", 429)
        assert "pay another way" in response.json()["message"]
    assert giftcard_payments(merchant) == payments_before
    assert fetch_ledger(mock_provider.url) == ledger_before
    # Another cart is not affected.
    other = redeem(processor.url, checkout.session(checkout.cart(6000)), "Valid-5000-EUR", 1000)
    assert other.json()["result"] == "Success", other.text
    books()


def test_a_replayed_key_answers_even_past_the_attempt_limit(
    make_processor, checkout, merchant, mock_provider, books
):
    processor = make_processor(GIFTCARD_MAX_FAILED_ATTEMPTS_PER_CART="1")
    session = checkout.session(checkout.cart(6000))
    first = redeem(processor.url, session, "Expired", 1000, key="submit-1")
    again = redeem(processor.url, session, "Expired", 1000, key="submit-1")
    assert first.json() == again.json()
    assert again.json()["status"]["state"] == "Expired"
    refused(redeem(processor.url, session, "Expired", 1000, key="submit-2"),
            "TooManyFailedAttempts", 429)
    books()


# --- a retry after an unknown outcome --------------------------------------------------------


def unknown_outcome(processor, session, mock_url) -> dict:
    """A redeem the provider applies, then goes silent: answer and void both lost."""
    mock_faults(mock_url, apply_then_delay=2.5, apply_then_delay_next=1)
    answers = []
    thread = threading.Thread(
        target=lambda: answers.append(redeem(processor.url, session, "Valid-5000-EUR", 3000))
    )
    thread.start()
    try:
        wait_until(lambda: redemptions(mock_url), timeout=5)
        mock_faults(mock_url, error_rate=1.0)  # the void fails too
    finally:
        thread.join(30)
    [response] = answers
    assert response.status_code == 502, response.text
    assert response.json()["status"]["errors"][0]["code"] == "OutcomeUnknown"
    return response.json()


def test_retry_after_an_unconfirmed_void_charges_once(
    make_processor, checkout, merchant, mock_provider, books
):
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="1")
    cart = checkout.cart(3000)
    session = checkout.session(cart)
    first = unknown_outcome(processor, session, mock_provider.url)
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 2000  # charged, not confirmed
    assert charge_of(merchant.get_payment(first["paymentReference"]))["state"] == "Pending"

    # While the provider is still down, the retry says what is going on and writes nothing.
    payments_before = giftcard_payments(merchant)
    still_down = redeem(processor.url, session, "Valid-5000-EUR", 3000)
    refused(still_down, "EarlierRedeemPending", 409)
    assert still_down.headers["Retry-After"] == "5"
    assert "still being cancelled" in still_down.json()["message"]
    assert len(giftcard_payments(merchant)) == len(payments_before)

    mock_faults(mock_provider.url)  # the provider answers again
    retry = redeem(processor.url, session, "Valid-5000-EUR", 3000)

    assert retry.status_code == 200 and retry.json()["result"] == "Success", retry.text
    first_payment = merchant.get_payment(first["paymentReference"])
    assert charge_of(first_payment)["state"] == "Failure"
    voided, kept = redemptions(mock_provider.url)
    assert voided["voided"] and not kept["voided"]
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 2000  # charged once
    assert net_collected(merchant, cart["id"]) == 3000
    books()


def test_a_stale_pending_charge_is_voided_by_the_next_redeem(
    processor, checkout, merchant, mock_provider, books
):
    """A processor that crashed mid-redeem left a Pending charge; the shopper tries again."""
    cart = checkout.cart(3000)
    crashed = merchant.create_payment({
        "amountPlanned": eur(3000),
        "paymentMethodInfo": {"paymentInterface": "mock", "method": "giftcard"},
        "transactions": [{"type": "Charge", "amount": eur(3000), "state": "Pending",
                          "interactionId": "crashed-redeem", "timestamp": "2020-01-01T00:00:00.000Z"}],
    })
    merchant.update_cart(cart["id"], cart["version"],
                         [{"action": "addPayment", "payment": {"typeId": "payment", "id": crashed["id"]}}])

    retry = redeem(processor.url, checkout.session(cart), "Valid-5000-EUR", 3000)

    assert retry.json()["result"] == "Success", retry.text
    assert charge_of(merchant.get_payment(crashed["id"]))["state"] == "Failure"
    assert [v["reference"] for v in fetch_ledger(mock_provider.url)["voids"]] == ["crashed-redeem"]
    books()


def test_a_redeem_in_flight_elsewhere_is_left_alone(
    processor, checkout, merchant, mock_provider, books
):
    """A young, unmarked Pending charge belongs to a redeem still waiting for its provider:
    it counts as paid, and nobody voids it."""
    cart = checkout.cart(3000)
    in_flight = merchant.create_payment({
        "amountPlanned": eur(2000),
        "paymentMethodInfo": {"paymentInterface": "mock", "method": "giftcard"},
        "transactions": [{"type": "Charge", "amount": eur(2000), "state": "Pending",
                          "interactionId": "in-flight", "timestamp": timestamp()}],
    })
    merchant.update_cart(cart["id"], cart["version"],
                         [{"action": "addPayment", "payment": {"typeId": "payment", "id": in_flight["id"]}}])
    session = checkout.session(cart)

    refused(redeem(processor.url, session, "Valid-5000-EUR", 1001), "InvalidOperation")
    assert redeem(processor.url, session, "Valid-5000-EUR", 1000).json()["result"] == "Success"

    assert charge_of(merchant.get_payment(in_flight["id"]))["state"] == "Pending"
    assert fetch_ledger(mock_provider.url)["voids"] == []
    books(allow_pending=True)


# --- cart races --------------------------------------------------------------------------


def test_concurrent_redeems_never_overpay_and_never_fail_for_a_conflict(
    processor, checkout, merchant, mock_provider, books
):
    cart = checkout.cart(10_000)
    session = checkout.session(cart)
    amounts = [400 + 150 * i for i in range(20)]  # 400 … 3250: 36,500 asked of 10,000
    codes = [f"RACE-CARD-{i}" for i in range(20)]
    for code in codes:
        seed_card(mock_provider.url, code, 5000)

    results = run_concurrently(
        20, lambda i: redeem(processor.url, session, codes[i], amounts[i], key=f"race-{i}")
    )

    assert all(not isinstance(r, Exception) for r in results), results
    assert all(r.status_code in (200, 400) for r in results), [(r.status_code, r.text) for r in results]
    succeeded = [a for a, r in zip(amounts, results) if r.status_code == 200]
    assert all(r.json()["result"] == "Success" for r in results if r.status_code == 200)
    refusals = [a for a, r in zip(amounts, results) if r.status_code == 400]
    for response in (r for r in results if r.status_code == 400):
        assert response.json()["errors"][0]["code"] == "InvalidOperation", response.text
    left = 10_000 - sum(succeeded)
    assert left >= 0
    assert all(a > left for a in refusals), (left, refusals)  # whoever fits got in
    assert net_collected(merchant, cart["id"]) == sum(succeeded)
    kept = [r for r in redemptions(mock_provider.url) if not r["voided"]]  # losers were voided
    assert sum(r["amount"]["centAmount"] for r in kept) == sum(succeeded)
    books({code: 5000 for code in codes})
