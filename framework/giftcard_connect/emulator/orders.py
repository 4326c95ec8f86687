"""Orders created from carts (as Checkout does), read by id or order number, and queried."""

from __future__ import annotations

import copy

from flask import Blueprint, current_app, jsonify

from . import expansion
from .auth import scoped
from .custom import custom_fields
from .errors import (
    concurrent_modification,
    duplicate_field,
    invalid_field,
    invalid_input,
    invalid_operation,
    referenced_not_found,
    required_field,
)
from .query import paged
from .store import EmulatorStore
from .wire import is_int, json_body, keyed_reference, one_of, only, reference, text

bp = Blueprint("emulator_orders", __name__)

ORDER_STATES = ["Open", "Confirmed", "Complete", "Cancelled"]
PAYMENT_STATES = ["BalanceDue", "Failed", "Pending", "CreditOwed", "Paid"]
SHIPMENT_STATES = ["Shipped", "Delivered", "Ready", "Pending", "Delayed", "Partial", "Backorder",
                   "Canceled"]
_DRAFT_FIELDS = ("id", "cart", "version", "orderNumber", "purchaseOrderNumber", "paymentState",
                 "shipmentState", "orderState", "state", "custom")
# Cart fields an order carries over as they are.
_FROM_CART = ("customerId", "customerEmail", "anonymousId", "lineItems", "customLineItems",
              "totalPrice", "taxedPrice", "priceRoundingMode", "taxMode", "taxRoundingMode",
              "taxCalculationMode", "inventoryMode", "billingAddress", "shippingAddress",
              "shippingMode", "shipping", "itemShippingAddresses", "discountCodes",
              "directDiscounts", "refusedGifts", "paymentInfo", "country", "locale", "origin")


def _store() -> EmulatorStore:
    return current_app.extensions["emulator"]


def _render(store: EmulatorStore, order: dict, paths: list) -> dict:
    return expansion.expand(store, copy.deepcopy(order), paths)


def _cart_of(store: EmulatorStore, draft: dict) -> dict:
    """The cart an OrderFromCartDraft names (`cart`, or the deprecated `id`)."""
    if draft.get("cart") is not None:
        identifier = reference(draft["cart"], "cart", "cart")
    elif draft.get("id") is not None:
        identifier = {"typeId": "cart", "id": text(draft["id"], "id")}
    else:
        raise required_field("cart")
    if "id" in identifier:
        cart = store.carts.get(identifier["id"])
    else:
        cart = store.carts.get(store.cart_keys.get(identifier["key"], ""))
    if cart is None:
        raise referenced_not_found("cart", identifier.get("id", identifier.get("key")))
    return cart


def _custom(cart: dict, draft: dict) -> dict | None:
    """The cart's Custom Fields, merged with the draft's (which must use the same Type)."""
    if draft.get("custom") is None:
        return copy.deepcopy(cart.get("custom"))
    given = custom_fields(draft["custom"])
    inherited = cart.get("custom")
    if inherited is None:
        return given
    if inherited["type"] != given["type"]:
        raise invalid_operation("The order's Custom Type must be the Custom Type of its cart.")
    return {"type": given["type"], "fields": {**inherited["fields"], **given["fields"]}}


def _order_from(store: EmulatorStore, cart: dict, draft: dict) -> dict:
    order = store.new_resource()
    number = text(draft.get("orderNumber"), "orderNumber")
    if number is not None:
        if number in store.order_numbers:
            raise duplicate_field("orderNumber", number)
        order["orderNumber"] = number
    purchase_order = draft.get("purchaseOrderNumber", cart.get("purchaseOrderNumber"))
    if purchase_order is not None:
        order["purchaseOrderNumber"] = text(purchase_order, "purchaseOrderNumber")
    order.update({name: copy.deepcopy(cart[name]) for name in _FROM_CART if name in cart})
    order["cart"] = {"typeId": "cart", "id": cart["id"]}
    order["orderState"] = one_of(draft.get("orderState"), "orderState", ORDER_STATES, "Open")
    for name, allowed in (("shipmentState", SHIPMENT_STATES), ("paymentState", PAYMENT_STATES)):
        if draft.get(name) is not None:
            order[name] = one_of(draft[name], name, allowed)
    if draft.get("state") is not None:
        order["state"] = keyed_reference(draft["state"], "state", "state")
    order.update({"syncInfo": [], "returnInfo": []})
    custom = _custom(cart, draft)
    if custom is not None:
        order["custom"] = custom
    return order


@bp.post("/<projectKey>/orders")
@scoped("orders")
def create_order(projectKey: str):
    """An order from an Active cart at the given version; the cart becomes Ordered."""
    store = _store()
    paths = expansion.requested()
    draft = json_body()
    only(draft, _DRAFT_FIELDS, "OrderFromCartDraft")
    version = draft.get("version")
    if version is None:
        raise required_field("version")
    if not is_int(version):
        raise invalid_field("version", version)
    with store.lock:
        cart = _cart_of(store, draft)
        if version != cart["version"]:
            raise concurrent_modification(cart["id"], version, cart["version"])
        if cart["cartState"] != "Active":
            raise invalid_operation(
                f"The cart is {cart['cartState']}; only an Active cart can be ordered.")
        order = _order_from(store, cart, draft)
        ordered = copy.deepcopy(cart)
        ordered["cartState"] = "Ordered"
        store.touch(ordered)
        store.carts[cart["id"]] = ordered
        store.orders[order["id"]] = order
        if "orderNumber" in order:
            store.order_numbers[order["orderNumber"]] = order["id"]
        return jsonify(_render(store, order, paths)), 201


@bp.get("/<projectKey>/orders/<id>")
@scoped("orders")
def get_order(projectKey: str, id: str):
    store = _store()
    paths = expansion.requested()
    with store.lock:
        return jsonify(_render(store, store.get(store.orders, id), paths))


@bp.get("/<projectKey>/orders/order-number=<orderNumber>")
@scoped("orders")
def get_order_by_number(projectKey: str, orderNumber: str):
    store = _store()
    paths = expansion.requested()
    with store.lock:
        order = store.by_index(store.orders, store.order_numbers, orderNumber,
                               by="orderNumber")
        return jsonify(_render(store, order, paths))


@bp.get("/<projectKey>/orders")
@scoped("orders")
def query_orders(projectKey: str):
    store = _store()
    paths = expansion.requested()
    return jsonify(paged(store, store.orders, lambda order: _render(store, order, paths)))


@bp.post("/<projectKey>/orders/<id>")
@scoped("orders")
def update_order(projectKey: str, id: str):
    """Order updates are not emulated: refused loudly rather than ignored."""
    store = _store()
    with store.lock:
        store.get(store.orders, id)
    raise invalid_input("The emulator does not support order update actions "
                        "(see docs/emulator.md).")
