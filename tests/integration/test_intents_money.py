"""Payment intents over loopback HTTP: refunds, reverses and cancels never lose or double money.

Every test goes through the real processor (``POST /redeem`` to charge, ``POST
/operations/payment-intents/{paymentId}`` with Checkout's bearer token to operate), the
commercetools emulator and the mock provider, and ends with the books invariant: for every
card, provider debits − credits = Σ Success Charge − Σ Success Refund, and nothing left
Pending once reconcile has run.
"""

from __future__ import annotations

import threading

import giftcard_connect_mock.plugin
import pytest
import requests
from giftcard_connect.reconcile import reconcile
from giftcard_connect_mock.books import fetch_ledger

from .flows import (
    PAYMENT_UPDATE,
    Recorder,
    balance_of,
    charge_of,
    clear_emulator_faults,
    emulator_faults,
    eur,
    intent,
    mock_faults,
    redeem,
    redemptions,
    run_concurrently,
    transactions_of,
    wait_until,
)

CARD = "Valid-5000-EUR"  # a magic mock card: 50.00 EUR the first time the provider sees it


def plain(money: dict) -> dict:
    """commercetools money without ``type`` and ``fractionDigits``, as the mock writes it."""
    return {"centAmount": money["centAmount"], "currencyCode": money["currencyCode"]}


def outcome(response: requests.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def charged(processor_url: str, checkout, code: str = CARD, cents: int = 3000) -> str:
    """A gift card payment with a Success charge of ``cents``, made through ``POST /redeem``."""
    response = redeem(processor_url, checkout.session(checkout.cart(10_000)), code, cents)
    assert response.status_code == 200, response.text
    assert response.json()["result"] == "Success"
    return response.json()["paymentReference"]


def refunds(merchant, payment_id: str) -> list[tuple[int, str]]:
    return [
        (t["amount"]["centAmount"], t["state"])
        for t in transactions_of(merchant.get_payment(payment_id), "Refund")
    ]


def cancellations(mock_url: str) -> list[dict]:
    return fetch_ledger(mock_url)["cancellations"]


# --- refundPayment -------------------------------------------------------------------


def test_partial_refunds_until_nothing_is_left(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)
    assert balance_of(mock_provider.url, CARD) == 2000
    charge = charge_of(merchant.get_payment(payment_id))

    first = intent(processor.url, merchant_token, payment_id, "refundPayment", amount=eur(1000),
                   transactionId=charge["id"])
    assert outcome(first) == {"outcome": "approved"}
    payment = merchant.get_payment(payment_id)
    [refund] = transactions_of(payment, "Refund")
    assert (plain(refund["amount"]), refund["state"]) == (eur(1000), "Success")
    assert refund["interactionId"]
    [cancellation] = cancellations(mock_provider.url)
    assert cancellation["reference"] == refund["interactionId"]
    assert cancellation["amount"] == eur(1000)
    assert cancellation["redemptionId"] == payment["interfaceId"]
    assert balance_of(mock_provider.url, CARD) == 3000
    books()

    rest = intent(processor.url, merchant_token, payment_id, "refundPayment", amount=eur(2000))
    assert outcome(rest) == {"outcome": "approved"}
    assert refunds(merchant, payment_id) == [(1000, "Success"), (2000, "Success")]
    ledger = fetch_ledger(mock_provider.url)
    assert [c["amount"]["centAmount"] for c in ledger["cancellations"]] == [1000, 2000]
    assert ledger["cancellations"][1]["reference"] == (
        transactions_of(merchant.get_payment(payment_id), "Refund")[1]["interactionId"]
    )
    [redemption] = ledger["redemptions"]
    assert redemption["cancelled"] == eur(3000) and not redemption["voided"]
    assert balance_of(mock_provider.url, CARD) == 5000

    one_cent = intent(processor.url, merchant_token, payment_id, "refundPayment", amount=eur(1))
    body = outcome(one_cent)
    assert body["outcome"] == "rejected" and body["message"]
    assert fetch_ledger(mock_provider.url)["cancellations"] == ledger["cancellations"]
    assert refunds(merchant, payment_id) == [(1000, "Success"), (2000, "Success")]
    assert balance_of(mock_provider.url, CARD) == 5000
    books()


def test_refund_above_refundable_is_rejected_and_sends_nothing(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)

    too_much = intent(processor.url, merchant_token, payment_id, "refundPayment", amount=eur(3001))
    body = outcome(too_much)
    assert body["outcome"] == "rejected" and "3000" in body["message"]
    assert cancellations(mock_provider.url) == []
    assert refunds(merchant, payment_id) == []

    assert outcome(intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(2500)))["outcome"] == "approved"
    over_rest = intent(processor.url, merchant_token, payment_id, "refundPayment", amount=eur(501))
    body = outcome(over_rest)
    assert body["outcome"] == "rejected" and "500" in body["message"]
    assert [c["amount"] for c in cancellations(mock_provider.url)] == [eur(2500)]
    assert refunds(merchant, payment_id) == [(2500, "Success")]
    assert balance_of(mock_provider.url, CARD) == 4500
    books()


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"amount": {"centAmount": 100, "currencyCode": "USD"}}, "InvalidField"),
        ({"amount": eur(0)}, "InvalidField"),
        ({"amount": eur(-100)}, "InvalidField"),
        ({}, "RequiredField"),
        ({"amount": eur(100), "transactionId": "not-the-charge"}, "InvalidField"),
    ],
    ids=["other-currency", "zero", "negative", "missing-amount", "foreign-transaction"],
)
def test_invalid_refund_is_400_and_moves_nothing(
    processor, checkout, merchant, merchant_token, mock_provider, books, fields, code
):
    payment_id = charged(processor.url, checkout)
    before = fetch_ledger(mock_provider.url)

    response = intent(processor.url, merchant_token, payment_id, "refundPayment", **fields)

    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["code"] == code
    assert fetch_ledger(mock_provider.url) == before
    assert refunds(merchant, payment_id) == []
    books()


def test_same_merchant_reference_sequentially_refunds_once(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)

    for _ in range(3):
        response = intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(700), merchantReference="order-42-refund-1")
        assert outcome(response) == {"outcome": "approved"}

    [refund] = transactions_of(merchant.get_payment(payment_id), "Refund")
    assert (plain(refund["amount"]), refund["state"]) == (eur(700), "Success")
    [cancellation] = cancellations(mock_provider.url)
    assert cancellation["reference"] == refund["interactionId"]
    assert balance_of(mock_provider.url, CARD) == 2700
    books()


def test_same_merchant_reference_concurrently_refunds_once(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)

    results = run_concurrently(
        10,
        lambda _: intent(processor.url, merchant_token, payment_id, "refundPayment",
                         amount=eur(700), merchantReference="order-42-refund-1"),
    )

    for result in results:
        assert isinstance(result, requests.Response), result
        assert outcome(result)["outcome"] in ("approved", "received"), result.text
    [refund] = transactions_of(merchant.get_payment(payment_id), "Refund")
    assert (plain(refund["amount"]), refund["state"]) == (eur(700), "Success")
    [cancellation] = cancellations(mock_provider.url)
    assert cancellation["reference"] == refund["interactionId"]
    assert cancellation["amount"] == eur(700)
    assert balance_of(mock_provider.url, CARD) == 2700
    books()
    # Asked again once everything settled, the answer is the first one.
    again = intent(processor.url, merchant_token, payment_id, "refundPayment",
                   amount=eur(700), merchantReference="order-42-refund-1")
    assert outcome(again) == {"outcome": "approved"}
    assert len(cancellations(mock_provider.url)) == 1


def test_concurrent_refunds_without_reference_never_exceed_the_charge(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    """Ten different refunds of 1000 race for a 3000 charge: exactly three get through.

    Six updates land on the payment while the others re-read it, so one refund can lose
    every one of its re-reads; it is then answered 409 ConcurrentModification before
    anything was sent to the provider, and Checkout asks again, as here."""
    payment_id = charged(processor.url, checkout)

    def refund_as_checkout_would(_):
        for _attempt in range(5):
            response = intent(processor.url, merchant_token, payment_id, "refundPayment",
                              amount=eur(1000))
            if response.status_code != 409:
                return response
            assert response.json()["errors"][0]["code"] == "ConcurrentModification"
            assert response.headers["Retry-After"] == "1"
        return response

    results = run_concurrently(10, refund_as_checkout_would)

    outcomes = []
    for result in results:
        assert isinstance(result, requests.Response), result
        outcomes.append(outcome(result)["outcome"])
    assert sorted(outcomes) == ["approved"] * 3 + ["rejected"] * 7, outcomes
    assert refunds(merchant, payment_id) == [(1000, "Success")] * 3
    ledger = fetch_ledger(mock_provider.url)
    assert len(ledger["cancellations"]) == 3
    assert ledger["redemptions"][0]["cancelled"] == eur(3000)
    assert balance_of(mock_provider.url, CARD) == 5000
    books()


# --- provider failures during a refund -----------------------------------------------


@pytest.mark.parametrize(
    "faults", [{"fail_next": 2}, {"error_rate": 1.0}], ids=["fail-next-2", "error-rate-1"]
)
def test_refund_with_provider_down_is_received_then_reconciled(
    processor, checkout, merchant, merchant_token, mock_provider, books, runtime_for, faults
):
    payment_id = charged(processor.url, checkout)
    mock_faults(mock_provider.url, **faults)  # the cancel and its one retry both get a 503

    response = intent(processor.url, merchant_token, payment_id, "refundPayment",
                      amount=eur(1200), merchantReference="rf-down")

    body = outcome(response)
    assert body["outcome"] == "received" and body["message"]
    [refund] = transactions_of(merchant.get_payment(payment_id), "Refund")
    assert (plain(refund["amount"]), refund["state"]) == (eur(1200), "Pending")
    assert cancellations(mock_provider.url) == []  # never a Success without a cancellation
    assert balance_of(mock_provider.url, CARD) == 2000
    books(allow_pending=True)

    mock_faults(mock_provider.url)  # the provider recovers
    rows = reconcile(runtime_for(), older_than=0)

    assert [(r.payment_id, r.type, r.outcome) for r in rows] == [
        (payment_id, "Refund", "refunded")
    ]
    [refund] = transactions_of(merchant.get_payment(payment_id), "Refund")
    assert (plain(refund["amount"]), refund["state"]) == (eur(1200), "Success")
    [cancellation] = cancellations(mock_provider.url)
    assert cancellation["reference"] == refund["interactionId"]
    assert cancellation["amount"] == eur(1200)
    assert balance_of(mock_provider.url, CARD) == 3200
    books()
    assert reconcile(runtime_for(), older_than=0) == []
    assert outcome(intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(1200), merchantReference="rf-down")) == {"outcome": "approved"}
    assert len(cancellations(mock_provider.url)) == 1
    books()


def test_single_provider_503_is_retried_transparently(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)
    mock_faults(mock_provider.url, fail_next=1)

    response = intent(processor.url, merchant_token, payment_id, "refundPayment", amount=eur(500))

    assert outcome(response) == {"outcome": "approved"}
    assert refunds(merchant, payment_id) == [(500, "Success")]
    assert len(cancellations(mock_provider.url)) == 1
    books()


def test_refund_applied_but_answer_lost_is_reconciled_once(
    make_processor, checkout, merchant, merchant_token, mock_provider, books, runtime_for
):
    """The provider books the cancellation after the processor gave up waiting for it."""
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="0.5")
    payment_id = charged(processor.url, checkout)
    mock_faults(mock_provider.url, latency=1.2)

    response = intent(processor.url, merchant_token, payment_id, "refundPayment",
                      amount=eur(1000), merchantReference="rf-slow")

    assert outcome(response)["outcome"] == "received"
    [refund] = transactions_of(merchant.get_payment(payment_id), "Refund")
    assert refund["state"] == "Pending"  # never Success without a confirmation
    # The cancellation lands at the provider after all.
    [cancellation] = wait_until(lambda: cancellations(mock_provider.url), timeout=5)
    assert cancellation["reference"] == refund["interactionId"]
    assert balance_of(mock_provider.url, CARD) == 3000

    mock_faults(mock_provider.url)
    rows = reconcile(runtime_for(), older_than=0)

    assert [(r.type, r.outcome) for r in rows] == [("Refund", "refunded")]
    assert refunds(merchant, payment_id) == [(1000, "Success")]
    assert cancellations(mock_provider.url) == [cancellation]  # asked again, given back once
    assert balance_of(mock_provider.url, CARD) == 3000
    books()
    assert reconcile(runtime_for(), older_than=0) == []
    books()


def test_refund_done_but_commercetools_down_is_received_then_reconciled(
    processor, emulator, checkout, merchant, merchant_token, mock_provider, books, runtime_for
):
    """The provider gives back, then commercetools refuses to record it: Pending, then Success."""
    payment_id = charged(processor.url, checkout)
    mock_faults(mock_provider.url, latency=0.8)  # time to break commercetools meanwhile
    answers: list = []
    thread = threading.Thread(target=lambda: answers.append(
        intent(processor.url, merchant_token, payment_id, "refundPayment", amount=eur(1500),
               merchantReference="rf-ct-down")))
    thread.start()
    try:
        wait_until(lambda: transactions_of(merchant.get_payment(payment_id), "Refund"), timeout=5)
        emulator_faults(emulator.url, [{"route": PAYMENT_UPDATE, "status": 503, "times": 20}])
    finally:
        thread.join(30)
    clear_emulator_faults(emulator.url)
    mock_faults(mock_provider.url)

    [response] = answers
    assert outcome(response)["outcome"] == "received"
    [refund] = transactions_of(merchant.get_payment(payment_id), "Refund")
    assert refund["state"] == "Pending"
    [cancellation] = cancellations(mock_provider.url)
    assert cancellation["reference"] == refund["interactionId"]
    assert balance_of(mock_provider.url, CARD) == 3500

    rows = reconcile(runtime_for(), older_than=0)

    assert [(r.type, r.outcome) for r in rows] == [("Refund", "refunded")]
    assert refunds(merchant, payment_id) == [(1500, "Success")]
    assert cancellations(mock_provider.url) == [cancellation]
    assert balance_of(mock_provider.url, CARD) == 3500
    books()


@pytest.mark.parametrize("times", [1, 10])
def test_refund_whose_commercetools_answer_is_lost_refunds_once(
    processor, emulator, checkout, merchant, merchant_token, mock_provider, books, runtime_for,
    times,
):
    """commercetools applies the Pending Refund but its answer is lost (once, or on every retry)."""
    payment_id = charged(processor.url, checkout)
    emulator_faults(
        emulator.url, [{"route": PAYMENT_UPDATE, "status": 503, "times": times, "after": True}]
    )

    response = intent(processor.url, merchant_token, payment_id, "refundPayment",
                      amount=eur(1000), merchantReference="rf-lost")

    clear_emulator_faults(emulator.url)
    if times == 1:
        assert outcome(response) == {"outcome": "approved"}
    else:  # commercetools never answered: an error, or received; never a refund lost
        assert response.status_code == 503 or outcome(response)["outcome"] == "received", (
            response.text
        )
        reconcile(runtime_for(), older_than=0)
    assert refunds(merchant, payment_id) == [(1000, "Success")]
    [cancellation] = cancellations(mock_provider.url)
    assert cancellation["amount"] == eur(1000)
    again = intent(processor.url, merchant_token, payment_id, "refundPayment",
                   amount=eur(1000), merchantReference="rf-lost")
    assert outcome(again) == {"outcome": "approved"}
    assert cancellations(mock_provider.url) == [cancellation]
    assert balance_of(mock_provider.url, CARD) == 3000
    books()


# --- reversePayment ------------------------------------------------------------------


def test_reverse_after_partial_refund_gives_back_the_rest_once(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)
    assert outcome(intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(1000)))["outcome"] == "approved"

    reverse = intent(processor.url, merchant_token, payment_id, "reversePayment")

    assert outcome(reverse) == {"outcome": "approved"}
    assert refunds(merchant, payment_id) == [(1000, "Success"), (2000, "Success")]
    ledger = fetch_ledger(mock_provider.url)
    assert [c["amount"]["centAmount"] for c in ledger["cancellations"]] == [1000, 2000]
    reverse_refund = transactions_of(merchant.get_payment(payment_id), "Refund")[1]
    assert ledger["cancellations"][1]["reference"] == reverse_refund["interactionId"]
    assert balance_of(mock_provider.url, CARD) == 5000
    books()

    again = intent(processor.url, merchant_token, payment_id, "reversePayment")
    assert outcome(again) == {"outcome": "approved"}
    assert fetch_ledger(mock_provider.url) == ledger
    assert refunds(merchant, payment_id) == [(1000, "Success"), (2000, "Success")]
    books()


def test_reverse_after_full_refund_is_rejected(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)
    assert outcome(intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(3000)))["outcome"] == "approved"
    ledger = fetch_ledger(mock_provider.url)

    reverse = intent(processor.url, merchant_token, payment_id, "reversePayment")

    body = outcome(reverse)
    assert body["outcome"] == "rejected" and body["message"]
    assert fetch_ledger(mock_provider.url) == ledger
    assert refunds(merchant, payment_id) == [(3000, "Success")]
    assert balance_of(mock_provider.url, CARD) == 5000
    books()


def test_concurrent_reverses_give_back_once(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)

    results = run_concurrently(
        8, lambda _: intent(processor.url, merchant_token, payment_id, "reversePayment")
    )

    for result in results:
        assert isinstance(result, requests.Response), result
        assert outcome(result)["outcome"] in ("approved", "received"), result.text
    assert refunds(merchant, payment_id) == [(3000, "Success")]
    assert len(cancellations(mock_provider.url)) == 1
    assert balance_of(mock_provider.url, CARD) == 5000
    books()


def test_reverse_with_provider_down_is_received_then_reconciled(
    processor, checkout, merchant, merchant_token, mock_provider, books, runtime_for
):
    payment_id = charged(processor.url, checkout)
    mock_faults(mock_provider.url, error_rate=1.0)

    reverse = intent(processor.url, merchant_token, payment_id, "reversePayment")

    assert outcome(reverse)["outcome"] == "received"
    assert refunds(merchant, payment_id) == [(3000, "Pending")]
    assert cancellations(mock_provider.url) == []
    books(allow_pending=True)
    # While it is Pending, a refund finds nothing left to give back.
    assert outcome(intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(1)))["outcome"] == "rejected"

    mock_faults(mock_provider.url)
    rows = reconcile(runtime_for(), older_than=0)

    assert [(r.type, r.outcome) for r in rows] == [("Refund", "refunded")]
    assert refunds(merchant, payment_id) == [(3000, "Success")]
    assert len(cancellations(mock_provider.url)) == 1
    assert balance_of(mock_provider.url, CARD) == 5000
    assert outcome(intent(processor.url, merchant_token, payment_id,
                          "reversePayment")) == {"outcome": "approved"}
    assert len(cancellations(mock_provider.url)) == 1
    books()


# --- cancelPayment -------------------------------------------------------------------


def test_cancel_success_charge_records_void_refund_once(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)

    cancel = intent(processor.url, merchant_token, payment_id, "cancelPayment")

    assert outcome(cancel) == {"outcome": "approved"}
    payment = merchant.get_payment(payment_id)
    charge = charge_of(payment)
    assert charge["state"] == "Success"
    [refund] = transactions_of(payment, "Refund")
    assert refund["state"] == "Success" and plain(refund["amount"]) == eur(3000)
    assert refund["interactionId"] == f"{charge['interactionId']}:void"
    ledger = fetch_ledger(mock_provider.url)
    assert ledger["voids"] == [
        {"reference": charge["interactionId"], "voided": True, "amount": eur(3000)}
    ]
    assert ledger["redemptions"][0]["voided"]
    assert balance_of(mock_provider.url, CARD) == 5000
    books()

    again = intent(processor.url, merchant_token, payment_id, "cancelPayment")
    assert outcome(again) == {"outcome": "approved"}
    assert fetch_ledger(mock_provider.url) == ledger
    assert refunds(merchant, payment_id) == [(3000, "Success")]
    # Nothing is left to refund or reverse either.
    refund_after = intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(1))
    assert outcome(refund_after)["outcome"] == "rejected"
    assert outcome(intent(processor.url, merchant_token, payment_id,
                          "reversePayment"))["outcome"] == "rejected"
    assert fetch_ledger(mock_provider.url) == ledger
    books()


def test_cancel_after_partial_refund_gives_back_the_rest(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)
    assert outcome(intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(1000)))["outcome"] == "approved"

    cancel = intent(processor.url, merchant_token, payment_id, "cancelPayment")

    assert outcome(cancel) == {"outcome": "approved"}
    assert refunds(merchant, payment_id) == [(1000, "Success"), (2000, "Success")]
    [void] = fetch_ledger(mock_provider.url)["voids"]
    assert void["voided"] and void["amount"] == eur(2000)
    assert balance_of(mock_provider.url, CARD) == 5000
    books()


def test_cancel_after_an_unconfirmed_refund_gives_back_everything_once_and_says_so(
    processor, checkout, merchant, merchant_token, mock_provider, books, runtime_for
):
    """A refund the provider did not confirm stays Pending; a cancel then voids the whole
    redemption (the provider gives back all of it, the unconfirmed part included). The
    cancel is approved, also when asked again (everything came back), and reconcile's
    retry of the refund is refused, so the money comes back once."""
    payment_id = charged(processor.url, checkout)
    mock_faults(mock_provider.url, fail_next=2)  # the cancellation and its one retry fail
    assert outcome(intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(1200), merchantReference="rf-unconfirmed"))[
        "outcome"] == "received"
    mock_faults(mock_provider.url)

    cancel = intent(processor.url, merchant_token, payment_id, "cancelPayment")

    assert outcome(cancel) == {"outcome": "approved"}
    [void] = fetch_ledger(mock_provider.url)["voids"]
    assert void["voided"] and void["amount"] == eur(3000)
    assert cancellations(mock_provider.url) == []
    again = intent(processor.url, merchant_token, payment_id, "cancelPayment")
    assert outcome(again) == {"outcome": "approved"}  # Checkout's retry: the same answer
    assert balance_of(mock_provider.url, CARD) == 5000
    assert sorted(refunds(merchant, payment_id)) == [
        (1200, "Pending"), (1800, "Failure"), (3000, "Success")]
    books(allow_pending=True)

    rows = reconcile(runtime_for(), older_than=0)

    assert [(r.payment_id, r.type, r.outcome) for r in rows] == [
        (payment_id, "Refund", "refund refused")
    ]
    assert sorted(refunds(merchant, payment_id)) == [
        (1200, "Failure"), (1800, "Failure"), (3000, "Success")]
    assert cancellations(mock_provider.url) == []
    assert balance_of(mock_provider.url, CARD) == 5000
    books()


def test_cancel_of_declined_redeem_is_rejected(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    response = redeem(processor.url, checkout.session(), "Expired", 3000)
    assert (response.status_code, response.json()["result"]) == (200, "Failure"), response.text
    payment_id = response.json()["paymentReference"]
    assert charge_of(merchant.get_payment(payment_id))["state"] == "Failure"
    ledger = fetch_ledger(mock_provider.url)

    for action, fields in (("cancelPayment", {}), ("reversePayment", {}),
                           ("refundPayment", {"amount": eur(100)})):
        body = outcome(intent(processor.url, merchant_token, payment_id, action, **fields))
        assert body["outcome"] == "rejected" and body["message"], (action, body)

    assert fetch_ledger(mock_provider.url) == ledger
    payment = merchant.get_payment(payment_id)
    assert [(t["type"], t["state"]) for t in payment["transactions"]] == [("Charge", "Failure")]
    books()


# --- Pending charges -----------------------------------------------------------------


def pending_charge(make_processor, checkout, merchant, mock_url) -> str:
    """A real redeem whose answer was lost and whose void failed: the charge stays Pending."""
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="0.5")
    mock_faults(mock_url, apply_then_delay=1.5, apply_then_delay_next=1)
    session = checkout.session()
    answers: list = []
    thread = threading.Thread(
        target=lambda: answers.append(redeem(processor.url, session, CARD, 3000))
    )
    thread.start()
    try:
        wait_until(lambda: redemptions(mock_url), timeout=5)
        mock_faults(mock_url, error_rate=1.0)  # the processor's void fails too
    finally:
        thread.join(30)
    mock_faults(mock_url)
    [response] = answers
    assert response.status_code == 502, response.text
    assert response.json()["status"]["errors"][0]["code"] == "OutcomeUnknown"
    payment_id = response.json()["paymentReference"]
    assert charge_of(merchant.get_payment(payment_id))["state"] == "Pending"
    assert balance_of(mock_url, CARD) == 2000  # taken, not recorded as taken
    return payment_id


@pytest.mark.parametrize("action", ["reversePayment", "cancelPayment"])
def test_reverse_or_cancel_of_pending_charge_voids_it(
    make_processor, processor, checkout, merchant, merchant_token, mock_provider, books, action,
    runtime_for,
):
    payment_id = pending_charge(make_processor, checkout, merchant, mock_provider.url)
    refund = intent(processor.url, merchant_token, payment_id, "refundPayment", amount=eur(100))
    assert outcome(refund)["outcome"] == "rejected"  # nothing was charged (yet)
    assert cancellations(mock_provider.url) == []
    assert refunds(merchant, payment_id) == []

    response = intent(processor.url, merchant_token, payment_id, action)

    assert outcome(response) == {"outcome": "approved"}
    payment = merchant.get_payment(payment_id)
    assert [(t["type"], t["state"]) for t in payment["transactions"]] == [("Charge", "Failure")]
    ledger = fetch_ledger(mock_provider.url)
    [redemption] = ledger["redemptions"]
    assert redemption["voided"] and redemption["reference"] == charge_of(payment)["interactionId"]
    assert ledger["cancellations"] == []
    assert balance_of(mock_provider.url, CARD) == 5000
    books()

    again = intent(processor.url, merchant_token, payment_id, action)
    assert outcome(again)["outcome"] in ("approved", "rejected")
    assert fetch_ledger(mock_provider.url) == ledger
    assert reconcile(runtime_for(), older_than=0) == []
    payment = merchant.get_payment(payment_id)
    assert [(t["type"], t["state"]) for t in payment["transactions"]] == [("Charge", "Failure")]
    books()


def test_reverse_of_pending_charge_with_provider_down_is_reconciled(
    make_processor, processor, checkout, merchant, merchant_token, mock_provider, books,
    runtime_for,
):
    payment_id = pending_charge(make_processor, checkout, merchant, mock_provider.url)
    mock_faults(mock_provider.url, error_rate=1.0)

    reverse = intent(processor.url, merchant_token, payment_id, "reversePayment")

    assert outcome(reverse)["outcome"] == "received"
    assert charge_of(merchant.get_payment(payment_id))["state"] == "Pending"
    assert balance_of(mock_provider.url, CARD) == 2000

    mock_faults(mock_provider.url)
    rows = reconcile(runtime_for(), older_than=0)

    assert [(r.type, r.outcome) for r in rows] == [("Charge", "voided")]
    payment = merchant.get_payment(payment_id)
    assert [(t["type"], t["state"]) for t in payment["transactions"]] == [("Charge", "Failure")]
    assert balance_of(mock_provider.url, CARD) == 5000
    books()


def test_cancel_whose_answer_is_lost_is_finished_by_reconcile(
    make_processor, checkout, merchant, merchant_token, mock_provider, books, runtime_for
):
    """The void of a Success charge lands at the provider after the processor gave up:
    the Refund journaled before it stays Pending, and reconcile finishes it."""
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="0.5")
    payment_id = charged(processor.url, checkout)
    mock_faults(mock_provider.url, latency=1.2)

    response = intent(processor.url, merchant_token, payment_id, "cancelPayment")

    assert outcome(response)["outcome"] == "received"
    wait_until(lambda: fetch_ledger(mock_provider.url)["voids"], timeout=5)
    mock_faults(mock_provider.url)
    assert balance_of(mock_provider.url, CARD) == 5000  # the money went back to the card
    assert refunds(merchant, payment_id) == [(3000, "Pending")]

    rows = reconcile(runtime_for(), older_than=0)

    assert [(r.type, r.outcome) for r in rows] == [("Refund", "refunded")]
    assert refunds(merchant, payment_id) == [(3000, "Success")]
    books()


def test_cancel_with_commercetools_down_moves_nothing(
    processor, emulator, checkout, merchant, merchant_token, mock_provider, books
):
    """The Refund cannot be journaled: the provider is never asked, and a later cancel works."""
    payment_id = charged(processor.url, checkout)
    emulator_faults(emulator.url, [{"route": PAYMENT_UPDATE, "status": 503, "times": 20}])

    response = intent(processor.url, merchant_token, payment_id, "cancelPayment")

    assert response.status_code == 503
    assert fetch_ledger(mock_provider.url)["voids"] == []
    assert balance_of(mock_provider.url, CARD) == 2000
    clear_emulator_faults(emulator.url)
    assert outcome(intent(processor.url, merchant_token, payment_id, "cancelPayment")) == {
        "outcome": "approved"}
    assert refunds(merchant, payment_id) == [(3000, "Success")]
    books()


def test_cancel_recorded_while_commercetools_goes_down_is_finished_by_reconcile(
    make_processor, emulator, checkout, merchant, merchant_token, mock_provider, books, runtime_for
):
    """Journaled, voided at the provider, but the result cannot be recorded: received."""
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="5")
    payment_id = charged(processor.url, checkout)
    mock_faults(mock_provider.url, latency=1.0)
    answers = []
    thread = threading.Thread(
        target=lambda: answers.append(intent(processor.url, merchant_token, payment_id, "cancelPayment"))
    )
    thread.start()
    try:
        wait_until(lambda: refunds(merchant, payment_id) == [(3000, "Pending")], timeout=5)
        emulator_faults(emulator.url, [{"route": PAYMENT_UPDATE, "status": 503, "times": 20}])
    finally:
        thread.join(30)
    clear_emulator_faults(emulator.url)
    mock_faults(mock_provider.url)

    assert outcome(answers[0])["outcome"] == "received"
    assert balance_of(mock_provider.url, CARD) == 5000
    rows = reconcile(runtime_for(), older_than=0)
    assert [(r.type, r.outcome) for r in rows] == [("Refund", "refunded")]
    assert refunds(merchant, payment_id) == [(3000, "Success")]
    books()


def test_racing_reverse_cancel_and_refunds_give_back_exactly_the_charge(
    processor, checkout, merchant, merchant_token, mock_provider, books, runtime_for
):
    payment_id = charged(processor.url, checkout)
    calls = [
        ("reversePayment", {}),
        ("cancelPayment", {}),
        ("refundPayment", {"amount": eur(1000), "merchantReference": "mix-1"}),
        ("refundPayment", {"amount": eur(500)}),
    ] * 2

    results = run_concurrently(
        len(calls),
        lambda i: intent(processor.url, merchant_token, payment_id, calls[i][0], **calls[i][1]),
    )

    for result in results:
        assert isinstance(result, requests.Response), result
        assert outcome(result)["outcome"] in ("approved", "rejected", "received"), result.text
    reconcile(runtime_for(), older_than=0)
    given_back = sum(cents for cents, state in refunds(merchant, payment_id) if state == "Success")
    assert given_back == 3000
    assert balance_of(mock_provider.url, CARD) == 5000
    books()


# --- capture and refusals ------------------------------------------------------------


def test_capture_is_rejected_and_moves_nothing(
    processor, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)
    ledger = fetch_ledger(mock_provider.url)

    response = intent(processor.url, merchant_token, payment_id, "capturePayment",
                      amount=eur(3000))

    body = outcome(response)
    assert body["outcome"] == "rejected" and "immediately" in body["message"]
    assert fetch_ledger(mock_provider.url) == ledger
    assert [t["type"] for t in merchant.get_payment(payment_id)["transactions"]] == ["Charge"]
    books()


def test_payment_of_another_interface_is_400(
    processor, merchant, merchant_token, mock_provider, books
):
    other = merchant.create_payment({
        "amountPlanned": eur(3000),
        "paymentMethodInfo": {"paymentInterface": "adyen", "method": "card"},
        "transactions": [{"type": "Charge", "amount": eur(3000), "state": "Success",
                          "interactionId": "psp-1"}],
    })
    for action, fields in (("refundPayment", {"amount": eur(100)}), ("reversePayment", {}),
                           ("cancelPayment", {})):
        response = intent(processor.url, merchant_token, other["id"], action, **fields)
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["code"] == "InvalidOperation"
    ledger = fetch_ledger(mock_provider.url)
    assert ledger["cancellations"] == [] and ledger["voids"] == []
    assert [t["type"] for t in merchant.get_payment(other["id"])["transactions"]] == ["Charge"]
    books()


def test_unknown_payment_is_404(processor, merchant_token, mock_provider, books):
    response = intent(processor.url, merchant_token, "no-such-payment", "refundPayment",
                      amount=eur(100))
    assert response.status_code == 404, response.text
    assert response.json()["errors"][0]["code"] == "ResourceNotFound"
    assert fetch_ledger(mock_provider.url)["cancellations"] == []
    books()


def test_token_of_another_project_is_403_and_moves_nothing(
    processor, emulator, checkout, merchant, merchant_token, mock_provider, books
):
    payment_id = charged(processor.url, checkout)
    client = requests.post(f"{emulator.url}/_emulator/clients",
                           json={"scope": "manage_checkout_payment_intents:other"}, timeout=5)
    assert client.status_code == 201, client.text
    credentials = client.json()
    token = requests.post(f"{emulator.url}/oauth/token",
                          auth=(credentials["clientId"], credentials["secret"]),
                          data={"grant_type": "client_credentials"}, timeout=5)
    token.raise_for_status()
    other_token = token.json()["access_token"]
    ledger = fetch_ledger(mock_provider.url)

    for action, fields in (("refundPayment", {"amount": eur(1000)}), ("reversePayment", {}),
                           ("cancelPayment", {})):
        response = intent(processor.url, other_token, payment_id, action, **fields)
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "insufficient_scope"

    assert fetch_ledger(mock_provider.url) == ledger
    assert [t["type"] for t in merchant.get_payment(payment_id)["transactions"]] == ["Charge"]
    # The same request with this project's authority goes through.
    own = intent(processor.url, merchant_token, payment_id, "refundPayment", amount=eur(1000))
    assert outcome(own) == {"outcome": "approved"}
    books()


# --- observers -----------------------------------------------------------------------


def test_observer_hears_each_final_refund_once(
    make_processor, checkout, merchant, merchant_token, mock_provider, books, runtime_for
):
    recorder = Recorder()
    processor = make_processor(
        PLUGINS={"mock": giftcard_connect_mock.plugin, "audit": recorder}
    )
    payment_id = charged(processor.url, checkout)
    assert recorder.of(payment_id) == [("Charge", "Success")]

    # A partial refund, repeated sequentially and concurrently: heard once.
    for _ in range(2):
        assert outcome(intent(processor.url, merchant_token, payment_id, "refundPayment",
                              amount=eur(500), merchantReference="obs-1")) == {
            "outcome": "approved"}
    run_concurrently(5, lambda _: intent(processor.url, merchant_token, payment_id,
                                         "refundPayment", amount=eur(500),
                                         merchantReference="obs-1"))
    assert recorder.of(payment_id) == [("Charge", "Success"), ("Refund", "Success")]

    # Refused before the provider (too much): nothing became final, nothing heard.
    assert outcome(intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(9000)))["outcome"] == "rejected"
    # Provider down: Pending, not final, nothing heard.
    mock_faults(mock_provider.url, error_rate=1.0)
    assert outcome(intent(processor.url, merchant_token, payment_id, "refundPayment",
                          amount=eur(700), merchantReference="obs-2"))["outcome"] == "received"
    assert len(recorder.of(payment_id)) == 2
    mock_faults(mock_provider.url)

    # The cancel journals a Pending Refund of what commercetools says is left (3000 - 500 -
    # 700 pending = 1800), but the void gives back all that is left at the provider (2500):
    # the journaled one fails and a Success Refund of 2500 is booked; both heard once. All
    # that was left came back: the cancel is approved.
    assert outcome(intent(processor.url, merchant_token, payment_id,
                          "cancelPayment"))["outcome"] == "approved"
    assert recorder.of(payment_id)[2:] == [("Refund", "Failure"), ("Refund", "Success")]
    # Reconcile asks for the Pending refund again: the redemption is voided, so it is
    # refused and recorded Failure, heard once.
    rows = reconcile(runtime_for(recorder), older_than=0)
    assert [(r.type, r.outcome) for r in rows] == [("Refund", "refund refused")]
    assert reconcile(runtime_for(recorder), older_than=0) == []

    assert recorder.of(payment_id) == [
        ("Charge", "Success"), ("Refund", "Success"), ("Refund", "Failure"), ("Refund", "Success"),
        ("Refund", "Failure"),
    ]
    assert refunds(merchant, payment_id) == [
        (500, "Success"), (700, "Failure"), (1800, "Failure"), (2500, "Success")
    ]
    assert not recorder.problems, recorder.problems
    assert balance_of(mock_provider.url, CARD) == 5000
    books()
