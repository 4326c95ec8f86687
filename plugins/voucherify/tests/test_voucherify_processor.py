"""The plugin in a processor, over loopback: the commercetools emulator, the processor's
HTTP API (balance, redeem, the operations API) and the Voucherify fake, with faults."""

from __future__ import annotations

import dataclasses
import logging

import pytest
import requests
import voucherify_fixtures as fx
from giftcard_connect.testing import CardSample, ProviderUnderTest

PARTIAL_REFUSAL = "This gift card provider cannot cancel part of a redemption."


@pytest.fixture
def giftcard_provider_under_test(giftcard_provider_under_test) -> ProviderUnderTest:
    """The conformance subject with a short provider timeout, for lost answers."""
    subject = giftcard_provider_under_test
    return dataclasses.replace(
        subject, settings={**subject.settings, "GIFTCARD_PROVIDER_TIMEOUT": "1"})


def transactions(run, payment_id: str) -> list[tuple[str, str, int]]:
    return [(t["type"], t["state"], t["amount"]["centAmount"])
            for t in run.payment(payment_id)["transactions"]]


def paid(run, card: CardSample, cents: int) -> str:
    response = run.post_redeem(run.session(), card, cents)
    assert response.status_code == 200 and response.json()["result"] == "Success", response.text
    return response.json()["paymentReference"]


def outcome(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def test_a_partial_refund_is_rejected_with_its_reason(giftcard_conformance, voucherify):
    run = giftcard_conformance
    card = run.new_card(5000)
    payment_id = paid(run, card, 3000)
    before = dict(voucherify.state.calls)
    refund = run.intent(payment_id, "refundPayment", amount=run.money(1000).to_dict(),
                        merchantReference="part-1")
    assert outcome(refund) == {"outcome": "rejected", "message": PARTIAL_REFUSAL}
    assert dict(voucherify.state.calls) == before  # Voucherify was not asked
    assert run.balance_at_provider(card) == 2000
    assert transactions(run, payment_id) == [("Charge", "Success", 3000)]
    full = run.intent(payment_id, "refundPayment", amount=run.money(3000).to_dict(),
                      merchantReference="full")
    assert outcome(full) == {"outcome": "approved"}
    assert run.balance_at_provider(card) == 5000
    run.verify()


def test_a_refund_waits_out_a_running_rollback(giftcard_conformance, voucherify):
    run = giftcard_conformance
    card = run.new_card(5000)
    payment_id = paid(run, card, 3000)
    voucherify.state.fail("rollback", 400, fx.error("multiple_requests", details=card.code))
    refund = run.intent(payment_id, "refundPayment", amount=run.money(3000).to_dict())
    assert outcome(refund) == {"outcome": "approved"}
    assert run.balance_at_provider(card) == 5000
    assert voucherify.state.calls["rollback"] == 2
    run.verify()


@pytest.mark.parametrize("action", ["cancelPayment", "reversePayment"])
def test_cancel_and_reverse_give_the_redemption_back(giftcard_conformance, action):
    run = giftcard_conformance
    card = run.new_card(5000)
    payment_id = paid(run, card, 1800)
    assert outcome(run.intent(payment_id, action)) == {"outcome": "approved"}
    assert run.balance_at_provider(card) == 5000
    assert outcome(run.intent(payment_id, action)) == {"outcome": "approved"}  # asked again
    assert run.balance_at_provider(card) == 5000
    run.verify()


def test_an_answer_lost_after_the_redemption_is_found_by_its_order(giftcard_conformance,
                                                                   voucherify):
    run = giftcard_conformance
    card = run.new_card(5000)
    voucherify.state.fail("redeem", 502, after=True)
    payment_id = paid(run, card, 2000)
    assert run.balance_at_provider(card) == 3000
    assert voucherify.state.calls["redeem"] == 1  # never sent again
    assert transactions(run, payment_id) == [("Charge", "Success", 2000)]
    run.verify()


def test_an_answer_that_times_out_after_the_redemption_is_found(giftcard_conformance,
                                                                voucherify):
    run = giftcard_conformance
    card = run.new_card(5000)
    voucherify.state.fail("redeem", delay=1.5, after=True)
    paid(run, card, 2000)
    assert run.balance_at_provider(card) == 3000 and voucherify.state.calls["redeem"] == 1
    run.verify()


def test_a_lost_answer_not_found_again_ends_with_the_money_given_back(giftcard_conformance,
                                                                      voucherify):
    run = giftcard_conformance
    card = run.new_card(5000)
    fake = voucherify.state
    fake.fail("order")  # the lookup before the redeem answers as usual
    fake.fail("redeem", 502, after=True)
    fake.fail("order", 503, "<html>busy</html>", times=2)  # the lookup after it, and its retry
    response = run.post_redeem(run.session(), card, 2000)
    body = response.json()
    assert body["result"] == "Failure" and body["status"]["state"] == "GenericError"
    assert run.balance_at_provider(card) == 5000  # the processor's void rolled it back
    assert fake.calls["redeem"] == 1 and fake.calls["rollback"] == 1
    assert transactions(run, body["paymentReference"]) == [("Charge", "Failure", 2000)]
    run.verify()


def test_balance_and_redeem_are_one_and_two_calls(giftcard_conformance, voucherify):
    run = giftcard_conformance
    card = run.new_card(5000)
    session = run.session()
    voucherify.state.calls.clear()
    assert run.post_balance(session, card).json()["amount"]["centAmount"] == 5000
    assert dict(voucherify.state.calls) == {"voucher": 1}
    voucherify.state.calls.clear()
    assert run.post_redeem(session, card, 1000).json()["result"] == "Success"
    assert dict(voucherify.state.calls) == {"order": 1, "redeem": 1}
    run.verify()


@pytest.mark.parametrize("code", ["VF/1 ?x#y", "Ünï-cøde+%25&=", "a.b.c", "ends-with-dot."])
def test_codes_with_any_characters_reach_the_right_voucher(giftcard_conformance, voucherify,
                                                           giftcard_logs, code):
    run = giftcard_conformance
    voucherify.state.issue(4000, code=code)
    headers = {"X-Session-Id": run.session()}
    balance = requests.post(f"{run.url}/balance", json={"code": code}, headers=headers,
                            timeout=10)
    assert balance.json()["amount"] == {"centAmount": 4000, "currencyCode": "EUR"}, balance.text
    redeem = requests.post(f"{run.url}/redeem", headers=headers, timeout=10, json={
        "code": code, "redeemAmount": {"centAmount": 1500, "currencyCode": "EUR"}})
    assert redeem.json()["result"] == "Success", redeem.text
    assert voucherify.state.balance_of(code) == 2500
    assert not [r for r in giftcard_logs.records if code in r.getMessage()]


def test_rate_limited_balance_is_a_provider_error(giftcard_conformance, voucherify):
    run = giftcard_conformance
    card = run.new_card(5000)
    voucherify.state.fail("voucher", 429, fx.rate_limited(), headers={"Retry-After": "30"})
    response = run.post_balance(run.session(), card)
    assert response.status_code == 502 and response.json()["status"]["state"] == "GenericError"
    assert voucherify.state.calls["voucher"] == 1  # a 30 s wait is not taken, nor retried
    run.verify()


def test_no_debug_line_names_a_code(giftcard_conformance, giftcard_logs):
    run = giftcard_conformance
    card = run.new_card(5000)
    session = run.session()
    assert run.post_balance(session, card).status_code == 200
    payment_id = paid(run, card, 1000)
    run.intent(payment_id, "refundPayment", amount=run.money(1000).to_dict())
    assert giftcard_logs.handler.level <= logging.DEBUG
    assert any('"GET /v1/vouchers/**** HTTP/1.1" 200' in record.getMessage()
               for record in giftcard_logs.records)  # urllib3's line is there, masked
    run.verify()  # the money invariant, and no code or PIN in any record
