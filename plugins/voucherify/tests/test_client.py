"""client.py against `responses` stubs: every call, every error mapping, retries, logs."""

from __future__ import annotations

import json
import logging

import pytest
import requests
import responses
from example_api import CURRENCY
from giftcard_connect import GiftCard, GiftCardError, Money, ProviderUnavailable, VoidResult
from responses import matchers

from giftcard_connect_voucherify import client
from giftcard_connect_voucherify.client import GiftCardApi

BASE_URL = "https://api.voucherify.io".rstrip("/")
CARD = GiftCard("6001234567890123", "4321")
AMOUNT = Money(1500, CURRENCY)
REDEEM_URL = f"{BASE_URL}/v1/redemptions"
BALANCE_URL = f"{BASE_URL}/v1/balance-inquiries"
VOID_URL = f"{BASE_URL}/v1/voids"

# Every provider error code and what it must become: (HTTP status, state, reason).
DECLINE_CASES = {
    "card_not_found": (404, "NotFound", "NotFound"),
    "card_expired": (422, "Expired", "Expired"),
    "card_blocked": (422, "Invalid", "CardBlocked"),
    "zero_balance": (422, "ZeroBalance", "ZeroBalance"),
    "insufficient_funds": (422, "Invalid", "InsufficientBalance"),
    "currency_mismatch": (422, "CurrencyNotMatch", "CurrencyNotMatch"),
    "pin_required": (422, "Invalid", "InvalidPin"),
    "pin_invalid": (422, "Invalid", "InvalidPin"),
    "transaction_voided": (409, "Invalid", "Voided"),
    "redemption_voided": (409, "Invalid", "Voided"),
    "redemption_not_found": (404, "Invalid", "RedemptionNotFound"),
    "amount_exceeds_redemption": (422, "Invalid", "AmountExceedsRedemption"),
    "partial_refund_not_supported": (422, "Invalid", "PartialCancelNotSupported"),
    "idempotency_conflict": (422, "Invalid", "ReferenceConflict"),
    "invalid_request": (400, "Invalid", "InvalidRequest"),
}


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def api(http, sleeps) -> GiftCardApi:
    return GiftCardApi(
        BASE_URL, "key-1", http=http, timeout=(1.5, 4.0), correlation_id="corr-1",
        sleep=sleeps.append,
    )


def error(code: str) -> dict:
    return {"error": {"code": code, "message": "refused"}}


def sent(call) -> dict:
    return json.loads(call.request.body)


@responses.activate
def test_balance_sends_the_card_in_the_body_with_timeouts_and_headers(api):
    responses.post(BALANCE_URL, json={"balance": 5000, "currency": CURRENCY})
    assert api.balance(CARD).amount == Money(5000, CURRENCY)
    (call,) = responses.calls
    assert sent(call) == {"cardNumber": CARD.code, "pin": CARD.pin}
    assert CARD.code not in call.request.url and CARD.pin not in call.request.url
    assert call.request.headers["Authorization"] == "Bearer key-1"
    assert call.request.headers["X-Correlation-ID"] == "corr-1"
    assert call.request.req_kwargs["timeout"] == (1.5, 4.0)


@responses.activate
def test_redeem_sends_the_reference_as_idempotency_key_and_transaction_id(api):
    responses.post(
        REDEEM_URL,
        status=201,
        json={"id": "rdm_1", "amount": 1500, "currency": CURRENCY,
              "merchantTransactionId": "ref-1"},
        match=[matchers.header_matcher({"Idempotency-Key": "ref-1"})],
    )
    redemption = api.redeem(CARD, AMOUNT, "ref-1")
    assert (redemption.redemption_id, redemption.amount) == ("rdm_1", AMOUNT)
    assert sent(responses.calls[0]) == {
        "cardNumber": CARD.code, "pin": CARD.pin, "amount": 1500, "currency": CURRENCY,
        "merchantTransactionId": "ref-1",
    }


@responses.activate
def test_refund_quotes_the_redemption_id_and_sends_its_own_reference(api):
    responses.post(
        f"{BASE_URL}/v1/redemptions/rdm%2F1/refunds",
        status=201,
        json={"id": "rfd_1", "redemptionId": "rdm/1", "amount": 500, "currency": CURRENCY},
        match=[matchers.header_matcher({"Idempotency-Key": "cancel-1"})],
    )
    cancellation = api.refund("rdm/1", Money(500, CURRENCY), "cancel-1")
    assert (cancellation.cancellation_id, cancellation.amount) == ("rfd_1", Money(500, CURRENCY))
    assert sent(responses.calls[0]) == {
        "amount": 500, "currency": CURRENCY, "merchantTransactionId": "cancel-1",
    }


@responses.activate
@pytest.mark.parametrize(
    "answer, expected",
    [
        ({"voided": True, "amount": 1500}, VoidResult("ref-1", True, Money(1500, CURRENCY))),
        ({"voided": False, "amount": 0}, VoidResult("ref-1", False)),
    ],
)
def test_void_by_reference(api, answer, expected):
    responses.post(VOID_URL, json={"merchantTransactionId": "ref-1", "currency": CURRENCY,
                                   **answer})
    assert api.void("ref-1") == expected
    assert sent(responses.calls[0]) == {"merchantTransactionId": "ref-1"}


@responses.activate
def test_void_answer_for_another_reference_is_not_trusted(api):
    responses.post(VOID_URL, json={"merchantTransactionId": "ref-2", "voided": False, "amount": 0,
                                   "currency": CURRENCY})
    with pytest.raises(ProviderUnavailable, match="unexpected shape"):
        api.void("ref-1")


@responses.activate
@pytest.mark.parametrize("code", sorted(DECLINE_CASES))
def test_every_provider_error_code_maps_to_its_state(api, code):
    status, state, reason = DECLINE_CASES[code]
    responses.post(REDEEM_URL, status=status, json=error(code))
    with pytest.raises(GiftCardError) as caught:
        api.redeem(CARD, AMOUNT, "ref-1")
    assert (caught.value.state, caught.value.code) == (state, reason)
    assert CARD.code not in caught.value.message


def test_every_mapped_error_code_has_a_case():
    assert set(DECLINE_CASES) == set(client.DECLINES)


@responses.activate
@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_are_not_retryable(api, status):
    responses.post(BALANCE_URL, status=status, json=error("unauthorized"))
    with pytest.raises(ProviderUnavailable, match="API_KEY") as caught:
        api.balance(CARD)
    assert caught.value.retryable is False
    assert len(responses.calls) == 1


@responses.activate
@pytest.mark.parametrize(
    "status, body, message",
    [
        (500, {"error": {"code": "internal"}}, "HTTP 500 \\(internal\\)"),
        (422, {"error": {"code": "something_new"}}, "HTTP 422 \\(something_new\\)"),
        (400, {"unexpected": True}, "HTTP 400 \\(no error code\\)"),
        (502, "<html><body>Bad gateway</body></html>", "not JSON"),
        (404, "<html>Not found</html>", "not JSON"),
        (200, "<html>maintenance</html>", "without a JSON object"),
        (201, ["a list"], "without a JSON object"),
    ],
)
def test_unknown_outcomes_are_provider_unavailable(api, status, body, message):
    if isinstance(body, str):
        responses.post(REDEEM_URL, status=status, body=body, content_type="text/html")
    else:
        responses.post(REDEEM_URL, status=status, json=body)
    with pytest.raises(ProviderUnavailable, match=message):
        api.redeem(CARD, AMOUNT, "ref-1")
    assert len(responses.calls) == 1  # a redeem is never retried


@responses.activate
@pytest.mark.parametrize(
    "body",
    [
        {"id": "rdm_1", "amount": 15.0, "currency": CURRENCY},
        {"id": "", "amount": 1500, "currency": CURRENCY},
        {"amount": 1500, "currency": CURRENCY},
        {"id": "rdm_1", "amount": 1500, "currency": "EURO"},
    ],
)
def test_a_success_of_the_wrong_shape_is_an_unknown_outcome(api, body):
    responses.post(REDEEM_URL, status=201, json=body)
    with pytest.raises(ProviderUnavailable, match="unexpected shape"):
        api.redeem(CARD, AMOUNT, "ref-1")


@responses.activate
def test_balance_is_retried_after_503(api, sleeps):
    responses.post(BALANCE_URL, status=503, json=error("unavailable"))
    responses.post(BALANCE_URL, json={"balance": 700, "currency": CURRENCY})
    assert api.balance(CARD).amount == Money(700, CURRENCY)
    assert len(responses.calls) == 2 and sleeps == [client.BACKOFF]


@responses.activate
def test_429_waits_for_retry_after_then_retries(api, sleeps):
    responses.post(BALANCE_URL, status=429, json=error("rate_limited"),
                   headers={"Retry-After": "1"})
    responses.post(BALANCE_URL, json={"balance": 700, "currency": CURRENCY})
    assert api.balance(CARD).amount == Money(700, CURRENCY)
    assert sleeps == [1.0]


@responses.activate
def test_429_with_a_long_retry_after_is_not_waited_for(api, sleeps):
    responses.post(BALANCE_URL, status=429, json=error("rate_limited"),
                   headers={"Retry-After": "60"})
    with pytest.raises(ProviderUnavailable, match="429"):
        api.balance(CARD)
    assert len(responses.calls) == 1 and sleeps == []


@responses.activate
def test_429_twice_gives_up(api, sleeps):
    responses.post(BALANCE_URL, status=429, body="Too many requests", content_type="text/plain")
    with pytest.raises(ProviderUnavailable, match="429"):
        api.balance(CARD)
    assert len(responses.calls) == client.ATTEMPTS


@responses.activate
@pytest.mark.parametrize("status", [429, 503])
def test_a_redeem_is_never_retried(api, sleeps, status):
    responses.post(REDEEM_URL, status=status, json=error("busy"), headers={"Retry-After": "1"})
    with pytest.raises(ProviderUnavailable):
        api.redeem(CARD, AMOUNT, "ref-1")
    assert len(responses.calls) == 1 and sleeps == []


@responses.activate
def test_a_redeem_that_times_out_is_an_unknown_outcome_not_retried(api):
    responses.post(REDEEM_URL, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(ProviderUnavailable, match="no answer"):
        api.redeem(CARD, AMOUNT, "ref-1")
    assert len(responses.calls) == 1


@responses.activate
def test_void_is_retried_with_the_same_reference_after_a_connection_error(api, sleeps):
    responses.post(VOID_URL, body=requests.ConnectionError("reset"))
    responses.post(VOID_URL, json={"merchantTransactionId": "ref-1", "voided": False, "amount": 0,
                                   "currency": CURRENCY})
    assert api.void("ref-1") == VoidResult("ref-1", False)
    assert [sent(call) for call in responses.calls] == [{"merchantTransactionId": "ref-1"}] * 2


@responses.activate
def test_refund_is_retried_with_the_same_idempotency_key(api):
    url = f"{BASE_URL}/v1/redemptions/rdm_1/refunds"
    responses.post(url, status=502, body="<html>bad gateway</html>", content_type="text/html")
    responses.post(url, status=201, json={"id": "rfd_1", "amount": 500, "currency": CURRENCY})
    api.refund("rdm_1", Money(500, CURRENCY), "cancel-1")
    assert [c.request.headers["Idempotency-Key"] for c in responses.calls] == ["cancel-1"] * 2


@responses.activate
def test_void_that_never_answers_is_provider_unavailable(api):
    responses.post(VOID_URL, body=requests.ConnectTimeout("no route"))
    with pytest.raises(ProviderUnavailable, match="no answer"):
        api.void("ref-1")
    assert len(responses.calls) == client.ATTEMPTS


@responses.activate
@pytest.mark.parametrize(
    "answer, up",
    [({"json": {"status": "ok"}}, True), ({"status": 500, "json": error("down")}, False),
     ({"status": 401, "json": error("unauthorized")}, False)],
)
def test_health(api, answer, up):
    responses.get(f"{BASE_URL}/v1/health", **answer)
    assert api.health() is up


@responses.activate
def test_codes_and_pins_never_reach_logs_or_errors(api, caplog):
    caplog.set_level(logging.DEBUG)
    responses.post(BALANCE_URL, status=503, body="<html>down</html>", content_type="text/html")
    responses.post(REDEEM_URL, body=requests.ConnectionError("reset"))
    with pytest.raises(ProviderUnavailable) as balance_error:
        api.balance(CARD)
    with pytest.raises(ProviderUnavailable) as redeem_error:
        api.redeem(CARD, AMOUNT, "ref-1")
    assert caplog.records, "the retry is logged"
    texts = [record.getMessage() for record in caplog.records]
    texts += [str(balance_error.value), str(redeem_error.value), repr(api)]
    for text in texts:
        assert CARD.code not in text and CARD.pin not in text and "key-1" not in text
