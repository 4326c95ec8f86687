"""Recording outcomes in the journal: conditional, idempotent payment updates.

Every state change goes through ``update_payment``, which re-reads on 409 and rebuilds
its actions from the fresh payment, so a replayed or concurrent update never applies
twice, and observers hear once about each transaction this processor made final.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Callable

from ..commercetools import CommercetoolsError
from ..journal import FINAL_STATES, transaction_by_id
from ..models import VoidResult
from ..runtime import Runtime

log = logging.getLogger(__name__)

BuildActions = Callable[[dict], "list[dict] | None"]


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def finalize(
    charge_id: str,
    state: str,
    gift_card_state: str | None = None,
    text: str | None = None,
    interface_id: str | None = None,
) -> BuildActions:
    """Actions that move a Pending charge to ``state``; nothing once it is final."""

    def build(payment: dict):
        if transaction_by_id(payment, charge_id)["state"] != "Pending":
            return None
        actions = [{"action": "changeTransactionState", "transactionId": charge_id, "state": state}]
        if interface_id:
            actions.append({"action": "setInterfaceId", "interfaceId": interface_id})
        if gift_card_state:
            actions.append({"action": "setStatusInterfaceCode", "interfaceCode": gift_card_state})
        if text:
            actions.append({"action": "setStatusInterfaceText", "interfaceText": text})
        return actions

    return build


def settle_void(runtime: Runtime, payment_id: str, charge_id: str, result: VoidResult) -> dict:
    """Record a confirmed void.

    A Pending charge becomes Failure. A charge that meanwhile became Success (its success
    was recorded after all) gets a Success Refund of what the provider gave back, so that
    the journal still says where the money is.
    """
    voided = result.amount if result.voided and result.amount else None
    fail_charge = finalize(
        charge_id, "Failure", "GenericError", "Voided: the provider did not confirm the redeem."
    )

    def build(payment: dict):
        charge = transaction_by_id(payment, charge_id)
        if charge["state"] == "Pending":
            return fail_charge(payment)
        interaction = f"{charge['interactionId']}:void"
        recorded = any(t.get("interactionId") == interaction for t in payment["transactions"])
        if charge["state"] != "Success" or not voided or voided.cent_amount <= 0 or recorded:
            return None
        refund = {"type": "Refund", "amount": voided.to_dict(), "state": "Success",
                  "interactionId": interaction, "timestamp": now_iso()}
        return [{"action": "addTransaction", "transaction": refund}]

    return update_payment(runtime, payment_id, build)


def record_safely(runtime: Runtime, payment_id: str, build: BuildActions) -> None:
    """Record a final state where no money moved; if commercetools fails, reconcile will."""
    try:
        update_payment(runtime, payment_id, build)
    except CommercetoolsError as exc:
        log.error("payment %s: final state not recorded (%r); left for reconcile", payment_id, exc)


def update_payment(runtime: Runtime, payment_id: str, build: BuildActions, payment=None) -> dict:
    """Apply ``build`` (idempotently, through 409s) and tell observers what became final."""
    applied: dict[str, dict | None] = {}

    def tracked(current: dict):
        actions = build(current)
        applied["before"] = current if actions else None
        return actions

    updated = runtime.commercetools.update_payment_on_conflict(payment_id, tracked, payment=payment)
    before = applied.get("before")
    if before is not None:
        previous = {t["id"]: t["state"] for t in before["transactions"]}
        for transaction in updated["transactions"]:
            if transaction["state"] in FINAL_STATES and previous.get(transaction["id"]) != transaction["state"]:
                runtime.provider.payment_recorded(updated, transaction)
    return updated
