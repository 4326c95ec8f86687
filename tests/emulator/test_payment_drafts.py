"""Every PaymentDraft field is honoured; unknown and unsupported fields are refused."""

from __future__ import annotations

import pytest

from .helpers import money, payment_draft

TYPE = {"typeId": "type", "key": "giftcard-fields"}


def test_every_payment_draft_field_is_kept(api):
    draft = {
        "key": "pay-all",
        "customer": {"typeId": "customer", "id": "cust-1"},
        "anonymousId": "anon-1",
        "interfaceId": "psp-payment-1",
        "amountPlanned": money(2500),
        "paymentMethodInfo": {"paymentInterface": "mock", "method": "giftcard",
                              "name": {"en": "Gift card"}, "token": {"value": "tok"},
                              "interfaceAccount": "acct-1",
                              "custom": {"type": TYPE, "fields": {"brand": "acme"}}},
        "paymentStatus": {"interfaceCode": "Valid", "interfaceText": "ok",
                          "state": {"typeId": "state", "id": "state-1"}},
        "transactions": [{"type": "Charge", "amount": money(2500), "state": "Pending",
                          "interactionId": "r-1", "interfaceId": "psp-tx-1",
                          "timestamp": "2026-01-01T00:00:00.000Z",
                          "custom": {"type": TYPE}}],
        "interfaceInteractions": [{"type": TYPE, "fields": {"request": "redeem"}}],
        "custom": {"type": {"typeId": "type", "id": "type-1"}, "fields": {"order": "o-1"}},
    }
    response = api.post("/demo/payments", draft)
    assert response.status_code == 201, response.json
    payment = response.json
    assert payment["key"] == "pay-all"
    assert payment["customer"] == {"typeId": "customer", "id": "cust-1"}
    assert payment["anonymousId"] == "anon-1"
    assert payment["interfaceId"] == "psp-payment-1"
    info = payment["paymentMethodInfo"]
    assert info["token"] == {"value": "tok"} and info["interfaceAccount"] == "acct-1"
    assert info["custom"]["fields"] == {"brand": "acme"}
    assert payment["paymentStatus"] == {"interfaceCode": "Valid", "interfaceText": "ok",
                                        "state": {"typeId": "state", "id": "state-1"}}
    [transaction] = payment["transactions"]
    assert transaction["interfaceId"] == "psp-tx-1"
    assert transaction["custom"]["fields"] == {}
    [interaction] = payment["interfaceInteractions"]
    assert interaction["type"]["typeId"] == "type"
    assert interaction["fields"] == {"request": "redeem"}
    assert payment["custom"] == {"type": {"typeId": "type", "id": "type-1"},
                                 "fields": {"order": "o-1"}}
    assert api.get(f"/demo/payments/{payment['id']}").json == payment


def test_transaction_interface_id_survives_creation(api):
    """The gap a real client hit: the field was dropped, so a second Charge got added."""
    payment = api.post("/demo/payments", payment_draft(transactions=[
        {"type": "Charge", "amount": money(1000), "interfaceId": "psp-1"}])).json
    assert payment["transactions"][0]["interfaceId"] == "psp-1"
    found = api.get("/demo/payments", query_string={
        "where": 'transactions(interfaceId = "psp-1")'}).json
    assert [p["id"] for p in found["results"]] == [payment["id"]]


@pytest.mark.parametrize("draft,named", [
    (payment_draft(amountPaid=money(1)), "amountPaid"),
    (payment_draft(paymentMethodInfo={"method": "giftcard", "issuer": "x"}),
     "paymentMethodInfo.issuer"),
    (payment_draft(paymentStatus={"code": "x"}), "paymentStatus.code"),
    (payment_draft(transactions=[{"type": "Charge", "amount": money(1), "reference": "x"}]),
     "transactions[0].reference"),
    (payment_draft(custom={"type": TYPE, "values": {}}), "custom.values"),
    (payment_draft(customer={"typeId": "customer", "id": "c", "email": "x"}), "customer.email"),
    (payment_draft(amountPlanned={**money(1), "precision": 2}), "amountPlanned.precision"),
])
def test_unknown_draft_fields_are_refused_and_named(api, draft, named):
    response = api.post("/demo/payments", draft)
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidInput"
    assert f"'{named}'" in response.json["message"]
    assert api.get("/demo/payments").json["total"] == 0


@pytest.mark.parametrize("draft,code,field", [
    (payment_draft(key="x"), "InvalidField", "key"),
    (payment_draft(transactions=[{"type": "Charge", "amount": money(1),
                                  "timestamp": "not a time"}]),
     "InvalidField", "transactions[0].timestamp"),
    (payment_draft(transactions=[{"type": "Charge", "amount": money(1), "interfaceId": "a"},
                                 {"type": "Refund", "amount": money(1), "interfaceId": "a"}]),
     "DuplicateField", "transactions[1].interfaceId"),
    (payment_draft(paymentStatus={"state": {"typeId": "state"}}), "InvalidInput", None),
    (payment_draft(interfaceInteractions={}), "InvalidField", "interfaceInteractions"),
])
def test_invalid_draft_values_are_refused(api, draft, code, field):
    response = api.post("/demo/payments", draft)
    assert response.status_code == 400
    error = response.json["errors"][0]
    assert error["code"] == code
    assert error.get("field") == field
    assert api.get("/demo/payments").json["total"] == 0


def test_high_precision_money_is_refused_as_unsupported(api):
    draft = payment_draft(amountPlanned={"type": "highPrecision", "currencyCode": "EUR",
                                         "centAmount": 1, "fractionDigits": 4,
                                         "preciseAmount": 12})
    response = api.post("/demo/payments", draft)
    assert response.status_code == 400
    assert "does not support 'amountPlanned.type'" in response.json["message"]


def test_null_lists_read_as_empty(api):
    payment = api.post("/demo/payments",
                       payment_draft(transactions=None, interfaceInteractions=None)).json
    assert payment["transactions"] == [] and payment["interfaceInteractions"] == []
    cart = api.post("/demo/carts", {"currency": "EUR", "customLineItems": None,
                                    "itemShippingAddresses": None}).json
    assert cart["customLineItems"] == [] and cart["itemShippingAddresses"] == []
