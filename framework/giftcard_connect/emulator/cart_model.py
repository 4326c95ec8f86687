"""Carts from a CartDraft subset: custom line items (→ totals), addresses, modes, payments.

The cart carries every field the platform always returns. Draft fields that need
resources the emulator does not keep (line items of products, shipping methods, discount
codes, stores…) are refused unless empty, never dropped.
"""

from __future__ import annotations

import re
import uuid

from .custom import custom_fields
from .errors import (
    duplicate_field,
    invalid_field,
    invalid_input,
    invalid_operation,
    referenced_not_found,
)
from .store import EmulatorStore
from .wire import (
    cent_precision,
    currency,
    is_int,
    key,
    keyed_reference,
    listed,
    localized,
    money,
    one_of,
    only,
    reference,
    text,
    unsupported_unless_empty,
)

TAX_MODES = ["Platform", "External", "ExternalAmount", "Disabled"]
ROUNDING_MODES = ["HalfEven", "HalfUp", "HalfDown"]
TAX_CALCULATION_MODES = ["LineItemLevel", "UnitPriceLevel"]
INVENTORY_MODES = ["None", "TrackOnly", "ReserveOnCart", "ReserveOnOrder"]
SHIPPING_MODES = ["Single", "Multiple"]
ORIGINS = ["Customer", "Merchant", "Quote", "RecurringOrder"]
PRICE_MODES = ["Standard", "External"]

_UNSUPPORTED = ("lineItems", "customerGroup", "businessUnit", "store", "shippingMethod",
                "shippingRateInput", "customShipping", "shipping", "discountCodes",
                "externalTaxRateForShippingMethod")
_MODES = (("taxMode", TAX_MODES, "Platform"), ("priceRoundingMode", ROUNDING_MODES, "HalfEven"),
          ("taxRoundingMode", ROUNDING_MODES, "HalfEven"),
          ("taxCalculationMode", TAX_CALCULATION_MODES, "LineItemLevel"),
          ("inventoryMode", INVENTORY_MODES, "None"))
_STRINGS = ("customerId", "customerEmail", "anonymousId", "locale", "purchaseOrderNumber")
CART_FIELDS = ("currency", "key", "customLineItems", "country", "origin", "shippingMode",
               "billingAddress", "shippingAddress", "itemShippingAddresses",
               "deleteDaysAfterLastModification", "custom", *_STRINGS,
               *(mode for mode, _, _ in _MODES), *_UNSUPPORTED)
_ADDRESS_STRINGS = ("id", "key", "title", "salutation", "firstName", "lastName", "streetName",
                    "streetNumber", "additionalStreetInfo", "postalCode", "city", "region",
                    "state", "company", "department", "building", "apartment", "pOBox",
                    "phone", "mobile", "email", "fax", "additionalAddressInfo", "externalId")
_LINE_ITEM_FIELDS = ("name", "key", "quantity", "money", "slug", "taxCategory", "custom",
                     "priceMode", "externalTaxRate", "shippingDetails", "recurrenceInfo")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _country(value: object, field: str) -> str:
    if not isinstance(value, str) or not _COUNTRY.match(value):
        raise invalid_field(field, value)
    return value


def address(draft: object, field: str) -> dict:
    """An Address from a BaseAddress/AddressDraft: the strings as given, `country` required."""
    if not isinstance(draft, dict):
        raise invalid_field(field, draft)
    only(draft, (*_ADDRESS_STRINGS, "country", "custom"), "Address", f"{field}.")
    result: dict = {}
    for name in _ADDRESS_STRINGS:
        if draft.get(name) is not None:
            result[name] = text(draft[name], f"{field}.{name}")
    result["country"] = _country(draft.get("country"), f"{field}.country")
    if draft.get("custom") is not None:
        result["custom"] = custom_fields(draft["custom"], f"{field}.custom")
    return result


def _custom_line_item(store: EmulatorStore, draft: object, field: str, cart_currency: str) -> dict:
    if not isinstance(draft, dict):
        raise invalid_field(field, draft)
    only(draft, _LINE_ITEM_FIELDS, "CustomLineItemDraft", f"{field}.")
    unsupported_unless_empty(draft, ("externalTaxRate", "shippingDetails", "recurrenceInfo"),
                             "CustomLineItemDraft", f"{field}.")
    name = draft.get("name")
    if not name:
        raise invalid_field(f"{field}.name", name)
    price = money(draft.get("money"), f"{field}.money")
    if price["currencyCode"] != cart_currency:
        raise invalid_field(f"{field}.money.currencyCode", price["currencyCode"], [cart_currency])
    quantity = draft.get("quantity", 1)
    if not is_int(quantity) or quantity < 1:
        raise invalid_field(f"{field}.quantity", quantity)
    item: dict = {"id": str(uuid.uuid4())}
    if draft.get("key") is not None:
        item["key"] = key(draft["key"], f"{field}.key")
    item.update({
        "name": localized(name, f"{field}.name"), "money": price, "taxedPricePortions": [],
        "totalPrice": cent_precision(cart_currency, price["centAmount"] * quantity),
        "slug": text(draft.get("slug"), f"{field}.slug", required=True), "quantity": quantity,
        "state": [{"quantity": quantity,
                   "state": {"typeId": "state", "id": store.initial_item_state}}],
    })
    if draft.get("taxCategory") is not None:
        item["taxCategory"] = keyed_reference(draft["taxCategory"], "tax-category",
                                              f"{field}.taxCategory")
    item.update({"perMethodTaxRate": [], "discountedPricePerQuantity": []})
    if draft.get("custom") is not None:
        item["custom"] = custom_fields(draft["custom"], f"{field}.custom")
    item["priceMode"] = one_of(draft.get("priceMode"), f"{field}.priceMode", PRICE_MODES,
                               "Standard")
    return item


def _custom_line_items(store: EmulatorStore, drafts: list, cart_currency: str) -> list[dict]:
    items = [_custom_line_item(store, d, f"customLineItems[{i}]", cart_currency)
             for i, d in enumerate(drafts)]
    keys = [item["key"] for item in items if "key" in item]
    for index, item_key in enumerate(keys):
        if item_key in keys[:index]:
            raise duplicate_field("customLineItems.key", item_key)
    return items


def build_cart(store: EmulatorStore, draft: dict) -> dict:
    """A new cart from a CartDraft (the caller indexes its key)."""
    only(draft, CART_FIELDS, "CartDraft")
    unsupported_unless_empty(draft, _UNSUPPORTED, "CartDraft")
    cart_currency = currency(draft.get("currency"), "currency")
    items = _custom_line_items(store, listed(draft, "customLineItems"), cart_currency)
    total = cent_precision(cart_currency, sum(i["totalPrice"]["centAmount"] for i in items))
    cart = store.new_resource()
    if draft.get("key") is not None:
        cart["key"] = key(draft["key"])
    for name in ("customerId", "customerEmail", "anonymousId"):
        if draft.get(name) is not None:
            cart[name] = text(draft[name], name)
    cart.update({"lineItems": [], "customLineItems": items, "totalPrice": total})
    modes = {name: one_of(draft.get(name), name, allowed, default)
             for name, allowed, default in _MODES}
    if modes["taxMode"] != "Disabled":
        # No tax engine: gross = net = total, so the processor's "amount to pay" is the total.
        cart["taxedPrice"] = {"totalNet": dict(total), "totalGross": dict(total),
                              "taxPortions": [], "totalTax": cent_precision(cart_currency, 0)}
    cart.update(modes)
    cart["cartState"] = "Active"
    for name in ("billingAddress", "shippingAddress"):
        if draft.get(name) is not None:
            cart[name] = address(draft[name], name)
    cart["shippingMode"] = one_of(draft.get("shippingMode"), "shippingMode", SHIPPING_MODES,
                                  "Single")
    cart.update({"shipping": [], "itemShippingAddresses": [
        address(a, f"itemShippingAddresses[{i}]")
        for i, a in enumerate(listed(draft, "itemShippingAddresses"))],
        "discountCodes": [], "directDiscounts": [], "refusedGifts": []})
    if draft.get("country") is not None:
        cart["country"] = _country(draft["country"], "country")
    if draft.get("locale") is not None:
        cart["locale"] = text(draft["locale"], "locale")
    cart["origin"] = one_of(draft.get("origin"), "origin", ORIGINS, "Customer")
    if draft.get("custom") is not None:
        cart["custom"] = custom_fields(draft["custom"])
    days = draft.get("deleteDaysAfterLastModification")
    if days is not None:
        if not is_int(days) or not 1 <= days <= 365000:
            raise invalid_field("deleteDaysAfterLastModification", days)
        cart["deleteDaysAfterLastModification"] = days
    if draft.get("purchaseOrderNumber") is not None:
        cart["purchaseOrderNumber"] = text(draft["purchaseOrderNumber"], "purchaseOrderNumber")
    return cart


def _payment_id(store: EmulatorStore, action: dict) -> str:
    ref = reference(action.get("payment"), "payment", "payment")
    payment_id = ref["id"] if "id" in ref else store.payment_keys.get(ref["key"])
    if payment_id not in store.payments:
        raise referenced_not_found("payment", ref.get("id", ref.get("key")))
    return payment_id


def apply_action(store: EmulatorStore, cart: dict, action: dict, index: int) -> None:
    """`addPayment` / `removePayment` on a working copy of an Active cart."""
    name = action["action"]
    if name not in ("addPayment", "removePayment"):
        raise invalid_input(f"The update action '{name}' for a cart is unknown or not "
                            f"supported by the emulator (supported: addPayment, removePayment).")
    only(action, ("action", "payment"), f"'{name}' update action", f"actions[{index}].")
    if cart["cartState"] != "Active":
        raise invalid_operation(
            f"The cart is {cart['cartState']}; only an Active cart can be updated.")
    payments = cart.setdefault("paymentInfo", {"payments": []})["payments"]
    linked = [p["id"] for p in payments]
    payment_id = _payment_id(store, action)
    if name == "addPayment":
        if payment_id in linked:
            raise invalid_operation(f"Payment '{payment_id}' is already part of the cart.")
        payments.append({"typeId": "payment", "id": payment_id})
    else:
        if payment_id not in linked:
            raise invalid_operation(f"Payment '{payment_id}' is not part of the cart.")
        payments.pop(linked.index(payment_id))
    if not payments:
        del cart["paymentInfo"]  # commercetools omits an empty paymentInfo
