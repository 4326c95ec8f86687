"""Payments: drafts, keys, transactions and their state machine, atomic updates."""

from __future__ import annotations

import pytest

from .helpers import money, payment_draft


def _charge(state="Initial", cents=1000, **extra):
    return {"type": "Charge", "amount": money(cents), "state": state, **extra}


def _update(api, payment, *actions, version=None):
    version = payment["version"] if version is None else version
    return api.post(f"/demo/payments/{payment['id']}",
                    {"version": version, "actions": list(actions)})


def _change_state(transaction_id, state):
    return {"action": "changeTransactionState", "transactionId": transaction_id, "state": state}


def test_create_payment_wire_format(api):
    draft = payment_draft(2500, key="order-1", interfaceId="gc-42",
                          customer={"typeId": "customer", "id": "cust-1"},
                          transactions=[_charge("Pending", 2500, interactionId="r-1",
                                                timestamp="2026-01-01T00:00:00.000Z")])
    response = api.post("/demo/payments", draft)
    assert response.status_code == 201
    payment = response.json
    assert payment["version"] == 1
    assert payment["key"] == "order-1"
    assert payment["amountPlanned"] == {"type": "centPrecision", "currencyCode": "EUR",
                                        "centAmount": 2500, "fractionDigits": 2}
    assert payment["paymentMethodInfo"] == {"paymentInterface": "mock", "method": "giftcard"}
    assert payment["interfaceId"] == "gc-42"
    assert payment["customer"] == {"typeId": "customer", "id": "cust-1"}
    assert payment["interfaceInteractions"] == []
    [transaction] = payment["transactions"]
    assert transaction["id"]
    assert transaction["type"] == "Charge"
    assert transaction["state"] == "Pending"
    assert transaction["interactionId"] == "r-1"
    assert transaction["timestamp"] == "2026-01-01T00:00:00.000Z"
    assert transaction["amount"]["centAmount"] == 2500
    assert api.get(f"/demo/payments/{payment['id']}").json == payment
    assert api.get("/demo/payments/key=order-1").json == payment


def test_transaction_state_defaults_to_initial(api):
    payment = api.post("/demo/payments", payment_draft(
        transactions=[{"type": "Authorization", "amount": money(5)}])).json
    assert payment["transactions"][0]["state"] == "Initial"
    assert payment["transactions"][0]["timestamp"] == payment["createdAt"]


@pytest.mark.parametrize("field,value,allowed", [
    ("type", "Capture", ["Authorization", "CancelAuthorization", "Charge", "Refund",
                         "Chargeback"]),
    ("state", "Done", ["Initial", "Pending", "Success", "Failure"]),
])
def test_invalid_transaction_type_or_state(api, field, value, allowed):
    transaction = {**_charge(), field: value}
    response = api.post("/demo/payments", payment_draft(transactions=[transaction]))
    assert response.status_code == 400
    error = response.json["errors"][0]
    assert error["code"] == "InvalidField"
    assert error["field"] == f"transactions[0].{field}"
    assert error["invalidValue"] == value
    assert error["allowedValues"] == allowed
    assert api.get("/demo/payments").json["total"] == 0


def test_amount_planned_is_required(api):
    response = api.post("/demo/payments", {"paymentMethodInfo": {"method": "giftcard"}})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "RequiredField"
    assert response.json["errors"][0]["field"] == "amountPlanned"


def test_duplicate_key_on_create(api):
    assert api.post("/demo/payments", payment_draft(key="dup")).status_code == 201
    response = api.post("/demo/payments", payment_draft(key="dup"))
    assert response.status_code == 400
    message = "A duplicate value '\"dup\"' exists for field 'key'."
    assert response.json == {"statusCode": 400, "message": message, "errors": [
        {"code": "DuplicateField", "message": message, "field": "key", "duplicateValue": "dup"}]}
    assert api.get("/demo/payments").json["total"] == 1


def test_duplicate_key_on_set_key(api):
    api.post("/demo/payments", payment_draft(key="taken"))
    payment = api.post("/demo/payments", payment_draft(key="mine")).json
    response = _update(api, payment, {"action": "setKey", "key": "taken"})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "DuplicateField"
    assert api.get("/demo/payments/key=mine").json["version"] == 1
    same = _update(api, payment, {"action": "setKey", "key": "mine"})
    assert same.status_code == 200


def test_set_key_reindexes_and_removing_frees_it(api):
    payment = api.post("/demo/payments", payment_draft(key="old")).json
    moved = _update(api, payment, {"action": "setKey", "key": "new"}).json
    assert api.get("/demo/payments/key=old").status_code == 404
    assert api.get("/demo/payments/key=new").json["id"] == payment["id"]
    cleared = _update(api, moved, {"action": "setKey"}).json
    assert "key" not in cleared
    assert api.post("/demo/payments", payment_draft(key="new")).status_code == 201


def test_unknown_payment_is_not_found(api):
    response = api.get("/demo/payments/ghost")
    assert response.status_code == 404
    assert response.json["message"] == "The Resource with ID 'ghost' was not found."
    assert response.json["errors"][0]["code"] == "ResourceNotFound"
    assert api.get("/demo/payments/key=ghost").status_code == 404
    assert api.post("/demo/payments/ghost", {"version": 1, "actions": []}).status_code == 404


VALID = [("Initial", "Pending"), ("Initial", "Success"), ("Initial", "Failure"),
         ("Pending", "Success"), ("Pending", "Failure")]
STATES = ["Initial", "Pending", "Success", "Failure"]
INVALID = [(a, b) for a in STATES for b in STATES if (a, b) not in VALID]


@pytest.mark.parametrize("start,target", VALID)
def test_valid_transitions(api, start, target):
    payment = api.post("/demo/payments", payment_draft(transactions=[_charge(start)])).json
    response = _update(api, payment, _change_state(payment["transactions"][0]["id"], target))
    assert response.status_code == 200
    assert response.json["transactions"][0]["state"] == target
    assert response.json["version"] == 2


@pytest.mark.parametrize("start,target", INVALID)
def test_invalid_transitions_are_rejected_without_change(api, start, target):
    payment = api.post("/demo/payments", payment_draft(transactions=[_charge(start)])).json
    response = _update(api, payment, _change_state(payment["transactions"][0]["id"], target))
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidOperation"
    assert start in response.json["message"] and target in response.json["message"]
    assert api.get(f"/demo/payments/{payment['id']}").json == payment


def test_change_state_of_unknown_transaction(api):
    payment = api.post("/demo/payments", payment_draft()).json
    response = _update(api, payment, _change_state("nope", "Success"))
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidInput"


def test_multi_action_update_is_atomic(api):
    payment = api.post("/demo/payments", payment_draft(transactions=[_charge("Success")])).json
    first = payment["transactions"][0]["id"]
    failing = _update(api, payment,
                      {"action": "setInterfaceId", "interfaceId": "abc"},
                      {"action": "addTransaction", "transaction": _charge("Pending")},
                      _change_state(first, "Pending"))
    assert failing.status_code == 400
    assert api.get(f"/demo/payments/{payment['id']}").json == payment
    succeeding = _update(api, payment,
                         {"action": "setInterfaceId", "interfaceId": "abc"},
                         {"action": "addTransaction", "transaction": _charge("Pending")})
    assert succeeding.status_code == 200
    body = succeeding.json
    assert body["version"] == 2  # one update, one version step
    assert body["interfaceId"] == "abc"
    assert [t["state"] for t in body["transactions"]] == ["Success", "Pending"]


def test_unknown_action_and_missing_version(api):
    payment = api.post("/demo/payments", payment_draft()).json
    unknown = _update(api, payment, {"action": "teleport"})
    assert unknown.status_code == 400
    assert unknown.json["errors"][0]["code"] == "InvalidInput"
    no_version = api.post(f"/demo/payments/{payment['id']}", {"actions": []})
    assert no_version.status_code == 400
    assert no_version.json["errors"][0] == {"code": "RequiredField", "field": "version",
                                            "message": "A value is required for field version."}


def test_stale_payment_version_is_a_conflict(api):
    payment = api.post("/demo/payments", payment_draft()).json
    assert _update(api, payment, {"action": "setInterfaceId", "interfaceId": "a"}
                   ).status_code == 200
    stale = _update(api, payment, {"action": "setInterfaceId", "interfaceId": "b"})
    assert stale.status_code == 409
    assert stale.json["errors"][0]["code"] == "ConcurrentModification"
    assert stale.json["errors"][0]["currentVersion"] == 2
    assert api.get(f"/demo/payments/{payment['id']}").json["interfaceId"] == "a"


def test_delete_payment(api):
    payment = api.post("/demo/payments", payment_draft(key="gone")).json
    assert api.delete(f"/demo/payments/{payment['id']}?version=5").status_code == 409
    deleted = api.delete(f"/demo/payments/{payment['id']}?version=1")
    assert deleted.status_code == 200
    assert deleted.json["id"] == payment["id"]
    assert api.get(f"/demo/payments/{payment['id']}").status_code == 404
    assert api.post("/demo/payments", payment_draft(key="gone")).status_code == 201


def test_admin_reset_forgets_resources_but_keeps_clients(api, client, store):
    api.post("/demo/payments", payment_draft(key="xx"))
    assert client.post("/_emulator/reset").status_code == 204
    assert store.payments == {} and store.payment_keys == {}
    assert api.get("/demo/payments").json["total"] == 0
    assert "admin" in store.clients


def test_set_status_interface_code_and_text(api):
    payment = api.post("/demo/payments", payment_draft()).json
    assert payment["paymentStatus"] == {}
    updated = api.post(f"/demo/payments/{payment['id']}", {
        "version": payment["version"],
        "actions": [{"action": "setStatusInterfaceCode", "interfaceCode": "Expired"},
                    {"action": "setStatusInterfaceText", "interfaceText": "Card has expired"}],
    }).json
    assert updated["paymentStatus"] == {"interfaceCode": "Expired", "interfaceText": "Card has expired"}
