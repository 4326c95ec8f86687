"""Carts: the fields the platform always returns, the CartDraft subset, keys and queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .helpers import cart_draft, money, payment_draft

ADDRESS = {"key": "home", "country": "DE", "firstName": "Ada", "streetName": "Main St",
           "postalCode": "10115", "city": "Berlin"}


def test_cart_has_every_field_the_platform_always_returns(api, store):
    cart = api.post("/demo/carts", cart_draft((1250, 2))).json
    assert cart["lineItems"] == []
    assert cart["taxMode"] == "Platform"
    assert cart["priceRoundingMode"] == "HalfEven"
    assert cart["taxRoundingMode"] == "HalfEven"
    assert cart["taxCalculationMode"] == "LineItemLevel"
    assert cart["inventoryMode"] == "None"
    assert cart["shippingMode"] == "Single"
    assert cart["origin"] == "Customer"
    for empty in ("shipping", "itemShippingAddresses", "discountCodes", "directDiscounts",
                  "refusedGifts"):
        assert cart[empty] == [], empty
    assert "totalLineItemQuantity" not in cart  # only with product line items
    [item] = cart["customLineItems"]
    assert item["taxedPricePortions"] == []
    assert item["perMethodTaxRate"] == []
    assert item["discountedPricePerQuantity"] == []
    assert item["priceMode"] == "Standard"
    assert item["state"] == [{"quantity": 2, "state": {"typeId": "state",
                                                       "id": store.initial_item_state}}]


def test_every_supported_cart_draft_field_is_kept(api):
    draft = cart_draft((500, 1), key="cart-1", customerId="c-1", customerEmail="a@example.com",
                       anonymousId="anon-1", country="DE", locale="de-DE", origin="Merchant",
                       taxMode="External", priceRoundingMode="HalfUp",
                       taxRoundingMode="HalfDown", taxCalculationMode="UnitPriceLevel",
                       inventoryMode="TrackOnly", shippingMode="Multiple",
                       billingAddress=ADDRESS, shippingAddress={"country": "AT"},
                       itemShippingAddresses=[ADDRESS], deleteDaysAfterLastModification=30,
                       purchaseOrderNumber="po-7",
                       custom={"type": {"typeId": "type", "key": "cart-fields"},
                               "fields": {"gift": True}},
                       lineItems=[], discountCodes=[])
    draft["customLineItems"][0].update(key="fee", priceMode="External",
                                       taxCategory={"typeId": "tax-category", "id": "tc-1"},
                                       custom={"type": {"typeId": "type", "id": "t-2"}})
    response = api.post("/demo/carts", draft)
    assert response.status_code == 201, response.json
    cart = response.json
    for field in ("key", "customerId", "customerEmail", "anonymousId", "country", "locale",
                  "origin", "taxMode", "priceRoundingMode", "taxRoundingMode",
                  "taxCalculationMode", "inventoryMode", "shippingMode",
                  "deleteDaysAfterLastModification", "purchaseOrderNumber"):
        assert cart[field] == draft[field], field
    assert cart["billingAddress"] == ADDRESS
    assert cart["shippingAddress"] == {"country": "AT"}
    assert cart["itemShippingAddresses"] == [ADDRESS]
    assert cart["custom"]["fields"] == {"gift": True}
    [item] = cart["customLineItems"]
    assert item["key"] == "fee" and item["priceMode"] == "External"
    assert item["taxCategory"] == {"typeId": "tax-category", "id": "tc-1"}
    assert item["custom"] == {"type": {"typeId": "type", "id": "t-2"}, "fields": {}}
    assert api.get("/demo/carts/key=cart-1").json == cart


def test_a_cart_without_taxes_has_no_taxed_price(api):
    cart = api.post("/demo/carts", cart_draft((500, 1), taxMode="Disabled")).json
    assert "taxedPrice" not in cart
    assert cart["totalPrice"]["centAmount"] == 500


@pytest.mark.parametrize("field,value", [
    ("lineItems", [{"sku": "teapot"}]),
    ("discountCodes", ["SUMMER"]),
    ("shippingMethod", {"typeId": "shipping-method", "id": "s"}),
    ("store", {"typeId": "store", "key": "eu"}),
    ("customShipping", [{"key": "x"}]),
    ("shippingRateInput", {}),
])
def test_draft_fields_the_emulator_cannot_honour_are_refused(api, field, value):
    response = api.post("/demo/carts", cart_draft((500, 1), **{field: value}))
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidInput"
    assert f"does not support '{field}'" in response.json["message"]
    assert api.get("/demo/carts").json["total"] == 0


@pytest.mark.parametrize("patch,named", [
    ({"couponCode": "x"}, "couponCode"),
    ({"billingAddress": {"country": "DE", "street": "x"}}, "billingAddress.street"),
])
def test_unknown_cart_draft_fields_are_refused(api, patch, named):
    response = api.post("/demo/carts", cart_draft((500, 1), **patch))
    assert response.status_code == 400
    assert f"Unknown field '{named}'" in response.json["message"]


def test_unknown_custom_line_item_field_is_refused(api):
    draft = cart_draft((500, 1))
    draft["customLineItems"][0]["price"] = money(500)
    response = api.post("/demo/carts", draft)
    assert response.status_code == 400
    assert "'customLineItems[0].price'" in response.json["message"]


@pytest.mark.parametrize("patch,field", [
    ({"origin": "Robot"}, "origin"),
    ({"shippingMode": "Some"}, "shippingMode"),
    ({"inventoryMode": "Always"}, "inventoryMode"),
    ({"country": "Germany"}, "country"),
    ({"shippingAddress": {"city": "Berlin"}}, "shippingAddress.country"),
    ({"deleteDaysAfterLastModification": 0}, "deleteDaysAfterLastModification"),
    ({"key": "k"}, "key"),
    ({"itemShippingAddresses": {}}, "itemShippingAddresses"),
])
def test_invalid_cart_draft_values_are_refused(api, patch, field):
    response = api.post("/demo/carts", cart_draft((500, 1), **patch))
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidField"
    assert response.json["errors"][0]["field"] == field


def test_cart_keys_are_unique_and_address_updates(api):
    cart = api.post("/demo/carts", cart_draft((500, 1), key="cart-1")).json
    duplicate = api.post("/demo/carts", cart_draft((500, 1), key="cart-1"))
    assert duplicate.status_code == 400
    assert duplicate.json["errors"][0]["code"] == "DuplicateField"
    payment = api.post("/demo/payments", payment_draft()).json
    updated = api.post("/demo/carts/key=cart-1", {"version": 1, "actions": [
        {"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}]})
    assert updated.status_code == 200
    assert updated.json["id"] == cart["id"]
    assert api.get("/demo/carts/key=nope").status_code == 404


def test_cart_actions_refuse_unknown_fields(api):
    cart = api.post("/demo/carts", cart_draft((500, 1))).json
    payment = api.post("/demo/payments", payment_draft()).json
    response = api.post(f"/demo/carts/{cart['id']}", {"version": 1, "actions": [
        {"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]},
         "amount": money(1)}]})
    assert response.status_code == 400
    assert "actions[0].amount" in response.json["message"]


def _seed(api, store):
    """Three carts a month apart: one anonymous (EUR 10), one of customer c-1, one in JPY."""
    drafts = [cart_draft((1000, 1), anonymousId="anon-1"), cart_draft((2000, 1), customerId="c-1"),
              cart_draft((3000, 1), currency="JPY")]
    ids = []
    for month, draft in enumerate(drafts, start=1):
        moment = datetime(2026, month, 1, tzinfo=UTC).timestamp()
        store.clock = lambda moment=moment: moment
        ids.append(api.post("/demo/carts", draft).json["id"])
    return ids


def _ids(response):
    assert response.status_code == 200, response.json
    return [cart["id"] for cart in response.json["results"]]


def test_query_carts_with_where_sort_and_paging(api, store):
    _, second, third = _seed(api, store)
    assert _ids(api.get("/demo/carts", query_string={"where": 'customerId = "c-1"'})) == [second]
    assert _ids(api.get("/demo/carts", query_string={
        "where": 'totalPrice(currencyCode = "EUR" and centAmount > 1500)'})) == [second]
    assert _ids(api.get("/demo/carts", query_string={
        "where": ['cartState = "Active"', 'anonymousId is not defined'],
        "sort": "createdAt desc"})) == [third, second]
    page = api.get("/demo/carts", query_string={"limit": 1, "offset": 1, "sort": "createdAt asc",
                                                "withTotal": "false"}).json
    assert page["count"] == 1 and page["limit"] == 1 and page["offset"] == 1
    assert "total" not in page
    assert [cart["id"] for cart in page["results"]] == [second]
    assert api.get("/demo/carts").json["total"] == 3


def test_query_carts_by_payment(api, store):
    cart_ids = _seed(api, store)
    payment = api.post("/demo/payments", payment_draft()).json
    api.post(f"/demo/carts/{cart_ids[1]}", {"version": 1, "actions": [
        {"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}]})
    where = f'paymentInfo(payments(id = "{payment["id"]}"))'
    assert _ids(api.get("/demo/carts", query_string={"where": where})) == [cart_ids[1]]


@pytest.mark.parametrize("params", [{"where": "cartState ="}, {"limit": "600"},
                                    {"sort": "createdAt"}, {"expand": "paymentInfo..payments"}])
def test_malformed_cart_queries_are_refused(api, params):
    response = api.get("/demo/carts", query_string=params)
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidInput"
    assert response.json["message"].startswith("Malformed parameter")


def test_cart_query_needs_an_orders_scope(api_for):
    assert api_for("viewer").get("/demo/carts").status_code == 200
    response = api_for("checkout").get("/demo/carts")
    assert response.status_code == 403
    assert response.json["errors"][0]["code"] == "insufficient_scope"
