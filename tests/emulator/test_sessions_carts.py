"""Checkout sessions and carts against the wire formats."""

from __future__ import annotations

import re

import requests
from giftcard_connect.emulator import carts

from .helpers import cart_draft, payment_draft

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _session(api, cart_id, **metadata):
    return api.post("/demo/sessions", {"cart": {"cartRef": {"id": cart_id}},
                                       "metadata": metadata})


def test_create_and_get_session(api):
    cart = api.post("/demo/carts", cart_draft((1000, 1), customerId="cust-1",
                                              anonymousId="anon-1")).json
    created = _session(api, cart["id"], processorUrl="https://p.example",
                       paymentInterface="mock", allowedPaymentMethods=["giftcard"])
    assert created.status_code == 201
    session = created.json
    assert session["state"] == "ACTIVE"
    assert session["version"] == 1
    assert session["activeCart"] == {"cartRef": {"id": cart["id"]}}
    assert session["customer"] == {"customerRef": {"id": "cust-1"}, "anonymousId": "anon-1"}
    metadata = session["metadata"]
    assert metadata["processorUrl"] == "https://p.example"
    assert metadata["allowedPaymentMethods"] == ["giftcard"]
    assert metadata["paymentInterface"] == "mock"
    assert metadata["correlationId"]
    for field in ("createdAt", "lastModifiedAt", "expiryAt"):
        assert ISO.match(session[field]), session[field]
    assert session["expiryAt"] > session["createdAt"]
    assert api.get(f"/demo/sessions/{session['id']}").json == session


def test_session_without_customer_omits_it(api):
    cart = api.post("/demo/carts", cart_draft((1000, 1))).json
    assert "customer" not in _session(api, cart["id"]).json


def test_session_for_unknown_cart_is_rejected(api):
    response = _session(api, "no-such-cart")
    assert response.status_code == 400
    error = response.json["errors"][0]
    assert error["code"] == "ReferencedResourceNotFound"
    assert error["id"] == "no-such-cart"
    missing = api.post("/demo/sessions", {"metadata": {}})
    assert missing.status_code == 400
    assert missing.json["errors"][0] == {"code": "RequiredField", "field": "cart",
                                         "message": "A value is required for field cart."}


def test_unknown_session_is_not_found(api):
    response = api.get("/demo/sessions/nope")
    assert response.status_code == 404
    assert response.json == {
        "statusCode": 404, "message": "The Resource with ID 'nope' was not found.",
        "errors": [{"code": "ResourceNotFound",
                    "message": "The Resource with ID 'nope' was not found."}]}


def test_session_expires_with_time(api, store):
    cart = api.post("/demo/carts", cart_draft((1000, 1))).json
    session = _session(api, cart["id"]).json
    start = store.clock()
    store.clock = lambda: start + 1801
    assert api.get(f"/demo/sessions/{session['id']}").json["state"] == "EXPIRED"


def test_admin_can_force_expiry(api, client):
    cart = api.post("/demo/carts", cart_draft((1000, 1))).json
    session = _session(api, cart["id"]).json
    expired = client.post(f"/_emulator/sessions/{session['id']}/expire")
    assert expired.status_code == 200
    assert expired.json["state"] == "EXPIRED"
    assert api.get(f"/demo/sessions/{session['id']}").json["state"] == "EXPIRED"
    assert client.post("/_emulator/sessions/nope/expire").status_code == 404


def test_double_slash_paths_are_tolerated(live_server, token):
    headers = {"Authorization": f"Bearer {token('admin')}"}
    cart = requests.post(f"{live_server}/demo/carts", json=cart_draft((100, 1)),
                         headers=headers, timeout=5).json()
    created = requests.post(f"{live_server}//demo/sessions",
                            json={"cart": {"cartRef": {"id": cart["id"]}}},
                            headers=headers, timeout=5)
    assert created.status_code == 201
    fetched = requests.get(f"{live_server}//demo//sessions/{created.json()['id']}",
                           headers=headers, timeout=5)
    assert fetched.status_code == 200
    assert fetched.json()["activeCart"]["cartRef"]["id"] == cart["id"]


def test_cart_totals(api):
    response = api.post("/demo/carts", cart_draft((1250, 2), (499, 1), customerId="c-1"))
    assert response.status_code == 201
    cart = response.json
    expected = {"type": "centPrecision", "currencyCode": "EUR", "centAmount": 2999,
                "fractionDigits": 2}
    assert cart["totalPrice"] == expected
    assert cart["taxedPrice"]["totalGross"] == expected
    assert cart["taxedPrice"]["totalNet"] == expected
    assert cart["cartState"] == "Active"
    assert cart["customerId"] == "c-1"
    assert "paymentInfo" not in cart
    assert "currency" not in cart
    items = cart["customLineItems"]
    assert [i["totalPrice"]["centAmount"] for i in items] == [2500, 499]
    assert len({i["id"] for i in items}) == 2
    assert api.get(f"/demo/carts/{cart['id']}").json == cart


def test_cart_fraction_digits_follow_the_currency(api):
    cart = api.post("/demo/carts", cart_draft((500, 1), currency="JPY")).json
    assert cart["totalPrice"]["fractionDigits"] == 0


def test_cart_rejects_mixed_currency_and_missing_currency(api):
    draft = cart_draft((100, 1))
    draft["customLineItems"][0]["money"]["currencyCode"] = "USD"
    mixed = api.post("/demo/carts", draft)
    assert mixed.status_code == 400
    error = mixed.json["errors"][0]
    assert error["code"] == "InvalidField"
    assert error["invalidValue"] == "USD"
    assert error["allowedValues"] == ["EUR"]
    missing = api.post("/demo/carts", {"customLineItems": []})
    assert missing.status_code == 400
    assert missing.json["errors"][0]["code"] == "RequiredField"
    assert missing.json["errors"][0]["field"] == "currency"


def test_add_and_remove_payment(api):
    cart = api.post("/demo/carts", cart_draft((1000, 1))).json
    payment = api.post("/demo/payments", payment_draft()).json
    added = api.post(f"/demo/carts/{cart['id']}", {"version": 1, "actions": [
        {"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}]})
    assert added.status_code == 200
    assert added.json["version"] == 2
    assert added.json["lastModifiedAt"] >= cart["lastModifiedAt"]
    assert added.json["paymentInfo"] == {"payments": [{"typeId": "payment",
                                                       "id": payment["id"]}]}
    removed = api.post(f"/demo/carts/{cart['id']}", {"version": 2, "actions": [
        {"action": "removePayment", "payment": {"typeId": "payment", "id": payment["id"]}}]})
    assert removed.json["version"] == 3
    assert "paymentInfo" not in removed.json


def test_add_unknown_payment_changes_nothing(api):
    cart = api.post("/demo/carts", cart_draft((1000, 1))).json
    response = api.post(f"/demo/carts/{cart['id']}", {"version": 1, "actions": [
        {"action": "addPayment", "payment": {"typeId": "payment", "id": "ghost"}}]})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "ReferencedResourceNotFound"
    assert api.get(f"/demo/carts/{cart['id']}").json == cart


def test_stale_cart_version_is_a_conflict(api):
    cart = api.post("/demo/carts", cart_draft((1000, 1))).json
    payments = [api.post("/demo/payments", payment_draft()).json for _ in range(2)]

    def add(version, payment):
        return api.post(f"/demo/carts/{cart['id']}", {"version": version, "actions": [
            {"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}]})

    assert add(1, payments[0]).status_code == 200
    stale = add(1, payments[1])
    assert stale.status_code == 409
    message = (f"Object {cart['id']} has a different version than expected. "
               f"Expected: 1 - Actual: 2.")
    assert stale.json == {"statusCode": 409, "message": message, "errors": [
        {"code": "ConcurrentModification", "message": message, "currentVersion": 2}]}
    assert len(api.get(f"/demo/carts/{cart['id']}").json["paymentInfo"]["payments"]) == 1


def test_unknown_cart_update_action(api):
    cart = api.post("/demo/carts", cart_draft((1000, 1))).json
    response = api.post(f"/demo/carts/{cart['id']}",
                        {"version": 1, "actions": [{"action": "setCountry", "country": "DE"}]})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidInput"


def test_errors_are_commercetools_shaped(api, client):
    unknown = client.get("/no/such/route/here")
    assert unknown.status_code == 404
    assert unknown.json["errors"][0]["code"] == "ResourceNotFound"
    wrong_method = client.put("/oauth/token")
    assert wrong_method.status_code == 405
    assert wrong_method.json["statusCode"] == 405
    broken = api.post("/demo/carts", data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json["errors"][0]["code"] == "InvalidJsonInput"


def test_crashes_answer_a_json_500(api, monkeypatch):
    def explode(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(carts, "build_cart", explode)
    response = api.post("/demo/carts", cart_draft((1, 1)))
    assert response.status_code == 500
    assert response.json["errors"][0]["code"] == "General"
