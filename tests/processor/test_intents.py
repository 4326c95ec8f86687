"""POST /operations/payment-intents/{id}: refund, reverse, cancel, capture on a redeemed payment."""

import pytest

from giftcard_connect import GiftCardError, ProviderUnavailable
from giftcard_connect.models import Money, VoidResult

CODE = "SECRET-CODE-4711"


@pytest.fixture
def redeemed(client, checkout):
    """A payment with a 2500 EUR Success charge, made through POST /redeem."""
    response = client.post(
        "/redeem",
        json={"code": CODE, "redeemAmount": {"centAmount": 2500, "currencyCode": "EUR"}},
        headers={"X-Session-Id": checkout.session(checkout.cart(10_000))},
    )
    assert response.status_code == 200
    return response.json["paymentReference"]


def intent(client, token, payment_id, **action):
    return client.post(
        f"/operations/payment-intents/{payment_id}",
        json={"actions": [action]},
        headers={"Authorization": f"Bearer {token}"},
    )


def transactions(merchant, payment_id, kind):
    return [t for t in merchant.get_payment(payment_id)["transactions"] if t["type"] == kind]


def calls(fake_provider, hook):
    return [c[1] for c in fake_provider.calls if c[0] == hook]


def eur(cents):
    return {"centAmount": cents, "currencyCode": "EUR"}


def test_refund_partial_then_rest(client, merchant_token, merchant, redeemed, fake_provider):
    first = intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(1000))
    assert first.status_code == 200 and first.json == {"outcome": "approved"}
    second = intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(1500))
    assert second.json == {"outcome": "approved"}
    refunds = transactions(merchant, redeemed, "Refund")
    assert [(r["amount"]["centAmount"], r["state"]) for r in refunds] == [(1000, "Success"), (1500, "Success")]
    cancels = calls(fake_provider, "cancel")
    assert [c["amount"] for c in cancels] == [Money(1000, "EUR"), Money(1500, "EUR")]
    assert cancels[0]["redemption_id"] == merchant.get_payment(redeemed)["interfaceId"]
    assert [c["reference"] for c in cancels] == [r["interactionId"] for r in refunds]


def test_refund_above_refundable_is_rejected_without_provider(client, merchant_token, merchant, redeemed, fake_provider):
    intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(2000))
    response = intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(501))
    assert response.json["outcome"] == "rejected"
    assert "500" in response.json["message"]
    assert len(calls(fake_provider, "cancel")) == 1
    assert len(transactions(merchant, redeemed, "Refund")) == 1


def test_refund_provider_refusal_is_failure_never_success(client, merchant_token, merchant, redeemed, fake_provider):
    fake_provider.cancel_result = GiftCardError("Invalid", "CancelRefused", "Refund window closed")
    response = intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(100))
    assert response.json == {"outcome": "rejected", "message": "Refund window closed"}
    (refund,) = transactions(merchant, redeemed, "Refund")
    assert refund["state"] == "Failure"


def test_refund_provider_unavailable_is_received_and_pending(client, merchant_token, merchant, redeemed, fake_provider):
    fake_provider.cancel_result = ProviderUnavailable("timeout")
    response = intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(100),
                      merchantReference="rf-1")
    assert response.json["outcome"] == "received"
    (refund,) = transactions(merchant, redeemed, "Refund")
    assert refund["state"] == "Pending"
    # Repeating the same request asks the provider again with the same reference.
    fake_provider.cancel_result = lambda redemption_id, amount, reference: __import__(
        "giftcard_connect").Cancellation("c1", amount)
    again = intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(100),
                   merchantReference="rf-1")
    assert again.json == {"outcome": "approved"}
    (refund,) = transactions(merchant, redeemed, "Refund")
    assert refund["state"] == "Success"
    assert len({c["reference"] for c in calls(fake_provider, "cancel")}) == 1


def test_refund_repeated_merchant_reference_gives_back_once(client, merchant_token, merchant, redeemed, fake_provider):
    for _ in range(3):
        response = intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(700),
                          merchantReference="order-1-refund")
        assert response.json == {"outcome": "approved"}
    assert len(calls(fake_provider, "cancel")) == 1
    assert len(transactions(merchant, redeemed, "Refund")) == 1


def test_refund_partial_rejected_when_provider_cannot(app, merchant_token, redeemed, fake_provider):
    runtime = app.extensions["giftcard_connect"]
    object.__setattr__(runtime.provider, "info", runtime.provider.info.__class__(
        **{**runtime.provider.info.__dict__, "supports_partial_cancel": False}))
    client = app.test_client()
    partial = intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(100))
    assert partial.json["outcome"] == "rejected"
    assert "part" in partial.json["message"]
    assert intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(2500)).json == {
        "outcome": "approved"}


@pytest.mark.parametrize(
    "action, code",
    [
        ({"action": "refundPayment"}, "RequiredField"),
        ({"action": "refundPayment", "amount": {"centAmount": 100, "currencyCode": "USD"}}, "InvalidField"),
        ({"action": "refundPayment", "amount": {"centAmount": 0, "currencyCode": "EUR"}}, "InvalidField"),
        ({"action": "refundPayment", "amount": {"centAmount": 1, "currencyCode": "EUR"}, "transactionId": "x"},
         "InvalidField"),
        ({"action": "explodePayment"}, "InvalidField"),
    ],
)
def test_intent_bad_input_is_400(client, merchant_token, redeemed, fake_provider, action, code):
    response = client.post(
        f"/operations/payment-intents/{redeemed}",
        json={"actions": [action]},
        headers={"Authorization": f"Bearer {merchant_token}"},
    )
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == code
    assert calls(fake_provider, "cancel") == []


@pytest.mark.parametrize("body", [{"actions": []}, {"actions": [{"action": "cancelPayment"}] * 2}, {}])
def test_intent_needs_exactly_one_action(client, merchant_token, redeemed, body):
    response = client.post(f"/operations/payment-intents/{redeemed}", json=body,
                           headers={"Authorization": f"Bearer {merchant_token}"})
    assert response.status_code == 400


def test_reverse_cancels_what_remains_once(client, merchant_token, merchant, redeemed, fake_provider):
    intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(500))
    first = intent(client, merchant_token, redeemed, action="reversePayment")
    assert first.json == {"outcome": "approved"}
    assert calls(fake_provider, "cancel")[-1]["amount"] == Money(2000, "EUR")
    again = intent(client, merchant_token, redeemed, action="reversePayment")
    assert again.json == {"outcome": "approved"}
    assert len(calls(fake_provider, "cancel")) == 2
    refunded = sum(r["amount"]["centAmount"] for r in transactions(merchant, redeemed, "Refund"))
    assert refunded == 2500


def test_reverse_after_full_refund_is_rejected(client, merchant_token, redeemed):
    intent(client, merchant_token, redeemed, action="refundPayment", amount=eur(2500))
    response = intent(client, merchant_token, redeemed, action="reversePayment")
    assert response.json["outcome"] == "rejected"


def test_reverse_of_pending_charge_voids(client, checkout, merchant_token, merchant, fake_provider):
    fake_provider.redeem_result = ProviderUnavailable("timeout")
    fake_provider.void_result = ProviderUnavailable("down")
    payment_id = client.post(
        "/redeem",
        json={"code": CODE, "redeemAmount": eur(100)},
        headers={"X-Session-Id": checkout.session()},
    ).json["paymentReference"]
    fake_provider.void_result = lambda reference: VoidResult(reference, True, Money(100, "EUR"))
    response = intent(client, merchant_token, payment_id, action="reversePayment")
    assert response.json == {"outcome": "approved"}
    (charge,) = transactions(merchant, payment_id, "Charge")
    assert charge["state"] == "Failure"


def test_cancel_voids_success_charge_and_records_refund(client, merchant_token, merchant, redeemed, fake_provider):
    fake_provider.void_result = lambda reference: VoidResult(reference, True, Money(2500, "EUR"))
    for _ in range(2):
        assert intent(client, merchant_token, redeemed, action="cancelPayment").json == {"outcome": "approved"}
    (refund,) = transactions(merchant, redeemed, "Refund")
    assert (refund["state"], refund["amount"]["centAmount"]) == ("Success", 2500)
    (charge,) = transactions(merchant, redeemed, "Charge")
    assert refund["interactionId"] == charge["interactionId"] + ":void"


def test_cancel_refused_by_provider_is_rejected(client, merchant_token, merchant, redeemed, fake_provider):
    fake_provider.void_result = GiftCardError("Invalid", "VoidWindowClosed", "Too late to void")
    response = intent(client, merchant_token, redeemed, action="cancelPayment")
    assert response.json == {"outcome": "rejected", "message": "Too late to void"}
    (refund,) = transactions(merchant, redeemed, "Refund")
    assert (refund["state"], refund["amount"]["centAmount"]) == ("Failure", 2500)


def test_capture_is_rejected(client, merchant_token, redeemed):
    response = intent(client, merchant_token, redeemed, action="capturePayment", amount=eur(2500))
    assert response.status_code == 200
    assert response.json["outcome"] == "rejected"
    assert "immediately" in response.json["message"]


def test_intent_unknown_payment_is_404(client, merchant_token):
    response = intent(client, merchant_token, "no-such-payment", action="cancelPayment")
    assert response.status_code == 404
    assert response.json["errors"][0]["code"] == "ResourceNotFound"


def test_intent_payment_of_other_interface_is_400(client, merchant_token, merchant):
    other = merchant.create_payment({
        "amountPlanned": eur(100),
        "paymentMethodInfo": {"paymentInterface": "adyen", "method": "card"},
    })
    response = intent(client, merchant_token, other["id"], action="cancelPayment")
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidOperation"


def test_intent_requires_bearer_token(client, redeemed):
    response = client.post(f"/operations/payment-intents/{redeemed}",
                           json={"actions": [{"action": "cancelPayment"}]})
    assert response.status_code == 401
    assert response.json["error"] == "access_denied"


def test_refund_currency_must_be_three_ascii_letters(client, merchant_token, redeemed):
    response = intent(client, merchant_token, redeemed, action="refundPayment",
                      amount={"centAmount": 100, "currencyCode": "ßur"})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "actions.0.amount.currencyCode"
