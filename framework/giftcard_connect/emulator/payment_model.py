"""Payment drafts, validated the way commercetools validates them, and the payment indexes.

Every field of PaymentDraft, PaymentMethodInfoDraft, PaymentStatusDraft and
TransactionDraft is either honoured or refused; none is dropped.
"""

from __future__ import annotations

import uuid

from .custom import custom_fields
from .errors import duplicate_field, invalid_field, invalid_operation
from .store import EmulatorStore
from .wire import key, keyed_reference, listed, localized, money, only, text, timestamp

TRANSACTION_TYPES = ["Authorization", "CancelAuthorization", "Charge", "Refund", "Chargeback"]
TRANSACTION_STATES = ["Initial", "Pending", "Success", "Failure"]
TRANSITIONS = {"Initial": {"Pending", "Success", "Failure"}, "Pending": {"Success", "Failure"}}

TRANSACTION_FIELDS = ("timestamp", "type", "amount", "interactionId", "state", "custom",
                      "interfaceId")
METHOD_INFO_FIELDS = ("paymentInterface", "method", "name", "token", "interfaceAccount",
                      "custom")
PAYMENT_FIELDS = ("customer", "anonymousId", "interfaceId", "amountPlanned", "paymentMethodInfo",
                  "paymentStatus", "transactions", "interfaceInteractions", "custom", "key")


def state(value: object, field: str) -> str:
    if value not in TRANSACTION_STATES:
        raise invalid_field(field, value, TRANSACTION_STATES)
    return value


def transaction(draft: object, field: str, *, now: str) -> dict:
    """A Transaction from a TransactionDraft."""
    if not isinstance(draft, dict):
        raise invalid_field(field, draft)
    only(draft, TRANSACTION_FIELDS, "TransactionDraft", f"{field}.")
    if draft.get("type") not in TRANSACTION_TYPES:
        raise invalid_field(f"{field}.type", draft.get("type"), TRANSACTION_TYPES)
    stamp = draft.get("timestamp")
    result = {"id": str(uuid.uuid4()),
              "timestamp": now if stamp is None else timestamp(stamp, f"{field}.timestamp"),
              "type": draft["type"],
              "amount": money(draft.get("amount"), f"{field}.amount"),
              "state": state(draft.get("state", "Initial"), f"{field}.state")}
    for name in ("interactionId", "interfaceId"):
        value = text(draft.get(name), f"{field}.{name}")
        if value is not None:
            result[name] = value
    if draft.get("custom") is not None:
        result["custom"] = custom_fields(draft["custom"], f"{field}.custom")
    return result


def token(value: object, field: str) -> dict:
    """A PaymentMethodToken `{"value"}`."""
    if not isinstance(value, dict):
        raise invalid_field(field, value)
    only(value, ("value",), "PaymentMethodToken", f"{field}.")
    return {"value": text(value.get("value"), f"{field}.value", required=True)}


def method_info(value: object, field: str = "paymentMethodInfo") -> dict:
    """A PaymentMethodInfo from a PaymentMethodInfoDraft (or a `setMethodInfo` action)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_field(field, value)
    only(value, METHOD_INFO_FIELDS, "PaymentMethodInfoDraft", f"{field}.")
    info: dict = {}
    for name in ("paymentInterface", "method", "interfaceAccount"):
        if value.get(name) is not None:
            info[name] = text(value[name], f"{field}.{name}")
    if value.get("name") is not None:
        info["name"] = localized(value["name"], f"{field}.name")
    if value.get("token") is not None:
        info["token"] = token(value["token"], f"{field}.token")
    if value.get("custom") is not None:
        info["custom"] = custom_fields(value["custom"], f"{field}.custom")
    return info


def _payment_status(value: object) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_field("paymentStatus", value)
    only(value, ("interfaceCode", "interfaceText", "state"), "PaymentStatusDraft",
         "paymentStatus.")
    status: dict = {}
    for name in ("interfaceCode", "interfaceText"):
        if value.get(name) is not None:
            status[name] = text(value[name], f"paymentStatus.{name}")
    if value.get("state") is not None:
        status["state"] = keyed_reference(value["state"], "state", "paymentStatus.state")
    return status


def build_payment(store: EmulatorStore, draft: dict) -> dict:
    """A new payment from a PaymentDraft; the caller holds the lock and calls `commit`."""
    only(draft, PAYMENT_FIELDS, "PaymentDraft")
    payment = store.new_resource()
    if draft.get("key") is not None:
        payment["key"] = key(draft["key"])
    for name in ("interfaceId", "anonymousId"):
        if draft.get(name) is not None:
            payment[name] = text(draft[name], name)
    if draft.get("customer") is not None:
        payment["customer"] = keyed_reference(draft["customer"], "customer", "customer")
    payment["amountPlanned"] = money(draft.get("amountPlanned"), "amountPlanned")
    payment["paymentMethodInfo"] = method_info(draft.get("paymentMethodInfo"))
    payment["paymentStatus"] = _payment_status(draft.get("paymentStatus"))
    payment["transactions"] = [transaction(d, f"transactions[{i}]", now=payment["createdAt"])
                               for i, d in enumerate(listed(draft, "transactions"))]
    payment["interfaceInteractions"] = [
        custom_fields(d, f"interfaceInteractions[{i}]")
        for i, d in enumerate(listed(draft, "interfaceInteractions"))]
    if draft.get("custom") is not None:
        payment["custom"] = custom_fields(draft["custom"])
    return payment


def _interface_pair(payment: dict) -> tuple[str, str] | None:
    interface = payment["paymentMethodInfo"].get("paymentInterface")
    if "interfaceId" not in payment or interface is None:
        return None
    return interface, payment["interfaceId"]


def check_unchangeable(before: dict, after: dict) -> None:
    """`interfaceId` and `paymentMethodInfo.paymentInterface` cannot change once set."""
    for label, old, new in (
            ("interfaceId", before.get("interfaceId"), after.get("interfaceId")),
            ("paymentMethodInfo.paymentInterface",
             before["paymentMethodInfo"].get("paymentInterface"),
             after["paymentMethodInfo"].get("paymentInterface"))):
        if old is not None and new != old:
            raise invalid_operation(f"The payment's {label} is set and cannot be changed.")


def commit(store: EmulatorStore, before: dict | None, after: dict) -> None:
    """Store a new or updated payment and its indexes (the caller holds the lock).

    Keys are unique, and so is the combination of `paymentInterface` and `interfaceId`;
    so is each transaction's `interfaceId` within its payment.
    """
    seen: set[str] = set()
    for index, candidate in enumerate(after["transactions"]):
        interface_id = candidate.get("interfaceId")
        if interface_id in seen:
            raise duplicate_field(f"transactions[{index}].interfaceId", interface_id)
        if interface_id is not None:
            seen.add(interface_id)
    new_key, pair = after.get("key"), _interface_pair(after)
    if new_key is not None and store.payment_keys.get(new_key, after["id"]) != after["id"]:
        raise duplicate_field("key", new_key)
    if pair is not None and store.payment_interface_ids.get(pair, after["id"]) != after["id"]:
        raise duplicate_field("interfaceId", pair[1])
    if before is not None:
        store.payment_keys.pop(before.get("key"), None)
        store.payment_interface_ids.pop(_interface_pair(before), None)
    if new_key is not None:
        store.payment_keys[new_key] = after["id"]
    if pair is not None:
        store.payment_interface_ids[pair] = after["id"]
    store.payments[after["id"]] = after


def forget(store: EmulatorStore, payment: dict) -> None:
    """Remove a payment and its index entries (the caller holds the lock)."""
    del store.payments[payment["id"]]
    store.payment_keys.pop(payment.get("key"), None)
    store.payment_interface_ids.pop(_interface_pair(payment), None)
