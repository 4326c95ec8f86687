"""Reference expansion of a cart's (and an order's) payments, the way commercetools answers it."""

from __future__ import annotations

import pytest

from .helpers import cart_draft, money, payment_draft

EXPAND = {"expand": "paymentInfo.payments[*]"}


@pytest.fixture
def paid_cart(api):
    """A cart with two payments (the second with a Success charge)."""
    cart = api.post("/demo/carts", cart_draft((3000, 1))).json
    payments = [
        api.post("/demo/payments", payment_draft(1000)).json,
        api.post("/demo/payments", payment_draft(2000, transactions=[
            {"type": "Charge", "amount": money(2000), "state": "Success"}])).json,
    ]
    version = cart["version"]
    for payment in payments:
        cart = api.post(f"/demo/carts/{cart['id']}", {"version": version, "actions": [
            {"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}]}).json
        version = cart["version"]
    return cart, payments


def _objs(cart):
    return [ref.get("obj") for ref in cart["paymentInfo"]["payments"]]


def test_get_cart_expands_every_payment_exactly(api, paid_cart):
    cart, payments = paid_cart
    expanded = api.get(f"/demo/carts/{cart['id']}", query_string=EXPAND).json
    assert _objs(expanded) == [api.get(f"/demo/payments/{p['id']}").json for p in payments]
    assert [ref["id"] for ref in expanded["paymentInfo"]["payments"]] == [p["id"] for p in payments]
    for ref in expanded["paymentInfo"]["payments"]:
        assert ref["typeId"] == "payment"
    # without expand, the references stay bare
    assert _objs(api.get(f"/demo/carts/{cart['id']}").json) == [None, None]


def test_expansion_shows_the_payments_as_they_are_now(api, paid_cart):
    cart, payments = paid_cart
    api.post(f"/demo/payments/{payments[0]['id']}", {"version": 1, "actions": [
        {"action": "setStatusInterfaceCode", "interfaceCode": "Voiding"}]})
    expanded = api.get(f"/demo/carts/{cart['id']}", query_string=EXPAND).json
    assert _objs(expanded)[0]["paymentStatus"] == {"interfaceCode": "Voiding"}
    assert _objs(expanded)[0]["version"] == 2


def test_one_payment_by_index(api, paid_cart):
    cart, payments = paid_cart
    expanded = api.get(f"/demo/carts/{cart['id']}",
                       query_string={"expand": "paymentInfo.payments[1]"}).json
    assert [obj and obj["id"] for obj in _objs(expanded)] == [None, payments[1]["id"]]
    beyond = api.get(f"/demo/carts/{cart['id']}",
                     query_string={"expand": "paymentInfo.payments[7]"}).json
    assert _objs(beyond) == [None, None]


def test_cart_update_and_query_answers_expand_too(api, paid_cart):
    cart, payments = paid_cart
    third = api.post("/demo/payments", payment_draft(5)).json
    updated = api.post(f"/demo/carts/{cart['id']}", {"version": cart["version"], "actions": [
        {"action": "addPayment", "payment": {"typeId": "payment", "id": third["id"]}}]},
                       query_string=EXPAND)
    assert updated.status_code == 200
    assert [obj["id"] for obj in _objs(updated.json)] == [p["id"] for p in [*payments, third]]
    queried = api.get("/demo/carts", query_string={**EXPAND, "where": f'id = "{cart["id"]}"'})
    [result] = queried.json["results"]
    assert _objs(result) == _objs(updated.json)
    created = api.post("/demo/carts", cart_draft((1, 1)), query_string=EXPAND)
    assert created.status_code == 201 and "paymentInfo" not in created.json


@pytest.mark.parametrize("path", ["paymentInfo", "paymentInfo.payments", "payments[*]",
                                  "customLineItems[*].taxCategory", "lineItems[*].variant",
                                  "nothing.here[0]"])
def test_paths_that_expand_nothing_change_nothing(api, paid_cart, path):
    cart, _ = paid_cart
    plain = api.get(f"/demo/carts/{cart['id']}").json
    response = api.get(f"/demo/carts/{cart['id']}", query_string={"expand": path})
    assert response.status_code == 200
    assert response.json == plain


def test_a_path_through_a_reference_expands_it_on_the_way(api, paid_cart):
    cart, payments = paid_cart
    customer = {"typeId": "customer", "id": "c-1"}
    api.post(f"/demo/payments/{payments[0]['id']}", {"version": 1, "actions": [
        {"action": "setCustomer", "customer": customer}]})
    expanded = api.get(f"/demo/carts/{cart['id']}",
                       query_string={"expand": "paymentInfo.payments[*].customer"}).json
    assert [obj["id"] for obj in _objs(expanded)] == [p["id"] for p in payments]
    assert _objs(expanded)[0]["customer"] == customer  # customers are not kept: not expanded


@pytest.mark.parametrize("path", ["paymentInfo.payments[]", "paymentInfo,payments",
                                  "paymentInfo.payments[-1]", ".payments", "a b"])
def test_malformed_paths_are_refused(api, paid_cart, path):
    cart, _ = paid_cart
    response = api.get(f"/demo/carts/{cart['id']}", query_string={"expand": path})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidInput"
    assert response.json["message"] == f"Malformed parameter: expand: Invalid path selector: {path}"


def test_a_deleted_payment_stays_unexpanded(api, paid_cart):
    cart, payments = paid_cart
    assert api.delete(f"/demo/payments/{payments[0]['id']}?version=1").status_code == 200
    expanded = api.get(f"/demo/carts/{cart['id']}", query_string=EXPAND).json
    assert _objs(expanded)[0] is None
    assert _objs(expanded)[1]["id"] == payments[1]["id"]


def test_payments_expand_only_for_tokens_that_may_read_them(api_for, paid_cart):
    cart, _ = paid_cart
    response = api_for("shop").get(f"/demo/carts/{cart['id']}", query_string=EXPAND)
    assert response.status_code == 200
    assert _objs(response.json) == [None, None]
    viewer = api_for("viewer").get(f"/demo/carts/{cart['id']}", query_string=EXPAND).json
    assert all(_objs(viewer))
