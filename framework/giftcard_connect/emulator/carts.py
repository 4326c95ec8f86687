"""Carts: a CartDraft subset with custom line items (→ totals) and the payment actions."""

from __future__ import annotations

import copy
import uuid

from flask import Blueprint, current_app, jsonify

from .auth import scoped
from .errors import invalid_field, invalid_input, invalid_operation, referenced_not_found
from .store import EmulatorStore
from .wire import (
    cent_precision,
    currency,
    is_int,
    json_body,
    money,
    optional_str,
    reference,
    update_actions,
)

bp = Blueprint("emulator_carts", __name__)

TAX_MODES = ["Platform", "External", "ExternalAmount", "Disabled"]


def _store() -> EmulatorStore:
    return current_app.extensions["emulator"]


def _custom_line_item(draft: object, index: int, cart_currency: str) -> dict:
    field = f"customLineItems[{index}]"
    if not isinstance(draft, dict):
        raise invalid_field(field, draft)
    name, slug = draft.get("name"), draft.get("slug")
    if not isinstance(name, dict) or not name:
        raise invalid_field(f"{field}.name", name)
    if not isinstance(slug, str) or not slug:
        raise invalid_field(f"{field}.slug", slug)
    price = money(draft.get("money"), f"{field}.money")
    if price["currencyCode"] != cart_currency:
        raise invalid_field(f"{field}.money.currencyCode", price["currencyCode"], [cart_currency])
    quantity = draft.get("quantity", 1)
    if not is_int(quantity) or quantity < 1:
        raise invalid_field(f"{field}.quantity", quantity)
    item = {"id": str(uuid.uuid4()), "name": name, "money": price, "quantity": quantity,
            "slug": slug,
            "totalPrice": cent_precision(cart_currency, price["centAmount"] * quantity)}
    if draft.get("taxCategory") is not None:
        item["taxCategory"] = reference(draft["taxCategory"], "tax-category",
                                        f"{field}.taxCategory")
    return item


def _build_cart(store: EmulatorStore, draft: dict) -> dict:
    cart_currency = currency(draft.get("currency"), "currency")
    tax_mode = draft.get("taxMode", "Platform")
    if tax_mode not in TAX_MODES:
        raise invalid_field("taxMode", tax_mode, TAX_MODES)
    drafts = draft.get("customLineItems", [])
    if not isinstance(drafts, list):
        raise invalid_field("customLineItems", drafts)
    items = [_custom_line_item(d, i, cart_currency) for i, d in enumerate(drafts)]
    total = cent_precision(cart_currency, sum(i["totalPrice"]["centAmount"] for i in items))
    cart = store.new_resource()
    for field in ("customerId", "anonymousId"):
        if optional_str(draft, field) is not None:
            cart[field] = draft[field]
    cart.update({
        "cartState": "Active", "taxMode": tax_mode, "lineItems": [], "customLineItems": items,
        "totalPrice": total,
        # No tax engine: gross = net = total, so the processor's "amount to pay" is the total.
        "taxedPrice": {"totalNet": dict(total), "totalGross": dict(total),
                       "totalTax": cent_precision(cart_currency, 0), "taxPortions": []},
    })
    return cart


@bp.post("/<projectKey>/carts")
@scoped("orders")
def create_cart(projectKey: str):
    store = _store()
    cart = _build_cart(store, json_body())
    with store.lock:
        store.carts[cart["id"]] = cart
        return jsonify(copy.deepcopy(cart)), 201


@bp.get("/<projectKey>/carts/<id>")
@scoped("orders")
def get_cart(projectKey: str, id: str):
    store = _store()
    with store.lock:
        return jsonify(copy.deepcopy(store.get(store.carts, id)))


def _payment_id(store: EmulatorStore, action: dict) -> str:
    ref = reference(action.get("payment"), "payment", "payment")
    payment_id = ref["id"] if "id" in ref else store.payment_keys.get(ref["key"])
    if payment_id not in store.payments:
        raise referenced_not_found("payment", ref.get("id", ref.get("key")))
    return payment_id


def _apply(store: EmulatorStore, cart: dict, action: dict) -> None:
    payments = cart.setdefault("paymentInfo", {"payments": []})["payments"]
    linked = [p["id"] for p in payments]
    name = action["action"]
    if name == "addPayment":
        payment_id = _payment_id(store, action)
        if payment_id in linked:
            raise invalid_operation(f"Payment '{payment_id}' is already part of the cart.")
        payments.append({"typeId": "payment", "id": payment_id})
    elif name == "removePayment":
        payment_id = _payment_id(store, action)
        if payment_id not in linked:
            raise invalid_operation(f"Payment '{payment_id}' is not part of the cart.")
        payments.pop(linked.index(payment_id))
    else:
        raise invalid_input(f"Unknown update action '{name}' for a cart.")
    if not payments:
        del cart["paymentInfo"]  # commercetools omits an empty paymentInfo


@bp.post("/<projectKey>/carts/<id>")
@scoped("orders")
def update_cart(projectKey: str, id: str):
    store = _store()
    body = json_body()
    with store.lock:
        cart = store.get(store.carts, id)
        actions = update_actions(body, cart)
        updated = copy.deepcopy(cart)
        for action in actions:
            _apply(store, updated, action)
        if actions:
            store.touch(updated)
            store.carts[id] = updated
        return jsonify(copy.deepcopy(updated))
