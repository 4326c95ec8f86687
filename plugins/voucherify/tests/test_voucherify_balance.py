"""giftcard_balance against `responses` stubs: the one call, every decline, every outage."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests
import responses
import voucherify_fixtures as fx
from giftcard_connect import Balance, GiftCard, GiftCardError, Money, ProviderUnavailable
from giftcard_connect_voucherify import plugin
from giftcard_connect_voucherify.fake import APP_ID, APP_TOKEN

CARD = GiftCard(fx.CODE)
URL = f"{fx.BASE_URL}/v1/vouchers/{fx.CODE}"
NOW = datetime.now(timezone.utc)


def balance(context, card=CARD):
    return plugin.giftcard_balance(card=card, context=context)


def declined(context, card=CARD) -> GiftCardError:
    with pytest.raises(GiftCardError) as caught:
        balance(context, card)
    assert fx.CODE not in str(caught.value) and fx.CODE not in repr(caught.value)
    return caught.value


def unavailable(context) -> ProviderUnavailable:
    with pytest.raises(ProviderUnavailable) as caught:
        balance(context)
    assert fx.CODE not in str(caught.value)
    assert caught.value.__cause__ is None  # a requests error's text holds the URL
    return caught.value


@responses.activate
def test_balance_of_the_reference_gift_card_is_one_call(context):
    responses.get(URL, json=fx.voucher())
    assert balance(context) == Balance(Money(44700, "EUR"))
    (call,) = responses.calls
    assert call.request.headers["X-App-Id"] == APP_ID
    assert call.request.headers["X-App-Token"] == APP_TOKEN
    assert call.request.headers["Accept"] == "application/json"
    assert call.request.body is None


@responses.activate
def test_balance_is_in_the_processors_currency(context):
    responses.get(URL, json=fx.voucher())
    chf = type(context)(**{**context.__dict__, "currency": "CHF"})
    assert balance(chf) == Balance(Money(44700, "CHF"))


@pytest.mark.parametrize(
    "code, path",
    [
        ("A/B C", "A%2FB%20C"),
        ("50%?#x", "50%25%3F%23x"),
        ("a.b", "a.b"),
        ("Café+1&2=3", "Caf%C3%A9%2B1%262%3D3"),
    ],
)
@responses.activate
def test_balance_encodes_the_code_as_one_path_segment(context, code, path):
    responses.get(f"{fx.BASE_URL}/v1/vouchers/{path}", json=fx.voucher(code=code))
    assert balance(context, GiftCard(code)).amount.cent_amount == 44700
    assert responses.calls[0].request.path_url == f"/v1/vouchers/{path}"


@pytest.mark.parametrize("code", [".", ".."])
@responses.activate
def test_a_code_of_dots_alone_is_not_found_without_a_call(context, code):
    """requests would resolve it to another path (the voucher list)."""
    assert declined(context, GiftCard(code)).state == "NotFound"
    assert len(responses.calls) == 0


@responses.activate
def test_unknown_code_is_not_found(context):
    responses.get(URL, status=404, json=fx.not_found())
    assert (declined(context).state, declined(context).code) == ("NotFound", "NotFound")


@pytest.mark.parametrize(
    "changes, state, code",
    [
        ({"expiration_date": "2022-10-31T00:00:00.000Z"}, "Expired", "Expired"),
        ({"active": False}, "Invalid", "CardDisabled"),
        ({"gift": {"amount": 55000, "balance": 0, "effect": "APPLY_TO_ORDER"}}, "ZeroBalance",
         "ZeroBalance"),
        ({"type": "DISCOUNT_VOUCHER", "gift": None}, "Invalid", "NotAGiftCard"),
        ({"type": "LOYALTY_CARD", "gift": None}, "Invalid", "NotAGiftCard"),
        ({"start_date": (NOW + timedelta(days=2)).isoformat()}, "Invalid", "CardNotActiveYet"),
        ({"redemption": {"quantity": 7, "redeemed_quantity": 7}}, "Invalid",
         "RedemptionLimitReached"),
        ({"validity_day_of_week": [(NOW.isoweekday() + 2) % 7]}, "Invalid", "CardNotActiveNow"),
    ],
)
@responses.activate
def test_voucher_that_cannot_pay_is_declined(context, changes, state, code):
    responses.get(URL, json=fx.voucher(**changes))
    decline = declined(context)
    assert (decline.state, decline.code) == (state, code)


@responses.activate
def test_expiry_wins_over_a_disabled_card(context):
    responses.get(URL, json=fx.voucher(expiration_date="2022-10-31T00:00:00.000Z", active=False))
    assert declined(context).state == "Expired"


@responses.activate
def test_open_windows_and_an_unused_cap_do_not_decline(context):
    responses.get(URL, json=fx.voucher(
        start_date=(NOW - timedelta(days=2)).isoformat(),
        expiration_date=(NOW + timedelta(days=2)).isoformat(),
        validity_day_of_week=list(range(7)),
        redemption={"quantity": 8, "redeemed_quantity": 7},
    ))
    assert balance(context).amount.cent_amount == 44700


@pytest.mark.parametrize("status", [401, 402, 403, 429, 500, 502])
@responses.activate
def test_provider_errors_are_unavailable(context, status):
    responses.get(URL, status=status, json={"code": status, "message": "no", "details": fx.CODE})
    failure = unavailable(context)
    assert str(status) in failure.message


@responses.activate
def test_refused_credentials_name_the_settings_not_their_values(context):
    responses.get(URL, status=401, json={"code": 401, "key": "unauthorized", "message": "no"})
    failure = unavailable(context)
    assert "GIFTCARD_VOUCHERIFY_APP_TOKEN" in failure.message and APP_TOKEN not in failure.message
    assert failure.retryable is False and len(responses.calls) == 1


@pytest.mark.parametrize(
    "stub",
    [
        {"body": requests.ConnectionError(f"Max retries exceeded with url: /{fx.CODE}")},
        {"body": requests.ReadTimeout("read timed out")},
        {"body": "<html>gateway</html>", "status": 200},
        {"body": "<html>not here</html>", "status": 404},
        {"json": {"code": 400, "key": "invalid_voucher", "details": fx.CODE}, "status": 400},
        {"json": fx.voucher(gift={"amount": 1, "balance": "12.00"})},
        {"json": fx.voucher(expiration_date="yesterday")},
    ],
    ids=["connection", "timeout", "html-200", "html-404", "unknown-key", "float-balance", "date"],
)
@responses.activate
def test_answers_that_are_no_answer_are_unavailable(context, stub, waits):
    responses.get(URL, **stub)
    responses.get(URL, **stub)
    unavailable(context)


@responses.activate
def test_balance_retries_a_503_once(context, waits):
    responses.get(URL, status=503, body="busy")
    responses.get(URL, json=fx.voucher())
    assert balance(context).amount.cent_amount == 44700
    assert len(responses.calls) == 2


@responses.activate
def test_retry_after_is_honoured_on_a_read(context, waits):
    responses.get(URL, status=429, json=fx.rate_limited(), headers={"Retry-After": "1"})
    responses.get(URL, json=fx.voucher())
    assert balance(context).amount.cent_amount == 44700
    assert waits == [1.0]


@pytest.mark.parametrize("headers", [{}, {"Retry-After": "30"}], ids=["no-time", "too-long"])
@responses.activate
def test_rate_limit_without_a_short_wait_is_unavailable_at_once(context, headers, waits):
    responses.get(URL, status=429, json=fx.rate_limited(), headers=headers)
    assert "429" in unavailable(context).message
    assert len(responses.calls) == 1 and waits == []
