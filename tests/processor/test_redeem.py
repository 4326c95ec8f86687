"""POST /redeem through the Flask test client, with a scripted provider and a real emulator."""

import time

import pytest
import requests

from giftcard_connect import GiftCardError, ProviderUnavailable, hookimpl
from giftcard_connect.models import Money, Redemption, VoidResult

from ..integration.flows import run_concurrently

CODE = "SECRET-CODE-4711"


def redeem(client, session_id, cents=2500, currency="EUR", key=None, body=None):
    headers = {"X-Session-Id": session_id}
    if key:
        headers["Idempotency-Key"] = key
    if body is None:
        body = {"code": CODE, "redeemAmount": {"centAmount": cents, "currencyCode": currency}}
    return client.post("/redeem", json=body, headers=headers)


def payments_of(merchant):
    return merchant.query_payments([], limit=500)["results"]


def only_charge(payment):
    (charge,) = [t for t in payment["transactions"] if t["type"] == "Charge"]
    return charge


def test_redeem_success_records_success_charge(client, checkout, merchant, fake_provider):
    cart = checkout.cart(10_000)
    response = redeem(client, checkout.session(cart), key="submit-1")
    assert response.status_code == 200
    body = response.json
    (payment,) = payments_of(merchant)
    (call,) = [c for c in fake_provider.calls if c[0] == "redeem"]
    reference = call[1]["reference"]
    assert body == {"result": "Success", "paymentReference": payment["id"], "redemptionId": f"r-{reference}"}
    charge = only_charge(payment)
    assert (charge["state"], charge["interactionId"]) == ("Success", reference)
    assert charge["amount"]["centAmount"] == 2500 and payment["amountPlanned"]["centAmount"] == 2500
    assert payment["interfaceId"] == f"r-{reference}"
    assert payment["paymentMethodInfo"]["method"] == "giftcard"
    assert payment["paymentMethodInfo"]["paymentInterface"] == "mock"
    assert CODE not in str(payment)
    assert payment["anonymousId"] == "shopper-1"
    assert payment["key"].startswith("giftcard-")
    cart = merchant.get_cart(cart["id"])
    assert cart["paymentInfo"]["payments"] == [{"typeId": "payment", "id": payment["id"]}]


@pytest.mark.parametrize("state", ["Expired", "ZeroBalance", "CurrencyNotMatch", "GenericError"])
def test_redeem_decline_is_200_failure_and_records_it(
    client, checkout, merchant, fake_provider, state
):
    """A decline is a definite answer: 200, as the established Enabler contract expects."""
    fake_provider.redeem_result = GiftCardError(state, "CardDeclined", "Card declined")
    response = redeem(client, checkout.session())
    assert response.status_code == 200
    (payment,) = payments_of(merchant)
    assert response.json == {
        "result": "Failure",
        "paymentReference": payment["id"],
        "status": {
            "state": state, "errors": [{"code": "CardDeclined", "message": "Card declined"}]
        },
    }
    assert only_charge(payment)["state"] == "Failure"
    assert payment["paymentStatus"]["interfaceCode"] == state
    assert not [c for c in fake_provider.calls if c[0] == "void"]


@pytest.mark.parametrize("state, code", [("NotFound", "NotFound"), ("Invalid", "InvalidPin")])
def test_redeem_unknown_card_is_one_answer_but_recorded_as_declined(
    client, checkout, merchant, fake_provider, state, code
):
    """The shopper sees one answer for every "no such card" reason; the merchant's
    payment keeps the provider's state."""
    fake_provider.redeem_result = GiftCardError(state, code, "PIN is missing or wrong")
    response = redeem(client, checkout.session())
    (payment,) = payments_of(merchant)
    assert response.status_code == 200
    assert response.json == {
        "result": "Failure",
        "paymentReference": payment["id"],
        "status": {"state": "Invalid", "errors": [
            {"code": "Invalid", "message": "No usable gift card matches this code and PIN."}]},
    }
    assert payment["paymentStatus"]["interfaceCode"] == state


@pytest.mark.parametrize("failure", [ProviderUnavailable("read timeout"), KeyError("plugin bug")])
def test_redeem_unknown_outcome_voids_by_reference(client, checkout, merchant, fake_provider, failure):
    """The void is confirmed, so nothing was charged: a definite Failure (200)."""
    fake_provider.redeem_result = failure
    fake_provider.void_result = lambda reference: VoidResult(reference, True, Money(2500, "EUR"))
    response = redeem(client, checkout.session())
    assert response.status_code == 200
    (payment,) = payments_of(merchant)
    assert response.json == {
        "result": "Failure",
        "paymentReference": payment["id"],
        "status": {"state": "GenericError", "errors": [{
            "code": "ProviderUnavailable",
            "message": "The gift card provider did not answer in time; nothing was charged. "
                       "Please try again.",
        }]},
    }
    charge = only_charge(payment)
    assert charge["state"] == "Failure"
    (void,) = [c for c in fake_provider.calls if c[0] == "void"]
    assert void[1]["reference"] == charge["interactionId"]


@pytest.mark.parametrize(
    "void_failure",
    [ProviderUnavailable("still down"), GiftCardError("Invalid", "VoidRefused", "no void")],
)
def test_redeem_unconfirmed_void_leaves_pending(client, checkout, merchant, fake_provider, void_failure):
    fake_provider.redeem_result = ProviderUnavailable("read timeout")
    fake_provider.void_result = void_failure
    response = redeem(client, checkout.session(), key="k")
    assert response.status_code == 502  # not known to have failed: never a 200 Failure
    (payment,) = payments_of(merchant)
    assert response.json["result"] == "Failure"
    assert response.json["paymentReference"] == payment["id"]
    assert response.json["status"]["state"] == "GenericError"
    assert response.json["status"]["errors"][0]["code"] == "OutcomeUnknown"
    assert only_charge(payment)["state"] == "Pending"


def test_redeem_replay_while_pending_is_409(client, checkout, fake_provider):
    fake_provider.redeem_result = lambda card, amount, reference: time.sleep(0.5) or Redemption(
        "r1", amount
    )
    session = checkout.session()
    [first, second] = run_concurrently(
        2, lambda i: time.sleep(0.2 * i) or redeem(client.application.test_client(), session, key="k")
    )
    assert first.status_code == 200, first.json
    assert second.status_code == 409
    assert second.json["errors"][0]["code"] == "RedeemInProgress"
    assert second.headers["Retry-After"] == "1"
    assert len([c for c in fake_provider.calls if c[0] == "redeem"]) == 1


def test_redeem_replay_of_an_unconfirmed_void_voids_again(client, checkout, merchant, fake_provider):
    """The first redeem gave up with its charge Pending: the repeat does not wait for
    reconcile, it voids again and, once confirmed, answers the final Failure."""
    fake_provider.redeem_result = ProviderUnavailable("read timeout")
    fake_provider.void_result = ProviderUnavailable("still down")
    session = checkout.session()
    first = redeem(client, session, key="k")
    assert first.status_code == 502 and first.json["status"]["errors"][0]["code"] == "OutcomeUnknown"
    [payment] = payments_of(merchant)
    assert only_charge(payment)["state"] == "Pending"
    assert payment["paymentStatus"]["interfaceCode"] == "Voiding"

    still_down = redeem(client, session, key="k")
    assert still_down.status_code == 409
    assert still_down.json["errors"][0]["code"] == "EarlierRedeemPending"
    assert still_down.headers["Retry-After"] == "5"

    fake_provider.void_result = lambda reference: VoidResult(reference, voided=False)
    final = redeem(client, session, key="k")
    assert final.json["result"] == "Failure", final.json
    assert final.json["paymentReference"] == payment["id"]
    assert only_charge(payments_of(merchant)[0])["state"] == "Failure"
    assert [c[0] for c in fake_provider.calls] == ["redeem", "void", "void", "void"]


def test_redeem_provider_charging_another_amount_is_voided(client, checkout, merchant, fake_provider):
    fake_provider.redeem_result = lambda card, amount, reference: Redemption("r1", Money(9999, "EUR"))
    fake_provider.void_result = lambda reference: VoidResult(reference, True, Money(9999, "EUR"))
    response = redeem(client, checkout.session())
    assert response.status_code == 200 and response.json["result"] == "Failure"
    assert response.json["status"]["errors"][0]["code"] == "ProviderUnavailable"
    assert only_charge(payments_of(merchant)[0])["state"] == "Failure"
    assert [c[0] for c in fake_provider.calls] == ["redeem", "void"]


def test_redeem_replay_returns_first_outcome(client, checkout, merchant, fake_provider):
    session = checkout.session()
    first = redeem(client, session, key="same")
    second = redeem(client, session, key="same")
    assert second.status_code == 200 and second.json == first.json
    assert len(payments_of(merchant)) == 1
    assert len([c for c in fake_provider.calls if c[0] == "redeem"]) == 1


def test_redeem_replay_of_decline_returns_the_decline(client, checkout, fake_provider):
    fake_provider.redeem_result = GiftCardError("NotFound", "NotFound", "No such card")
    session = checkout.session()
    first = redeem(client, session, key="same")
    second = redeem(client, session, key="same")
    assert first.status_code == second.status_code == 200
    assert first.json["result"] == second.json["result"] == "Failure"
    assert second.json["status"] == first.json["status"]
    assert second.json["status"]["state"] == "Invalid"
    assert second.json["paymentReference"] == first.json["paymentReference"]
    assert len([c for c in fake_provider.calls if c[0] == "redeem"]) == 1


def test_redeem_replay_of_a_confirmed_void_is_200_failure(client, checkout, fake_provider):
    fake_provider.redeem_result = ProviderUnavailable("read timeout")
    fake_provider.void_result = lambda reference: VoidResult(reference, False)  # nothing to undo
    session = checkout.session()
    first = redeem(client, session, key="same")
    second = redeem(client, session, key="same")
    assert first.status_code == second.status_code == 200
    assert second.json["result"] == "Failure" and second.json["status"]["state"] == "GenericError"
    assert second.json["paymentReference"] == first.json["paymentReference"]
    assert [c[0] for c in fake_provider.calls] == ["redeem", "void"]


def test_redeem_same_key_other_amount_is_400(client, checkout, fake_provider):
    session = checkout.session()
    redeem(client, session, cents=100, key="same")
    response = redeem(client, session, cents=200, key="same")
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidOperation"


def test_redeem_same_key_other_cart_is_a_new_payment(client, checkout, merchant):
    redeem(client, checkout.session(), key="same")
    redeem(client, checkout.session(), key="same")
    assert len(payments_of(merchant)) == 2


@pytest.mark.parametrize(
    "body, code",
    [
        ({"code": CODE}, "RequiredField"),
        ({"redeemAmount": {"centAmount": 100, "currencyCode": "EUR"}}, "RequiredField"),
        ({"code": CODE, "redeemAmount": {"centAmount": 10.5, "currencyCode": "EUR"}}, "InvalidField"),
        ({"code": CODE, "redeemAmount": {"centAmount": "100", "currencyCode": "EUR"}}, "InvalidField"),
        ({"code": CODE, "redeemAmount": {"currencyCode": "EUR"}}, "RequiredField"),
        ({"code": CODE, "redeemAmount": {"centAmount": 100, "currencyCode": "EURO"}}, "InvalidField"),
        ({"code": CODE, "redeemAmount": 100}, "InvalidField"),
        ({"code": CODE, "redeemAmount": {"centAmount": 0, "currencyCode": "EUR"}}, "InvalidField"),
        ({"code": CODE, "redeemAmount": {"centAmount": -5, "currencyCode": "EUR"}}, "InvalidField"),
        ({"code": CODE, "redeemAmount": {"centAmount": 100, "currencyCode": "USD"}}, "InvalidField"),
        ({"code": CODE, "redeemAmount": {"centAmount": 10_001, "currencyCode": "EUR"}}, "InvalidOperation"),
    ],
)
def test_redeem_bad_input_writes_nothing(client, checkout, merchant, fake_provider, body, code):
    response = redeem(client, checkout.session(checkout.cart(10_000)), body=body)
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == code
    assert CODE not in response.get_data(as_text=True)
    assert payments_of(merchant) == []
    assert fake_provider.calls == []


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "tab\there"])
def test_redeem_bad_idempotency_key_is_400(client, checkout, merchant, key):
    response = client.post(
        "/redeem",
        json={"code": CODE, "redeemAmount": {"centAmount": 1, "currencyCode": "EUR"}},
        headers={"X-Session-Id": checkout.session(), "Idempotency-Key": key},
    )
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "Idempotency-Key"
    assert payments_of(merchant) == []


def test_redeem_fully_paid_cart_is_400(client, checkout, fake_provider):
    session = checkout.session(checkout.cart(3000))
    assert redeem(client, session, cents=3000).status_code == 200
    response = redeem(client, session, cents=1)
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidOperation"


def test_redeem_cart_conflict_is_retried(client, checkout, merchant, emulator):
    requests.put(
        f"{emulator.url}/_emulator/faults",
        json=[{"route": "POST /<projectKey>/carts/<id>", "status": 409, "times": 2}],
        timeout=5,
    ).raise_for_status()
    cart = checkout.cart(10_000)
    response = redeem(client, checkout.session(cart))
    assert response.status_code == 200
    assert len(merchant.get_cart(cart["id"])["paymentInfo"]["payments"]) == 1


def test_redeem_cart_that_keeps_changing_is_409_not_5xx(client, checkout, merchant, emulator, fake_provider):
    """Every re-read of the cart meets another change: a conflict, answered as one."""
    requests.put(
        f"{emulator.url}/_emulator/faults",
        json=[{"route": "POST /<projectKey>/carts/<id>", "status": 409}],
        timeout=5,
    ).raise_for_status()
    response = redeem(client, checkout.session())
    assert response.status_code == 409, response.json
    assert response.json["errors"][0]["code"] == "ConcurrentModification"
    assert response.headers["Retry-After"] == "1"
    # The provider was asked beside the cart update; what it did was voided.
    (redeemed, voided) = fake_provider.calls
    assert (redeemed[0], voided[0]) == ("redeem", "void")
    assert voided[1]["reference"] == redeemed[1]["reference"]
    (payment,) = payments_of(merchant)
    assert only_charge(payment)["state"] == "Failure"


def test_redeem_commercetools_down_before_charge_is_503(client, checkout, emulator, fake_provider):
    session = checkout.session()
    requests.put(
        f"{emulator.url}/_emulator/faults",
        json=[{"route": "POST /<projectKey>/payments", "status": 503}],
        timeout=5,
    ).raise_for_status()
    response = redeem(client, session)
    assert response.status_code == 503
    assert [c for c in fake_provider.calls if c[0] == "redeem"] == []


def test_redeem_observer_called_once_per_final_state(app, checkout, fake_provider):
    recorded = []

    class Audit:
        @hookimpl
        def giftcard_payment_recorded(self, payment, transaction):
            recorded.append((payment["id"], transaction["type"], transaction["state"]))

    app.extensions["giftcard_connect_plugins"].register(Audit(), name="audit")
    client = app.test_client()
    session = checkout.session()
    ok = redeem(client, session, key="a").json
    redeem(client, session, key="a")
    fake_provider.redeem_result = GiftCardError("Expired", "Expired", "expired")
    failed = redeem(client, session, key="b").json
    assert recorded == [
        (ok["paymentReference"], "Charge", "Success"),
        (failed["paymentReference"], "Charge", "Failure"),
    ]


def test_redeem_session_of_another_payment_interface_writes_nothing(client, checkout, merchant, fake_provider):
    session = checkout.session(paymentInterface="some-other-psp")
    response = redeem(client, session)
    assert response.status_code == 400
    assert "GIFTCARD_PAYMENT_INTERFACE" in response.json["message"]
    assert payments_of(merchant) == []
    assert fake_provider.calls == []


@pytest.mark.parametrize("currency", ["ßab", "ÄÖÜ", "eu€", "E1R", "EURO", "EU"])
def test_redeem_currency_must_be_three_ascii_letters(client, checkout, fake_provider, currency):
    """Found by the fuzz run: "ß".upper() is "SS", and a currency of two letters was a 500."""
    response = redeem(client, checkout.session(), currency=currency)
    assert response.status_code == 400
    assert response.json["errors"][0] == {
        "code": "InvalidField", "field": "redeemAmount.currencyCode",
        "message": "The value for field redeemAmount.currencyCode is invalid: Must be a "
                   "three-letter ISO 4217 code."}
    assert not fake_provider.calls
