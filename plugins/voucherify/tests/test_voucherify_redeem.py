"""giftcard_redeem against `responses` stubs: the request, the order lookup that makes it
idempotent, the three refusal shapes, and lost answers (never resent)."""

from __future__ import annotations

import json

import pytest
import requests
import responses
import voucherify_fixtures as fx
from giftcard_connect import GiftCard, GiftCardError, Money, ProviderUnavailable, Redemption
from giftcard_connect_voucherify import plugin

CARD = GiftCard(fx.CODE)
AMOUNT = Money(2500, "EUR")
ORDER_URL = f"{fx.BASE_URL}/v1/orders/{fx.REFERENCE}"
REDEEM_URL = f"{fx.BASE_URL}/v1/redemptions"
REDEMPTION_URL = f"{fx.BASE_URL}/v1/redemptions/{fx.REDEMPTION_ID}"
VOUCHER_URL = f"{fx.BASE_URL}/v1/vouchers/{fx.CODE}"


def redeem(context, amount=AMOUNT, card=CARD):
    return plugin.giftcard_redeem(card=card, amount=amount, reference=fx.REFERENCE,
                                  context=context)


def declined(context) -> GiftCardError:
    with pytest.raises(GiftCardError) as caught:
        redeem(context)
    assert fx.CODE not in str(caught.value)
    return caught.value


def unknown(context) -> ProviderUnavailable:
    with pytest.raises(ProviderUnavailable) as caught:
        redeem(context)
    assert fx.CODE not in str(caught.value) and caught.value.__cause__ is None
    return caught.value


def posts() -> list:
    return [call for call in responses.calls if call.request.method == "POST"]


def no_order():
    responses.get(ORDER_URL, status=404, json=fx.not_found("order"))


@responses.activate
def test_redeem_looks_the_reference_up_then_redeems_once(context):
    no_order()
    responses.post(REDEEM_URL, json=fx.redeemed(2500))
    assert redeem(context) == Redemption(fx.REDEMPTION_ID, AMOUNT)
    assert [call.request.method for call in responses.calls] == ["GET", "POST"]
    assert json.loads(posts()[0].request.body) == {
        "redeemables": [{"object": "voucher", "id": fx.CODE, "gift": {"credits": 2500}}],
        "order": {"source_id": fx.REFERENCE, "amount": 2500,
                  "metadata": {"gcc_reference": fx.REFERENCE}},
        "metadata": {"gcc_reference": fx.REFERENCE},
    }
    assert fx.CODE not in posts()[0].request.url


@responses.activate
def test_a_repeated_redeem_answers_the_first_redemption(context):
    responses.get(ORDER_URL, json=fx.order({fx.REDEMPTION_ID: {"related_object_type": "voucher"}}))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    assert redeem(context) == Redemption(fx.REDEMPTION_ID, AMOUNT)
    assert posts() == []


@responses.activate
def test_a_redeem_of_a_voided_reference_is_refused(context):
    rolled_back = {"related_object_type": "voucher", "rollback_id": fx.ROLLBACK_ID}
    responses.get(ORDER_URL, json=fx.order({fx.REDEMPTION_ID: rolled_back}))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500, status="ROLLED_BACK",
                                                     rollbacks=(fx.ROLLBACK_ID,)))
    decline = declined(context)
    assert (decline.state, decline.code) == ("Invalid", "ReferenceVoided")
    assert posts() == []


@responses.activate
def test_earlier_failed_attempts_do_not_stop_a_redeem(context):
    responses.get(ORDER_URL, json=fx.order({"r_failed": {"related_object_type": "voucher"}}))
    responses.get(f"{fx.BASE_URL}/v1/redemptions/r_failed",
                  json=fx.redemption(2500, rid="r_failed", status="FAILED",
                                     failure_code="voucher_disabled"))
    responses.post(REDEEM_URL, json=fx.redeemed(2500))
    assert redeem(context).redemption_id == fx.REDEMPTION_ID
    assert len(posts()) == 1


@responses.activate
def test_a_stacked_redemption_answers_the_gift_cards_own(context):
    no_order()
    answer = fx.redeemed(2500, parent="r_parent")
    answer["parent_redemption"] = {"id": "r_parent", "object": "redemption", "amount": 2500,
                                   "result": "SUCCESS", "status": "SUCCEEDED"}
    responses.post(REDEEM_URL, json=answer)
    assert redeem(context) == Redemption(fx.REDEMPTION_ID, AMOUNT)


@responses.activate
def test_the_amount_voucherify_took_is_answered(context):
    """The framework voids a redemption of another amount; the plugin reports it as is."""
    no_order()
    responses.post(REDEEM_URL, json=fx.redeemed(2400))
    assert redeem(context).amount == Money(2400, "EUR")


KEYS = [
    ("voucher_expired", "Expired", "Expired"),
    ("voucher_disabled", "Invalid", "CardDisabled"),
    ("voucher_not_active", "Invalid", "CardNotActiveYet"),
    ("voucher_not_active_now", "Invalid", "CardNotActiveNow"),
    ("quantity_exceeded", "Invalid", "RedemptionLimitReached"),
    ("order_rules_violated", "Invalid", "ValidationRulesViolated"),
    ("customer_rules_violated", "Invalid", "ValidationRulesViolated"),
    ("missing_customer", "Invalid", "ValidationRulesViolated"),
    ("missing_amount", "GenericError", "RedemptionRefused"),
    ("invalid_amount", "GenericError", "RedemptionRefused"),
]
SHAPES = {
    "http-400": lambda key: {"status": 400, "json": fx.error(key)},
    "result-failure": lambda key: {"json": fx.redeemed(2500, status="FAILED", failure_code=key)},
    "inapplicable": lambda key: {"json": fx.inapplicable(key)},
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("key, state, code", KEYS)
@responses.activate
def test_every_refusal_shape_is_the_same_decline(context, shape, key, state, code):
    no_order()
    responses.post(REDEEM_URL, **SHAPES[shape](key))
    decline = declined(context)
    assert (decline.state, decline.code) == (state, code)
    assert len(posts()) == 1


@pytest.mark.parametrize("shape, key", [
    ("http-404", "not_found"), ("http-404", "resource_not_found"),
    ("result-failure", "resource_not_found"), ("inapplicable", "not_found"),
])
@responses.activate
def test_an_unknown_code_is_not_found_in_every_shape(context, shape, key):
    no_order()
    stub = ({"status": 404, "json": fx.error(key, 404)} if shape == "http-404"
            else SHAPES[shape](key))
    responses.post(REDEEM_URL, **stub)
    assert declined(context).state == "NotFound"


@pytest.mark.parametrize("balance, state, code", [(0, "ZeroBalance", "ZeroBalance"),
                                                  (1000, "GenericError", "InsufficientBalance")])
@pytest.mark.parametrize("shape", list(SHAPES))
@responses.activate
def test_gift_amount_exceeded_asks_the_balance(context, shape, balance, state, code):
    no_order()
    responses.post(REDEEM_URL, **SHAPES[shape]("gift_amount_exceeded"))
    responses.get(VOUCHER_URL, json=fx.voucher(gift={"amount": 5000, "balance": balance}))
    decline = declined(context)
    assert (decline.state, decline.code) == (state, code)


@responses.activate
def test_gift_amount_exceeded_without_a_balance_is_insufficient(context, waits):
    no_order()
    responses.post(REDEEM_URL, status=400, json=fx.error("gift_amount_exceeded"))
    responses.get(VOUCHER_URL, status=503)
    assert declined(context).code == "InsufficientBalance"


@pytest.mark.parametrize("shape", ["result-failure", "inapplicable"])
@responses.activate
def test_an_unknown_key_in_an_answer_that_says_failed_is_a_decline(context, shape):
    no_order()
    responses.post(REDEEM_URL, **SHAPES[shape]("brand_new_reason"))
    decline = declined(context)
    assert (decline.state, decline.code) == ("GenericError", "RedemptionRefused")


@pytest.mark.parametrize("key", ["brand_new_reason", "multiple_requests"])
@responses.activate
def test_an_http_refusal_with_an_unknown_key_leaves_the_outcome_to_a_void(context, key):
    no_order()
    responses.post(REDEEM_URL, status=400, json=fx.error(key))
    assert key in unknown(context).message
    assert len(posts()) == 1


@responses.activate
def test_skipped_redeemables_are_a_decline(context):
    no_order()
    responses.post(REDEEM_URL, json={"redemptions": [], "inapplicable_redeemables": [],
                                     "skipped_redeemables": [{"id": fx.CODE}]})
    assert declined(context).code == "RedemptionRefused"


@pytest.mark.parametrize("status", [401, 402, 429])
@responses.activate
def test_refusals_before_any_work_are_unavailable_without_a_lookup(context, status):
    no_order()
    responses.post(REDEEM_URL, status=status, json={"code": status, "message": "no"})
    assert str(status) in unknown(context).message
    assert [call.request.method for call in responses.calls] == ["GET", "POST"]


def _odd() -> dict:
    answer = fx.redeemed(2500)
    answer["redemptions"][0]["result"] = "PENDING"
    return answer


LOST = {
    "timeout": {"body": requests.ReadTimeout("read timed out")},
    "reset": {"body": requests.ConnectionError(f"Connection aborted for /{fx.CODE}")},
    "502": {"status": 502, "body": "<html>Bad gateway</html>"},
    "500-json": {"status": 500, "json": {"code": 500, "message": "oops"}},
    "200-html": {"status": 200, "body": "<html>ok</html>"},
    "200-empty": {"json": {"redemptions": [], "inapplicable_redeemables": []}},
    "200-odd": {"json": _odd()},
}


@pytest.mark.parametrize("lost", list(LOST))
@responses.activate
def test_a_lost_answer_is_looked_for_never_resent(context, lost):
    no_order()
    responses.post(REDEEM_URL, **LOST[lost])
    responses.get(ORDER_URL, json=fx.order({fx.REDEMPTION_ID: {"related_object_type": "voucher"}}))
    responses.get(REDEMPTION_URL, json=fx.redemption(2500))
    assert redeem(context) == Redemption(fx.REDEMPTION_ID, AMOUNT)
    assert len(posts()) == 1


@pytest.mark.parametrize("lost", ["timeout", "502"])
@responses.activate
def test_a_lost_answer_not_found_again_is_an_unknown_outcome(context, lost):
    no_order()
    responses.post(REDEEM_URL, **LOST[lost])
    assert unknown(context).message
    assert len(posts()) == 1
    assert [call.request.method for call in responses.calls] == ["GET", "POST", "GET"]


@responses.activate
def test_a_failed_lookup_after_a_lost_answer_is_an_unknown_outcome(context, waits):
    no_order()
    responses.post(REDEEM_URL, status=502)
    responses.get(ORDER_URL, status=503)
    unknown(context)
    assert len(posts()) == 1


@responses.activate
def test_a_failed_first_lookup_sends_nothing(context, waits):
    responses.get(ORDER_URL, status=500, body="down")
    unknown(context)
    assert posts() == []


@responses.activate
def test_a_currency_the_project_does_not_hold_is_declined_without_a_call(context):
    with pytest.raises(GiftCardError) as caught:
        redeem(context, Money(2500, "USD"))
    assert caught.value.state == "CurrencyNotMatch"
    assert len(responses.calls) == 0


@responses.activate
def test_a_redeemed_voucher_that_is_no_gift_card_is_given_back_and_declined(context):
    no_order()
    responses.post(REDEEM_URL, json=fx.redeemed(2500, voucher_type="DISCOUNT_VOUCHER"))
    responses.post(f"{REDEMPTION_URL}/rollback", json=fx.rolled_back(2500))
    decline = declined(context)
    assert (decline.state, decline.code) == ("Invalid", "NotAGiftCard")
    assert [call.request.url for call in posts()] == [REDEEM_URL, f"{REDEMPTION_URL}/rollback"]


@responses.activate
def test_a_voucher_that_is_no_gift_card_and_cannot_be_given_back_is_unknown(context):
    no_order()
    responses.post(REDEEM_URL, json=fx.redeemed(2500, voucher_type="DISCOUNT_VOUCHER"))
    responses.post(f"{REDEMPTION_URL}/rollback", json=fx.rolled_back(2500, result="FAILURE"))
    assert "not rolled back" in unknown(context).message
