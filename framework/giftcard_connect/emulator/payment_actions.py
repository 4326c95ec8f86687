"""Every update action of the commercetools Payment API, on a working copy of the payment.

Actions mutate a copy; the caller stores it only when every action succeeded, which makes
one update atomic. An action with a field it does not define is refused, as is an action
the API does not have.
"""

from __future__ import annotations

from collections.abc import Callable

from .custom import custom_fields, set_custom_field, set_custom_type
from .errors import invalid_field, invalid_input, invalid_operation, required_field
from .payment_model import TRANSITIONS, method_info, state, token, transaction
from .store import EmulatorStore
from .wire import key, keyed_reference, localized, money, only, text, timestamp

Handler = Callable[[EmulatorStore, dict, dict], None]
ACTIONS: dict[str, tuple[Handler, tuple[str, ...]]] = {}


def action(name: str, *fields: str) -> Callable[[Handler], Handler]:
    """Register an update action and the fields it takes (besides `action`)."""

    def register(handler: Handler) -> Handler:
        ACTIONS[name] = (handler, fields)
        return handler

    return register


def _setter(name: str, container: str | None, target: str, source: str,
            check: Callable[[object, str], object], required: bool = False) -> None:
    """An action that sets a field, or removes it when the value is absent (unless required)."""

    def apply(store: EmulatorStore, payment: dict, act: dict) -> None:
        holder = payment if container is None else payment[container]
        value = act.get(source)
        if value is None:
            if required:
                raise required_field(source)
            holder.pop(target, None)
        else:
            holder[target] = check(value, source)

    action(name, source)(apply)


_setter("setInterfaceId", None, "interfaceId", "interfaceId", text, required=True)
_setter("setAnonymousId", None, "anonymousId", "anonymousId", text)
_setter("setCustomer", None, "customer", "customer",
        lambda value, field: keyed_reference(value, "customer", field))
_setter("setMethodInfoInterface", "paymentMethodInfo", "paymentInterface", "interface", text,
        required=True)
_setter("setMethodInfoMethod", "paymentMethodInfo", "method", "method", text)
_setter("setMethodInfoName", "paymentMethodInfo", "name", "name", localized)
_setter("setMethodInfoToken", "paymentMethodInfo", "token", "token", token)
_setter("setMethodInfoInterfaceAccount", "paymentMethodInfo", "interfaceAccount",
        "interfaceAccount", text)
_setter("setStatusInterfaceCode", "paymentStatus", "interfaceCode", "interfaceCode", text)
_setter("setStatusInterfaceText", "paymentStatus", "interfaceText", "interfaceText", text,
        required=True)


@action("setKey", "key")
def _set_key(store: EmulatorStore, payment: dict, act: dict) -> None:
    if act.get("key") is None:
        payment.pop("key", None)
    else:
        payment["key"] = key(act["key"])


@action("changeAmountPlanned", "amount")
def _change_amount(store: EmulatorStore, payment: dict, act: dict) -> None:
    payment["amountPlanned"] = money(act.get("amount"), "amount")


@action("setMethodInfo", "paymentInterface", "method", "name", "token", "interfaceAccount",
        "custom")
def _set_method_info(store: EmulatorStore, payment: dict, act: dict) -> None:
    """Sets the fields given (null removes one); Custom Fields not given are removed."""
    given = {name: value for name, value in act.items() if name != "action"}
    checked = method_info({name: value for name, value in given.items() if value is not None})
    info = payment["paymentMethodInfo"]
    for name in ("paymentInterface", "method", "name", "token", "interfaceAccount"):
        if name in checked:
            info[name] = checked[name]
        elif name in given:
            info.pop(name, None)
    if "custom" in checked:
        info["custom"] = checked["custom"]
    else:
        info.pop("custom", None)


@action("setCustomType", "type", "fields")
def _set_custom_type(store: EmulatorStore, payment: dict, act: dict) -> None:
    set_custom_type(payment, act)


@action("setCustomField", "name", "value")
def _set_custom_field(store: EmulatorStore, payment: dict, act: dict) -> None:
    set_custom_field(payment, act, "payment")


@action("setMethodInfoCustomType", "type", "fields")
def _set_method_info_custom_type(store: EmulatorStore, payment: dict, act: dict) -> None:
    set_custom_type(payment["paymentMethodInfo"], act)


@action("setMethodInfoCustomField", "name", "value")
def _set_method_info_custom_field(store: EmulatorStore, payment: dict, act: dict) -> None:
    set_custom_field(payment["paymentMethodInfo"], act, "payment method info")


@action("addInterfaceInteraction", "type", "fields")
def _add_interface_interaction(store: EmulatorStore, payment: dict, act: dict) -> None:
    draft = {"type": act.get("type"), "fields": act.get("fields")}
    payment["interfaceInteractions"].append(custom_fields(draft, "interfaceInteraction"))


@action("transitionState", "state", "force")
def _transition_state(store: EmulatorStore, payment: dict, act: dict) -> None:
    """The emulator keeps no State resources: any State is accepted, `force` or not."""
    if act.get("force") is not None and not isinstance(act["force"], bool):
        raise invalid_field("force", act["force"])
    payment["paymentStatus"]["state"] = keyed_reference(act.get("state"), "state", "state")


@action("addTransaction", "transaction")
def _add_transaction(store: EmulatorStore, payment: dict, act: dict) -> None:
    if act.get("transaction") is None:
        raise required_field("transaction")
    payment["transactions"].append(transaction(act["transaction"], "transaction",
                                               now=store.now()))


def _transaction_of(payment: dict, act: dict) -> dict:
    wanted = text(act.get("transactionId"), "transactionId", required=True)
    for candidate in payment["transactions"]:
        if candidate["id"] == wanted:
            return candidate
    raise invalid_input(f"The payment has no transaction with id '{wanted}'.")


@action("changeTransactionState", "transactionId", "state")
def _change_state(store: EmulatorStore, payment: dict, act: dict) -> None:
    target = _transaction_of(payment, act)
    new = state(act.get("state"), "state")
    if new == target["state"]:
        raise invalid_operation(f"Transaction '{target['id']}' is already in state '{new}'.")
    if new not in TRANSITIONS.get(target["state"], set()):
        raise invalid_operation(
            f"Transaction '{target['id']}' cannot change state from '{target['state']}' "
            f"to '{new}'. Allowed transitions: Initial → Pending|Success|Failure, "
            f"Pending → Success|Failure.")
    target["state"] = new


@action("changeTransactionInteractionId", "transactionId", "interactionId")
def _change_interaction_id(store: EmulatorStore, payment: dict, act: dict) -> None:
    target = _transaction_of(payment, act)
    target["interactionId"] = text(act.get("interactionId"), "interactionId", required=True)


@action("changeTransactionTimestamp", "transactionId", "timestamp")
def _change_timestamp(store: EmulatorStore, payment: dict, act: dict) -> None:
    target = _transaction_of(payment, act)
    if act.get("timestamp") is None:
        raise required_field("timestamp")
    target["timestamp"] = timestamp(act["timestamp"], "timestamp")


@action("setTransactionInterfaceId", "transactionId", "interfaceId")
def _set_transaction_interface_id(store: EmulatorStore, payment: dict, act: dict) -> None:
    target = _transaction_of(payment, act)
    if act.get("interfaceId") is None:
        target.pop("interfaceId", None)
    else:
        target["interfaceId"] = text(act["interfaceId"], "interfaceId")


@action("setTransactionCustomType", "transactionId", "type", "fields")
def _set_transaction_custom_type(store: EmulatorStore, payment: dict, act: dict) -> None:
    set_custom_type(_transaction_of(payment, act), act)


@action("setTransactionCustomField", "transactionId", "name", "value")
def _set_transaction_custom_field(store: EmulatorStore, payment: dict, act: dict) -> None:
    set_custom_field(_transaction_of(payment, act), act, "transaction")


def apply_actions(store: EmulatorStore, payment: dict, actions: list[dict]) -> None:
    """Apply update actions to a working copy (the caller holds the lock)."""
    for index, act in enumerate(actions):
        name = act["action"]
        if name not in ACTIONS:
            raise invalid_input(f"Unknown update action '{name}' for a payment.")
        handler, fields = ACTIONS[name]
        only(act, ("action", *fields), f"'{name}' update action", f"actions[{index}].")
        handler(store, payment, act)
