"""Orders from carts: version checks, the cart becoming Ordered, lookups and queries."""

from __future__ import annotations

import pytest

from .helpers import cart_draft, money, payment_draft


@pytest.fixture
def cart(api):
    """An Active cart (EUR 30, customer c-1) with one payment: version 2."""
    created = api.post("/demo/carts", cart_draft(
        (3000, 1), customerId="c-1", country="DE", purchaseOrderNumber="po-1",
        custom={"type": {"typeId": "type", "id": "t-1"}, "fields": {"gift": True}})).json
    payment = api.post("/demo/payments", payment_draft(3000, transactions=[
        {"type": "Charge", "amount": money(3000), "state": "Success"}])).json
    return api.post(f"/demo/carts/{created['id']}", {"version": 1, "actions": [
        {"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}]}).json


def _order(api, cart, **extra):
    body = {"cart": {"typeId": "cart", "id": cart["id"]}, "version": cart["version"], **extra}
    return api.post("/demo/orders", body)


def test_order_from_cart(api, cart):
    response = _order(api, cart, orderNumber="1001")
    assert response.status_code == 201, response.json
    order = response.json
    assert order["version"] == 1
    assert order["orderNumber"] == "1001"
    assert order["orderState"] == "Open"
    assert order["cart"] == {"typeId": "cart", "id": cart["id"]}
    assert order["paymentInfo"] == cart["paymentInfo"]
    for field in ("customerId", "customLineItems", "totalPrice", "taxedPrice", "taxMode",
                  "shippingMode", "shipping", "refusedGifts", "origin", "country",
                  "purchaseOrderNumber", "custom"):
        assert order[field] == cart[field], field
    assert order["lineItems"] == [] and order["syncInfo"] == [] and order["returnInfo"] == []
    ordered = api.get(f"/demo/carts/{cart['id']}").json
    assert ordered["cartState"] == "Ordered"
    assert ordered["version"] == cart["version"] + 1
    assert api.get(f"/demo/orders/{order['id']}").json == order
    assert api.get("/demo/orders/order-number=1001").json == order


def test_order_draft_states_and_custom_fields(api, cart):
    order = _order(api, cart, orderState="Confirmed", paymentState="Paid",
                   shipmentState="Pending", state={"typeId": "state", "key": "new"},
                   purchaseOrderNumber="po-2",
                   custom={"type": {"typeId": "type", "id": "t-1"},
                           "fields": {"note": "ring twice"}}).json
    assert order["orderState"] == "Confirmed"
    assert order["paymentState"] == "Paid"
    assert order["shipmentState"] == "Pending"
    assert order["state"]["typeId"] == "state"
    assert order["purchaseOrderNumber"] == "po-2"
    assert order["custom"]["fields"] == {"gift": True, "note": "ring twice"}
    assert "orderNumber" not in order


def test_order_by_cart_key_and_deprecated_id(api):
    keyed = api.post("/demo/carts", cart_draft((100, 1), key="cart-k")).json
    by_key = api.post("/demo/orders", {"cart": {"typeId": "cart", "key": "cart-k"},
                                       "version": keyed["version"]})
    assert by_key.status_code == 201
    assert by_key.json["cart"]["id"] == keyed["id"]
    other = api.post("/demo/carts", cart_draft((100, 1))).json
    by_id = api.post("/demo/orders", {"id": other["id"], "version": 1})
    assert by_id.status_code == 201
    assert by_id.json["cart"]["id"] == other["id"]


def test_order_from_a_stale_cart_version_is_a_conflict(api, cart):
    response = _order(api, {**cart, "version": cart["version"] - 1})
    assert response.status_code == 409
    error = response.json["errors"][0]
    assert error["code"] == "ConcurrentModification"
    assert error["currentVersion"] == cart["version"]
    assert api.get(f"/demo/carts/{cart['id']}").json == cart
    assert api.get("/demo/orders").json["total"] == 0


def test_a_cart_is_ordered_once_and_then_frozen_for_updates(api, cart):
    assert _order(api, cart).status_code == 201
    ordered = api.get(f"/demo/carts/{cart['id']}").json
    again = _order(api, ordered)
    assert again.status_code == 400
    assert again.json["errors"][0]["code"] == "InvalidOperation"
    payment = api.post("/demo/payments", payment_draft()).json
    update = api.post(f"/demo/carts/{cart['id']}", {"version": ordered["version"], "actions": [
        {"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}]})
    assert update.status_code == 400
    assert update.json["errors"][0]["code"] == "InvalidOperation"
    assert api.get("/demo/orders").json["total"] == 1


@pytest.mark.parametrize("body,code,field", [
    ({"version": 1}, "RequiredField", "cart"),
    ({"cart": {"typeId": "cart", "id": "ghost"}, "version": 1},
     "ReferencedResourceNotFound", None),
    ({"cart": {"typeId": "payment", "id": "x"}, "version": 1}, "InvalidField", "cart"),
    ({"cart": {"typeId": "cart", "id": "x"}}, "RequiredField", "version"),
    ({"cart": {"typeId": "cart", "id": "x"}, "version": "1"}, "InvalidField", "version"),
    ({"cart": {"typeId": "cart", "id": "x"}, "version": 1, "paymentInfo": {}},
     "InvalidInput", None),
])
def test_bad_order_drafts_are_refused(api, body, code, field):
    response = api.post("/demo/orders", body)
    assert response.status_code == 400
    error = response.json["errors"][0]
    assert error["code"] == code
    assert error.get("field") == field


@pytest.mark.parametrize("extra,field", [({"orderState": "Done"}, "orderState"),
                                         ({"paymentState": "Settled"}, "paymentState"),
                                         ({"shipmentState": "Lost"}, "shipmentState")])
def test_invalid_order_states_are_refused(api, cart, extra, field):
    response = _order(api, cart, **extra)
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == field
    assert api.get(f"/demo/carts/{cart['id']}").json["cartState"] == "Active"


def test_order_numbers_are_unique(api, cart):
    assert _order(api, cart, orderNumber="1001").status_code == 201
    other = api.post("/demo/carts", cart_draft((100, 1))).json
    duplicate = _order(api, other, orderNumber="1001")
    assert duplicate.status_code == 400
    assert duplicate.json["errors"][0]["code"] == "DuplicateField"
    assert api.get(f"/demo/carts/{other['id']}").json["cartState"] == "Active"


def test_a_custom_type_other_than_the_carts_is_refused(api, cart):
    response = _order(api, cart, custom={"type": {"typeId": "type", "id": "t-2"}})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidOperation"


def test_find_the_order_of_a_payment(api, cart):
    order = _order(api, cart).json
    _order(api, api.post("/demo/carts", cart_draft((5, 1))).json)
    payment_id = cart["paymentInfo"]["payments"][0]["id"]
    found = api.get("/demo/orders", query_string={
        "where": f'paymentInfo(payments(id = "{payment_id}"))'}).json
    assert found["total"] == 1
    assert [o["id"] for o in found["results"]] == [order["id"]]
    assert api.get("/demo/orders", query_string={"sort": "createdAt desc", "limit": 1}
                   ).json["count"] == 1


def test_orders_expand_payments_and_cart(api, cart):
    payment = api.get(f"/demo/payments/{cart['paymentInfo']['payments'][0]['id']}").json
    created = _order(api, cart, orderNumber="7")
    unrelated = api.post("/demo/carts", cart_draft((1, 1))).json
    params = {"expand": ["paymentInfo.payments[*]", "cart"]}
    for response in (api.get(f"/demo/orders/{created.json['id']}", query_string=params),
                     api.get("/demo/orders/order-number=7", query_string=params)):
        order = response.json
        assert order["paymentInfo"]["payments"][0]["obj"] == payment
        assert order["cart"]["obj"]["cartState"] == "Ordered"
    [queried] = api.get("/demo/orders", query_string=params).json["results"]
    assert queried["paymentInfo"]["payments"][0]["obj"] == payment
    on_create = api.post("/demo/orders", {"cart": {"typeId": "cart", "id": unrelated["id"]},
                                          "version": 1},
                         query_string={"expand": "cart"}).json
    assert on_create["cart"]["obj"]["id"] == unrelated["id"]


def test_unknown_orders_are_not_found(api):
    assert api.get("/demo/orders/ghost").status_code == 404
    missing = api.get("/demo/orders/order-number=404")
    assert missing.status_code == 404
    assert missing.json["errors"][0]["code"] == "ResourceNotFound"


def test_order_updates_are_refused_loudly(api, cart):
    order = _order(api, cart).json
    response = api.post(f"/demo/orders/{order['id']}", {"version": 1, "actions": [
        {"action": "changeOrderState", "orderState": "Complete"}]})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidInput"
    assert api.get(f"/demo/orders/{order['id']}").json == order


def test_order_scopes(api, api_for, cart):
    viewer, payments_only = api_for("viewer"), api_for("processor", "manage_payments:demo")
    order = _order(api, cart).json
    assert viewer.get(f"/demo/orders/{order['id']}").status_code == 200
    assert viewer.get("/demo/orders").status_code == 200
    denied = viewer.post("/demo/orders", {"cart": {"typeId": "cart", "id": cart["id"]},
                                          "version": 1})
    assert denied.status_code == 403
    assert denied.json["errors"][0]["code"] == "insufficient_scope"
    assert "manage_orders:demo" in denied.json["message"]
    read_denied = payments_only.get(f"/demo/orders/{order['id']}")
    assert read_denied.status_code == 403
    assert "view_orders:demo" in read_denied.json["message"]
    assert api_for("shop").post("/demo/orders", {"id": "ghost", "version": 1}
                                ).status_code == 400  # the scope suffices; the cart is missing
