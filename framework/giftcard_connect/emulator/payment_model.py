"""Payment drafts and update actions, validated the way commercetools validates them.

Actions mutate a working copy; the caller commits it only when every action succeeded,
which makes one update atomic.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from .errors import duplicate_field, invalid_field, invalid_input, invalid_operation
from .store import EmulatorStore
from .wire import money, optional_str, reference

TRANSACTION_TYPES = ["Authorization", "CancelAuthorization", "Charge", "Refund", "Chargeback"]
TRANSACTION_STATES = ["Initial", "Pending", "Success", "Failure"]
TRANSITIONS = {"Initial": {"Pending", "Success", "Failure"}, "Pending": {"Success", "Failure"}}


def _string(value: object, field: str, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise invalid_field(field, value)
    return value


def _state(value: object, field: str) -> str:
    if value not in TRANSACTION_STATES:
        raise invalid_field(field, value, TRANSACTION_STATES)
    return value


def transaction(
    store: EmulatorStore, draft: object, field: str = "transaction", *, now: str | None = None
) -> dict:
    if not isinstance(draft, dict):
        raise invalid_field(field, draft)
    if draft.get("type") not in TRANSACTION_TYPES:
        raise invalid_field(f"{field}.type", draft.get("type"), TRANSACTION_TYPES)
    result = {"id": str(uuid.uuid4()), "type": draft["type"],
              "amount": money(draft.get("amount"), f"{field}.amount"),
              "state": _state(draft.get("state", "Initial"), f"{field}.state"),
              "timestamp": _string(draft.get("timestamp"), f"{field}.timestamp") or now or store.now()}
    interaction = _string(draft.get("interactionId"), f"{field}.interactionId")
    if interaction is not None:
        result["interactionId"] = interaction
    return result


def _method_info(value: object) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_field("paymentMethodInfo", value)
    info = {}
    for name in ("paymentInterface", "method"):
        if value.get(name) is not None:
            info[name] = _string(value[name], f"paymentMethodInfo.{name}")
    if value.get("name") is not None:
        info["name"] = _localized(value["name"], "paymentMethodInfo.name")
    return info


def _localized(value: object, field: str) -> dict:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise invalid_field(field, value)
    return value


def _claim_key(store: EmulatorStore, key: str | None, payment_id: str) -> None:
    """DuplicateField unless `key` is free or already this payment's (caller holds the lock)."""
    if key is not None and store.payment_keys.get(key, payment_id) != payment_id:
        raise duplicate_field("key", key)


def build_payment(store: EmulatorStore, draft: dict) -> dict:
    """A new payment from a PaymentDraft; the caller holds the lock and indexes the key."""
    payment = store.new_resource()
    key = optional_str(draft, "key")
    _claim_key(store, key, payment["id"])
    if key is not None:
        payment["key"] = key
    payment["amountPlanned"] = money(draft.get("amountPlanned"), "amountPlanned")
    payment["paymentMethodInfo"] = _method_info(draft.get("paymentMethodInfo"))
    for field in ("interfaceId", "anonymousId"):
        if optional_str(draft, field) is not None:
            payment[field] = draft[field]
    if draft.get("customer") is not None:
        payment["customer"] = reference(draft["customer"], "customer", "customer")
    drafts = draft.get("transactions", [])
    if not isinstance(drafts, list):
        raise invalid_field("transactions", drafts)
    payment["transactions"] = [
        transaction(store, d, f"transactions[{i}]", now=payment["createdAt"])
        for i, d in enumerate(drafts)
    ]
    payment["paymentStatus"] = {}
    payment["interfaceInteractions"] = []
    return payment


def _transaction_of(payment: dict, action: dict) -> dict:
    wanted = action.get("transactionId")
    for candidate in payment["transactions"]:
        if candidate["id"] == wanted:
            return candidate
    raise invalid_input(f"The payment has no transaction with id '{wanted}'.")


def _change_state(store: EmulatorStore, payment: dict, action: dict) -> None:
    target = _transaction_of(payment, action)
    state = _state(action.get("state"), "state")
    if state == target["state"]:
        raise invalid_operation(f"Transaction '{target['id']}' is already in state '{state}'.")
    if state not in TRANSITIONS.get(target["state"], set()):
        raise invalid_operation(
            f"Transaction '{target['id']}' cannot change state from '{target['state']}' "
            f"to '{state}'. Allowed transitions: Initial → Pending|Success|Failure, "
            f"Pending → Success|Failure.")
    target["state"] = state


def _set_optional(field: str, action_field: str, check: Callable) -> Callable:
    """An action that sets (or, when the value is absent, removes) a top-level field."""

    def apply(store: EmulatorStore, payment: dict, action: dict) -> None:
        value = action.get(action_field)
        if value is None:
            payment.pop(field, None)
        else:
            payment[field] = check(value, action_field)

    return apply


def _set_in(container: str, field: str, action_field: str, check: Callable) -> Callable:
    """An action that sets (or removes) a field of ``paymentMethodInfo`` or ``paymentStatus``."""

    def apply(store: EmulatorStore, payment: dict, action: dict) -> None:
        value = action.get(action_field)
        if value is None:
            payment[container].pop(field, None)
        else:
            payment[container][field] = check(value, action_field)

    return apply


def _set_key(store: EmulatorStore, payment: dict, action: dict) -> None:
    key = _string(action.get("key"), "key")
    _claim_key(store, key, payment["id"])
    if key is None:
        payment.pop("key", None)
    else:
        payment["key"] = key


def _change_transaction(field: str) -> Callable:
    def apply(store: EmulatorStore, payment: dict, action: dict) -> None:
        _transaction_of(payment, action)[field] = _string(action.get(field), field, required=True)

    return apply


def _interface_interaction(store: EmulatorStore, payment: dict, action: dict) -> None:
    fields = action.get("fields", {})
    if not isinstance(fields, dict):
        raise invalid_field("fields", fields)
    payment["interfaceInteractions"].append(
        {"type": reference(action.get("type"), "type", "type"), "fields": fields})


ACTIONS: dict[str, Callable[[EmulatorStore, dict, dict], None]] = {
    "addTransaction": lambda store, payment, action: payment["transactions"].append(
        transaction(store, action.get("transaction"))),
    "changeTransactionState": _change_state,
    "changeTransactionInteractionId": _change_transaction("interactionId"),
    "changeTransactionTimestamp": _change_transaction("timestamp"),
    "setInterfaceId": _set_optional("interfaceId", "interfaceId", _string),
    "setKey": _set_key,
    "setMethodInfoName": _set_in("paymentMethodInfo", "name", "name", _localized),
    "setMethodInfoInterface": _set_in("paymentMethodInfo", "paymentInterface", "interface", _string),
    "setMethodInfoMethod": _set_in("paymentMethodInfo", "method", "method", _string),
    "setStatusInterfaceCode": _set_in("paymentStatus", "interfaceCode", "interfaceCode", _string),
    "setStatusInterfaceText": _set_in("paymentStatus", "interfaceText", "interfaceText", _string),
    "changeAmountPlanned": lambda store, payment, action: payment.update(
        amountPlanned=money(action.get("amount"), "amount")),
    "setCustomer": _set_optional(
        "customer", "customer", lambda value, field: reference(value, "customer", field)),
    "setAnonymousId": _set_optional("anonymousId", "anonymousId", _string),
    "addInterfaceInteraction": _interface_interaction,
}


def apply_actions(store: EmulatorStore, payment: dict, actions: list[dict]) -> None:
    """Apply update actions to a working copy (the caller holds the lock)."""
    for action in actions:
        handler = ACTIONS.get(action["action"])
        if handler is None:
            raise invalid_input(f"Unknown update action '{action['action']}' for a payment.")
        handler(store, payment, action)
