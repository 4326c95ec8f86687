"""giftcard_cancel and giftcard_void against `responses` stubs: whole rollbacks only,
already_rolled_back as done, multiple_requests asked again, FAILURE never a success."""

from __future__ import annotations

import json

import pytest
import responses
import voucherify_fixtures as fx
from giftcard_connect import (
    Cancellation,
    GiftCardError,
    Money,
    ProviderUnavailable,
    VoidResult,
)
from giftcard_connect_voucherify import plugin, rollbacks
from giftcard_connect_voucherify.client import VoucherifyApi
from giftcard_connect_voucherify.settings import read_settings

AMOUNT = Money(2500, "EUR")
REDEMPTION_URL = f"{fx.BASE_URL}/v1/redemptions/{fx.REDEMPTION_ID}"
ROLLBACK_URL = f"{REDEMPTION_URL}/rollback"
ORDER_URL = f"{fx.BASE_URL}/v1/orders/{fx.REFERENCE}"
PARENT_URL = f"{fx.BASE_URL}/v1/redemptions/r_parent"
REFUND_REFERENCE = "refund-0123456789abcdef"
PRODUCTION_RECHECK = 1.0  # README: "twice, a second apart"


def cancel(context, amount=AMOUNT):
    return plugin.giftcard_cancel(redemption_id=fx.REDEMPTION_ID, amount=amount,
                                  reference=REFUND_REFERENCE, context=context)


def void(context):
    return plugin.giftcard_void(reference=fx.REFERENCE, context=context)


def refused(call) -> GiftCardError:
    with pytest.raises(GiftCardError) as caught:
        call()
    assert fx.CODE not in str(caught.value)
    return caught.value


def rollbacks_sent() -> list:
    return [c for c in responses.calls if c.request.method == "POST"]


# --- cancel ----------------------------------------------------------------------------


@responses.activate
def test_cancel_rolls_the_whole_redemption_back(context):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, json=fx.rolled_back(2500))
    assert cancel(context) == Cancellation(fx.ROLLBACK_ID, AMOUNT)
    (sent,) = rollbacks_sent()
    assert json.loads(sent.request.body) == {
        "reason": f"giftcard-connect {REFUND_REFERENCE}",
        "metadata": {"gcc_reference": REFUND_REFERENCE}}


@responses.activate
def test_cancel_of_part_is_refused_before_anything_is_sent(context):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    refusal = refused(lambda: cancel(context, Money(1000, "EUR")))
    assert (refusal.state, refusal.code) == ("Invalid", "PartialCancelNotSupported")
    assert "whole redemptions" in refusal.message
    assert rollbacks_sent() == []


@responses.activate
def test_cancel_again_answers_the_first_rollback(context):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500, status="ROLLED_BACK",
                                                     rollbacks=(fx.ROLLBACK_ID,)))
    assert cancel(context) == Cancellation(fx.ROLLBACK_ID, AMOUNT)
    assert rollbacks_sent() == []


@responses.activate
def test_already_rolled_back_counts_as_done(context):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, status=400, json=fx.error("already_rolled_back"))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500, status="ROLLED_BACK",
                                                     rollbacks=("rr_earlier",)))
    assert cancel(context) == Cancellation("rr_earlier", AMOUNT)


@responses.activate
def test_already_rolled_back_that_reads_otherwise_is_unknown(context):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, status=400, json=fx.error("already_rolled_back"))
    with pytest.raises(ProviderUnavailable):
        cancel(context)


@responses.activate
def test_a_rollback_answered_failure_is_never_a_success(context):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, json=fx.rolled_back(2500, result="FAILURE"))
    refusal = refused(lambda: cancel(context))
    assert (refusal.state, refusal.code) == ("Invalid", "RollbackFailed")
    assert "invalid_redemption" in refusal.message


@responses.activate
def test_multiple_requests_is_asked_again_with_growing_waits(context, waits):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    for _ in range(2):
        responses.post(ROLLBACK_URL, status=400, json=fx.error("multiple_requests"))
    responses.post(ROLLBACK_URL, json=fx.rolled_back(2500))
    assert cancel(context).amount == AMOUNT
    assert waits == [0.2, 0.4] and len(rollbacks_sent()) == 3


@responses.activate
def test_multiple_requests_that_never_ends_is_unknown(context, waits):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, status=400, json=fx.error("multiple_requests"))
    with pytest.raises(ProviderUnavailable):
        cancel(context)
    assert len(rollbacks_sent()) == 4 and waits == [0.2, 0.4, 0.8]


@responses.activate
def test_a_stacked_redemption_is_rolled_back_through_its_parent(context):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500, parent="r_parent"))
    responses.post(f"{PARENT_URL}/rollbacks", json={
        "rollbacks": [fx.rolled_back(2500)],
        "parent_rollback": {"id": "rr_parent", "redemption": "r_parent", "result": "SUCCESS"}})
    assert cancel(context) == Cancellation(fx.ROLLBACK_ID, AMOUNT)
    assert [c.request.url for c in rollbacks_sent()] == [f"{PARENT_URL}/rollbacks"]


@pytest.mark.parametrize("key", ["invalid_redemption_parent", "invalid_redemption"])
@responses.activate
def test_voucherify_saying_it_is_stacked_switches_to_the_parent(context, key):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, status=400, json=fx.error(key))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500, parent="r_parent"))
    responses.post(f"{PARENT_URL}/rollbacks", json={"rollbacks": [fx.rolled_back(2500)]})
    assert cancel(context).cancellation_id == fx.ROLLBACK_ID


@responses.activate
def test_a_rollback_with_a_5xx_is_asked_again(context, waits):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, status=503, body="busy")
    responses.post(ROLLBACK_URL, json=fx.rolled_back(2500))
    assert cancel(context).amount == AMOUNT
    assert len(rollbacks_sent()) == 2


@responses.activate
def test_a_rollback_without_an_answer_is_unknown(context, waits):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, status=502, body="<html>Bad gateway</html>")
    with pytest.raises(ProviderUnavailable):
        cancel(context)


@pytest.mark.parametrize(
    "stub, code",
    [
        ({"status": 404, "json": fx.not_found("redemption")}, "RedemptionNotFound"),
        ({"json": fx.redemption(2500, status="FAILED", failure_code="voucher_disabled")},
         "RedemptionFailed"),
    ],
)
@responses.activate
def test_nothing_to_give_back_is_refused(context, stub, code):
    responses.get(REDEMPTION_URL, **stub)
    assert refused(lambda: cancel(context)).code == code
    assert rollbacks_sent() == []


@responses.activate
def test_another_rollback_refusal_is_refused_with_its_key(context):
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, status=400, json=fx.error("rollback_period_exceeded"))
    refusal = refused(lambda: cancel(context))
    assert refusal.code == "RollbackRefused" and "rollback_period_exceeded" in refusal.message


# --- void ------------------------------------------------------------------------------


@responses.activate
def test_void_of_a_reference_voucherify_never_saw(context, waits, monkeypatch):
    monkeypatch.setattr(rollbacks, "NOT_FOUND_RECHECK", PRODUCTION_RECHECK)
    responses.get(ORDER_URL, status=404, json=fx.not_found("order"))
    assert void(context) == VoidResult(fx.REFERENCE, voided=False)
    assert len(responses.calls) == 2 and waits == [1.0]


@responses.activate
def test_void_finds_an_order_that_shows_up_on_the_second_look(context, waits):
    responses.get(ORDER_URL, status=404, json=fx.not_found("order"))
    responses.get(ORDER_URL, json=fx.order({fx.REDEMPTION_ID: {"related_object_type": "voucher"}}))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, json=fx.rolled_back(2500))
    assert void(context) == VoidResult(fx.REFERENCE, True, AMOUNT)


@responses.activate
def test_void_without_time_for_the_second_look_is_unknown(http):
    clock = [1000.0]

    def slow(request):
        clock[0] += 2.5
        return 404, {}, json.dumps(fx.not_found("order"))

    responses.add_callback("GET", ORDER_URL, callback=slow)
    api = VoucherifyApi(read_settings({"APP_ID": "a", "APP_TOKEN": "b", "CURRENCIES": "EUR"}),
                        http=http, timeout=(0.5, 2.0), clock=lambda: clock[0])
    with pytest.raises(ProviderUnavailable):
        api.void(fx.REFERENCE, "EUR")
    assert len(responses.calls) == 1


@responses.activate
def test_void_rolls_back_what_the_reference_redeemed(context):
    responses.get(ORDER_URL, json=fx.order({fx.REDEMPTION_ID: {"related_object_type": "voucher"}}))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, json=fx.rolled_back(2500))
    assert void(context) == VoidResult(fx.REFERENCE, True, AMOUNT)
    (sent,) = rollbacks_sent()
    assert json.loads(sent.request.body)["metadata"] == {"gcc_reference": fx.REFERENCE}


@responses.activate
def test_void_again_reports_what_was_given_back_and_sends_nothing(context):
    entry = {"related_object_type": "voucher", "rollback_id": fx.ROLLBACK_ID}
    responses.get(ORDER_URL, json=fx.order({fx.REDEMPTION_ID: entry}))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500, status="ROLLED_BACK",
                                                     rollbacks=(fx.ROLLBACK_ID,)))
    assert void(context) == VoidResult(fx.REFERENCE, True, AMOUNT)
    assert rollbacks_sent() == []


@responses.activate
def test_void_skips_failed_redemptions(context):
    responses.get(ORDER_URL, json=fx.order({fx.REDEMPTION_ID: {"related_object_type": "voucher"}}))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500, status="FAILED",
                                                     failure_code="gift_amount_exceeded"))
    assert void(context) == VoidResult(fx.REFERENCE, voided=False)
    assert rollbacks_sent() == []


@responses.activate
def test_void_of_an_order_without_redemptions(context):
    responses.get(ORDER_URL, json=fx.order({}))
    assert void(context) == VoidResult(fx.REFERENCE, voided=False)


@responses.activate
def test_void_of_a_stacked_redemption_rolls_back_its_parent(context):
    entry = {"related_object_type": "redemption", "stacked": [fx.REDEMPTION_ID]}
    responses.get(ORDER_URL, json=fx.order({"r_parent": entry}))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500, parent="r_parent"))
    responses.post(f"{PARENT_URL}/rollbacks", json={"rollbacks": [fx.rolled_back(2500)]})
    assert void(context) == VoidResult(fx.REFERENCE, True, AMOUNT)


@responses.activate
def test_void_asks_again_while_another_rollback_runs(context, waits):
    responses.get(ORDER_URL, json=fx.order({fx.REDEMPTION_ID: {"related_object_type": "voucher"}}))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, status=400, json=fx.error("multiple_requests"))
    responses.post(ROLLBACK_URL, status=400, json=fx.error("already_rolled_back"))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500, status="ROLLED_BACK",
                                                     rollbacks=(fx.ROLLBACK_ID,)))
    assert void(context) == VoidResult(fx.REFERENCE, True, AMOUNT)
    assert waits == [0.2]


@responses.activate
def test_void_that_cannot_roll_back_is_refused(context):
    responses.get(ORDER_URL, json=fx.order({fx.REDEMPTION_ID: {"related_object_type": "voucher"}}))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    responses.post(ROLLBACK_URL, json=fx.rolled_back(2500, result="FAILURE"))
    assert refused(lambda: void(context)).code == "RollbackFailed"


@pytest.mark.parametrize(
    "order_stub, redemption_stub",
    [
        ({"status": 500, "body": "down"}, None),
        ({"status": 429, "json": fx.rate_limited()}, None),
        ({"json": fx.order({fx.REDEMPTION_ID: {}})}, {"status": 404, "json": fx.not_found()}),
        ({"json": fx.order({fx.REDEMPTION_ID: {}})}, {"json": {"id": 1, "object": "list"}}),
        ({"json": {**fx.order({}), "source_id": "another-reference"}}, None),
    ],
    ids=["order-500", "order-429", "listed-but-unknown", "odd-redemption", "other-order"],
)
@responses.activate
def test_void_that_cannot_be_confirmed_is_unknown(context, waits, order_stub, redemption_stub):
    responses.get(ORDER_URL, **order_stub)
    if redemption_stub:
        responses.get(REDEMPTION_URL, **redemption_stub)
    with pytest.raises(ProviderUnavailable):
        void(context)
    assert rollbacks_sent() == []
