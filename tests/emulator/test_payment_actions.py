"""Every update action of the commercetools Payment API, and what each refuses."""

from __future__ import annotations

import pytest
from giftcard_connect.emulator.payment_actions import ACTIONS

from .helpers import money, payment_draft

# The PaymentUpdateAction union of the current commercetools HTTP API.
API_ACTIONS = {
    "addInterfaceInteraction", "addTransaction", "changeAmountPlanned",
    "changeTransactionInteractionId", "changeTransactionState", "changeTransactionTimestamp",
    "setAnonymousId", "setCustomField", "setCustomType", "setCustomer", "setInterfaceId",
    "setKey", "setMethodInfo", "setMethodInfoCustomField", "setMethodInfoCustomType",
    "setMethodInfoInterfaceAccount", "setMethodInfoInterface", "setMethodInfoMethod",
    "setMethodInfoName", "setMethodInfoToken", "setStatusInterfaceCode",
    "setStatusInterfaceText", "setTransactionCustomField", "setTransactionCustomType",
    "setTransactionInterfaceId", "transitionState",
}
TYPE = {"typeId": "type", "key": "giftcard-fields"}


@pytest.fixture
def payment(api):
    draft = payment_draft(1000, transactions=[
        {"type": "Charge", "amount": money(1000), "state": "Pending", "interactionId": "r-1"}])
    return api.post("/demo/payments", draft).json


def _update(api, payment, *actions):
    return api.post(f"/demo/payments/{payment['id']}",
                    {"version": payment["version"], "actions": list(actions)})


def _ok(api, payment, *actions) -> dict:
    response = _update(api, payment, *actions)
    assert response.status_code == 200, response.json
    return response.json


def _refused(api, payment, *actions, code="InvalidInput") -> dict:
    response = _update(api, payment, *actions)
    assert response.status_code == 400, response.json
    assert response.json["errors"][0]["code"] == code
    assert api.get(f"/demo/payments/{payment['id']}").json == payment  # nothing half-written
    return response.json


def test_every_action_of_the_api_is_supported():
    assert set(ACTIONS) == API_ACTIONS


def test_add_transaction_keeps_every_draft_field(api, payment):
    draft = {"type": "Charge", "amount": {"type": "centPrecision", "centAmount": 500,
                                          "currencyCode": "EUR", "fractionDigits": 2},
             "state": "Success", "interactionId": "r-2", "interfaceId": "psp-2",
             "timestamp": "2026-01-02T03:04:05Z",
             "custom": {"type": TYPE, "fields": {"note": "second"}}}
    body = _ok(api, payment, {"action": "addTransaction", "transaction": draft})
    added = body["transactions"][1]
    assert added["interfaceId"] == "psp-2"
    assert added["interactionId"] == "r-2"
    assert added["state"] == "Success"
    assert added["timestamp"] == "2026-01-02T03:04:05.000Z"
    assert added["amount"] == {"type": "centPrecision", "currencyCode": "EUR",
                               "centAmount": 500, "fractionDigits": 2}
    assert added["custom"]["type"]["typeId"] == "type"
    assert added["custom"]["fields"] == {"note": "second"}
    assert api.get(f"/demo/payments/{payment['id']}").json == body


def test_the_same_type_key_always_names_the_same_type(api, payment):
    first = _ok(api, payment, {"action": "setCustomType", "type": TYPE})
    second = _ok(api, first, {"action": "setMethodInfoCustomType", "type": TYPE})
    type_id = first["custom"]["type"]["id"]
    assert second["paymentMethodInfo"]["custom"]["type"] == {"typeId": "type", "id": type_id}
    by_id = _ok(api, second, {"action": "setCustomType",
                              "type": {"typeId": "type", "id": "t-1"}})
    assert by_id["custom"] == {"type": {"typeId": "type", "id": "t-1"}, "fields": {}}


def test_set_transaction_interface_id_sets_and_removes(api, payment):
    charge = payment["transactions"][0]["id"]
    body = _ok(api, payment, {"action": "setTransactionInterfaceId", "transactionId": charge,
                              "interfaceId": "psp-1"})
    assert body["transactions"][0]["interfaceId"] == "psp-1"
    cleared = _ok(api, body, {"action": "setTransactionInterfaceId", "transactionId": charge})
    assert "interfaceId" not in cleared["transactions"][0]


def test_a_transaction_interface_id_is_unique_within_its_payment(api, payment):
    charge = payment["transactions"][0]["id"]
    payment = _ok(api, payment, {"action": "setTransactionInterfaceId",
                                 "transactionId": charge, "interfaceId": "psp-1"})
    refund = {"type": "Refund", "amount": money(100), "interfaceId": "psp-1"}
    error = _refused(api, payment, {"action": "addTransaction", "transaction": refund},
                     code="DuplicateField")
    assert error["errors"][0]["field"] == "transactions[1].interfaceId"
    assert error["errors"][0]["duplicateValue"] == "psp-1"


def test_transaction_actions_change_one_transaction(api, payment):
    charge = payment["transactions"][0]["id"]
    body = _ok(api, payment,
               {"action": "changeTransactionInteractionId", "transactionId": charge,
                "interactionId": "r-9"},
               {"action": "changeTransactionTimestamp", "transactionId": charge,
                "timestamp": "2026-02-02T10:00:00+01:00"},
               {"action": "changeTransactionState", "transactionId": charge,
                "state": "Success"})
    [transaction] = body["transactions"]
    assert transaction["interactionId"] == "r-9"
    assert transaction["timestamp"] == "2026-02-02T09:00:00.000Z"
    assert transaction["state"] == "Success"
    assert body["version"] == payment["version"] + 1


@pytest.mark.parametrize("act", [
    {"action": "changeTransactionTimestamp", "timestamp": "yesterday"},
    {"action": "changeTransactionTimestamp"},
    {"action": "changeTransactionInteractionId"},
    {"action": "setTransactionInterfaceId", "interfaceId": ""},
])
def test_transaction_actions_refuse_bad_values(api, payment, act):
    act = {**act, "transactionId": payment["transactions"][0]["id"]}
    response = _update(api, payment, act)
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] in ("InvalidField", "RequiredField")


def test_transaction_custom_type_and_fields(api, payment):
    charge = payment["transactions"][0]["id"]
    body = _ok(api, payment,
               {"action": "setTransactionCustomType", "transactionId": charge, "type": TYPE,
                "fields": {"a": 1}},
               {"action": "setTransactionCustomField", "transactionId": charge,
                "name": "b", "value": {"nested": True}},
               {"action": "setTransactionCustomField", "transactionId": charge, "name": "a"})
    assert body["transactions"][0]["custom"]["fields"] == {"b": {"nested": True}}
    removed = _ok(api, body, {"action": "setTransactionCustomType", "transactionId": charge})
    assert "custom" not in removed["transactions"][0]


def test_payment_custom_type_and_fields(api, payment):
    body = _ok(api, payment, {"action": "setCustomType", "type": TYPE, "fields": {"x": "1"}},
               {"action": "setCustomField", "name": "y", "value": ["a", "b"]})
    assert body["custom"]["fields"] == {"x": "1", "y": ["a", "b"]}
    body = _ok(api, body, {"action": "setCustomField", "name": "x", "value": None})
    assert body["custom"]["fields"] == {"y": ["a", "b"]}
    message = _refused(api, body, {"action": "setCustomField", "name": "x"},
                       code="InvalidOperation")["message"]
    assert "'x'" in message
    cleared = _ok(api, body, {"action": "setCustomType"})
    assert "custom" not in cleared
    _refused(api, cleared, {"action": "setCustomField", "name": "y", "value": 1},
             code="InvalidOperation")


def test_method_info_custom_type_and_fields(api, payment):
    body = _ok(api, payment, {"action": "setMethodInfoCustomType", "type": TYPE},
               {"action": "setMethodInfoCustomField", "name": "brand", "value": "acme"})
    assert body["paymentMethodInfo"]["custom"]["fields"] == {"brand": "acme"}
    assert body["paymentMethodInfo"]["method"] == "giftcard"


def test_method_info_single_field_actions(api, payment):
    body = _ok(api, payment,
               {"action": "setMethodInfoToken", "token": {"value": "tok-1"}},
               {"action": "setMethodInfoInterfaceAccount", "interfaceAccount": "acct-2"},
               {"action": "setMethodInfoMethod", "method": "voucher"},
               {"action": "setMethodInfoName", "name": {"en": "Gift card", "de": "Gutschein"}},
               {"action": "setMethodInfoInterface", "interface": "mock"})
    assert body["paymentMethodInfo"] == {
        "paymentInterface": "mock", "method": "voucher", "token": {"value": "tok-1"},
        "interfaceAccount": "acct-2", "name": {"en": "Gift card", "de": "Gutschein"}}
    cleared = _ok(api, body, {"action": "setMethodInfoToken"},
                  {"action": "setMethodInfoInterfaceAccount"},
                  {"action": "setMethodInfoMethod"}, {"action": "setMethodInfoName"})
    assert cleared["paymentMethodInfo"] == {"paymentInterface": "mock"}


def test_payment_interface_cannot_change_once_set(api, payment):
    error = _refused(api, payment, {"action": "setMethodInfoInterface", "interface": "other"},
                     code="InvalidOperation")
    assert "paymentInterface" in error["message"]
    _refused(api, payment, {"action": "setMethodInfo", "paymentInterface": None},
             code="InvalidOperation")
    unset = api.post("/demo/payments", {"amountPlanned": money(5)}).json
    assert _ok(api, unset, {"action": "setMethodInfoInterface", "interface": "psp"}
               )["paymentMethodInfo"] == {"paymentInterface": "psp"}


def test_set_method_info_sets_what_it_is_given(api, payment):
    named = _ok(api, payment, {"action": "setMethodInfoName", "name": {"en": "Card"}},
                {"action": "setMethodInfoCustomType", "type": TYPE})
    body = _ok(api, named, {"action": "setMethodInfo", "method": "voucher",
                            "token": {"value": "t"}, "name": None})
    assert body["paymentMethodInfo"] == {"paymentInterface": "mock", "method": "voucher",
                                         "token": {"value": "t"}}
    with_custom = _ok(api, body, {"action": "setMethodInfo",
                                  "custom": {"type": TYPE, "fields": {"k": "v"}}})
    assert with_custom["paymentMethodInfo"]["custom"]["fields"] == {"k": "v"}
    assert with_custom["paymentMethodInfo"]["method"] == "voucher"


def test_interface_id_is_set_once_and_unique_per_payment_interface(api, payment):
    body = _ok(api, payment, {"action": "setInterfaceId", "interfaceId": "psp-9"})
    assert _ok(api, body, {"action": "setInterfaceId", "interfaceId": "psp-9"})["version"] \
        == body["version"] + 1
    body = api.get(f"/demo/payments/{payment['id']}").json
    _refused(api, body, {"action": "setInterfaceId", "interfaceId": "psp-10"},
             code="InvalidOperation")
    _refused(api, body, {"action": "setInterfaceId"}, code="RequiredField")
    same_interface = api.post("/demo/payments", payment_draft(interfaceId="psp-9"))
    assert same_interface.status_code == 400
    assert same_interface.json["errors"][0] == {
        "code": "DuplicateField", "field": "interfaceId", "duplicateValue": "psp-9",
        "message": "A duplicate value '\"psp-9\"' exists for field 'interfaceId'."}
    other_interface = payment_draft(interfaceId="psp-9",
                                    paymentMethodInfo={"paymentInterface": "other"})
    assert api.post("/demo/payments", other_interface).status_code == 201


def test_status_and_state_actions(api, payment):
    body = _ok(api, payment, {"action": "setStatusInterfaceCode", "interfaceCode": "Valid"},
               {"action": "setStatusInterfaceText", "interfaceText": "ok"},
               {"action": "transitionState", "state": {"typeId": "state", "key": "paid"},
                "force": True})
    status = body["paymentStatus"]
    assert status["interfaceCode"] == "Valid" and status["interfaceText"] == "ok"
    assert status["state"]["typeId"] == "state" and status["state"]["id"]
    _refused(api, body, {"action": "setStatusInterfaceText"}, code="RequiredField")
    _refused(api, body, {"action": "transitionState", "state": {"typeId": "state", "id": "s"},
                         "force": "yes"}, code="InvalidField")
    _refused(api, body, {"action": "transitionState", "state": {"typeId": "type", "id": "s"}},
             code="InvalidField")


def test_owner_and_amount_actions(api, payment):
    body = _ok(api, payment,
               {"action": "setCustomer", "customer": {"typeId": "customer", "key": "alice"}},
               {"action": "setAnonymousId", "anonymousId": "anon-1"},
               {"action": "setKey", "key": "pay-1"},
               {"action": "changeAmountPlanned", "amount": money(900)},
               {"action": "addInterfaceInteraction", "type": TYPE,
                "fields": {"message": "redeemed"}})
    assert body["customer"]["typeId"] == "customer" and body["customer"]["id"]
    assert "key" not in body["customer"]
    assert body["anonymousId"] == "anon-1"
    assert body["key"] == "pay-1"
    assert body["amountPlanned"]["centAmount"] == 900
    [interaction] = body["interfaceInteractions"]
    assert interaction["fields"] == {"message": "redeemed"}
    cleared = _ok(api, body, {"action": "setCustomer"}, {"action": "setAnonymousId"})
    assert "customer" not in cleared and "anonymousId" not in cleared


@pytest.mark.parametrize("act,code", [
    ({"action": "setKey", "key": "x"}, "InvalidField"),
    ({"action": "setKey", "key": "no spaces"}, "InvalidField"),
    ({"action": "changeAmountPlanned", "amount": {"type": "highPrecision", "centAmount": 1,
                                                  "currencyCode": "EUR",
                                                  "preciseAmount": 1000}}, "InvalidInput"),
    ({"action": "changeAmountPlanned", "amount": {"centAmount": 1, "currencyCode": "EUR",
                                                  "fractionDigits": 3}}, "InvalidField"),
    ({"action": "setMethodInfoToken", "token": {"value": ""}}, "InvalidField"),
    ({"action": "setMethodInfoName", "name": {"en": 1}}, "InvalidField"),
    ({"action": "addInterfaceInteraction", "fields": {}}, "RequiredField"),
    ({"action": "setCustomType", "type": {"typeId": "type"}}, "InvalidInput"),
    ({"action": "addTransaction"}, "RequiredField"),
])
def test_bad_action_values_are_refused(api, payment, act, code):
    _refused(api, payment, act, code=code)


def test_unknown_fields_are_refused_and_named(api, payment):
    on_action = _refused(api, payment, {"action": "setKey", "key": "ok-key", "bogus": 1})
    assert "actions[0].bogus" in on_action["message"]
    on_transaction = _refused(api, payment, {"action": "addTransaction", "transaction": {
        "type": "Charge", "amount": money(1), "pspReference": "x"}})
    assert "transaction.pspReference" in on_transaction["message"]
    on_money = _refused(api, payment, {"action": "changeAmountPlanned",
                                       "amount": {**money(1), "cents": 1}})
    assert "amount.cents" in on_money["message"]
    on_body = api.post(f"/demo/payments/{payment['id']}",
                       {"version": payment["version"], "actions": [], "dryRun": True})
    assert on_body.status_code == 400 and "dryRun" in on_body.json["message"]


def test_unknown_action_is_refused_and_named(api, payment):
    error = _refused(api, payment, {"action": "setAmountPaid", "amount": money(1)})
    assert "'setAmountPaid'" in error["message"]
