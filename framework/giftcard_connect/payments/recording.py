"""Recording outcomes in the journal: conditional, idempotent payment updates.

Every state change goes through ``update_payment``, which re-reads on 409 and rebuilds
its actions from the fresh payment, so a replayed or concurrent update never applies
twice, and observers hear once about each transaction this processor made final.
"""

from __future__ import annotations

import logging
from typing import Callable

from ..commercetools import CommercetoolsError
from ..errors import GiftCardError, ProviderUnavailable
from ..journal import (
    FINAL_STATES,
    VOIDING,
    is_voiding,
    timestamp,
    transaction_by_id,
    transaction_by_interaction,
    void_reference,
    void_settlement_reference,
)
from ..models import VoidResult
from ..runtime import Runtime

log = logging.getLogger(__name__)

BuildActions = Callable[[dict], "list[dict] | None"]


def finalize(
    transaction_id: str,
    state: str,
    gift_card_state: str | None = None,
    text: str | None = None,
    interface_id: str | None = None,
) -> BuildActions:
    """Actions that move a Pending transaction to ``state``; nothing once it is final."""

    def build(payment: dict):
        if transaction_by_id(payment, transaction_id)["state"] != "Pending":
            return None
        actions = [{"action": "changeTransactionState", "transactionId": transaction_id, "state": state}]
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

    A Pending charge becomes Failure. For a Success charge the Refund journaled before the
    void (see intents.cancel) becomes Success when the provider gave back its amount,
    Failure when it gave back nothing; without one (the success was recorded after all,
    unknown to whoever voided), a Success Refund of what the provider gave back is added,
    so that the journal always says where the money is.
    """
    given_back = result.amount.cent_amount if result.voided and result.amount else 0
    fail_charge = finalize(
        charge_id, "Failure", "GenericError", "Voided: the provider did not confirm the redeem."
    )

    def refund(cents: int, interaction_id: str) -> dict:
        amount = {"centAmount": cents, "currencyCode": result.amount.currency_code}
        transaction = {"type": "Refund", "amount": amount, "state": "Success",
                       "interactionId": interaction_id, "timestamp": timestamp()}
        return {"action": "addTransaction", "transaction": transaction}

    def build(payment: dict):
        charge = transaction_by_id(payment, charge_id)
        if charge["state"] == "Pending":
            return fail_charge(payment)
        if charge["state"] != "Success":
            return None
        interaction = void_reference(charge)
        journaled = transaction_by_interaction(payment, interaction)
        if journaled is None:
            return [refund(given_back, interaction)] if given_back > 0 else None
        if journaled["state"] != "Pending":
            return None
        expected = journaled["amount"]["centAmount"]
        state = "Success" if given_back == expected else "Failure"
        actions = [{"action": "changeTransactionState", "transactionId": journaled["id"], "state": state}]
        if given_back not in (0, expected):  # a refund raced the void: book what came back
            actions.append(refund(given_back, void_settlement_reference(charge)))
        return actions

    return update_payment(runtime, payment_id, build)


def void_pending_charge(
    runtime: Runtime, payment_id: str, charge_id: str, reference: str
) -> VoidResult | None:
    """Void a Pending charge that this call did not start, and record the result.

    The charge is first marked Voiding, so that a redeem still waiting for the provider can
    no longer record it as Success; only then is the provider asked. Returns None when the
    charge is not Pending any more. Raises CommercetoolsError (nothing voided, or a
    confirmed void not yet recorded), ProviderUnavailable (unconfirmed) or GiftCardError
    (refused); in each case the charge stays Pending and marked, for reconcile.
    """

    marked = update_payment(runtime, payment_id, mark_voiding(charge_id))
    if transaction_by_id(marked, charge_id)["state"] != "Pending":
        return None
    result = runtime.provider.void(reference)
    settle_void(runtime, payment_id, charge_id, result)
    return result


def mark_voiding(charge_id: str) -> BuildActions:
    """Mark a Pending charge Voiding: from then on it may only end as a void."""

    def build(payment: dict):
        if transaction_by_id(payment, charge_id)["state"] != "Pending" or is_voiding(payment):
            return None
        return [{"action": "setStatusInterfaceCode", "interfaceCode": VOIDING}]

    return build


def resolve_pending_charge(runtime: Runtime, payment_id: str, charge: dict) -> str:
    """Void a Pending charge whose redeem is over, and record it; say what became of it.

    The outcome is ``voided``, ``nothing to void``, ``already final`` or
    ``unresolved: <why>`` (the charge stays Pending and marked Voiding).
    """
    reference = charge.get("interactionId")
    if not reference:
        return "unresolved: the transaction has no reference"
    try:
        result = void_pending_charge(runtime, payment_id, charge["id"], reference)
    except ProviderUnavailable as exc:
        log.warning("void %s unconfirmed: %s", reference, exc.message)
        return f"unresolved: {exc.message}"
    except GiftCardError as refusal:
        log.error("the provider refused to void %s: %s", reference, refusal.code)
        return f"unresolved: the provider refused the void ({refusal.code})"
    except CommercetoolsError as exc:
        log.warning("void %s not recorded: %r", reference, exc)
        return "unresolved: commercetools did not record the void"
    if result is None:
        return "already final"
    return "voided" if result.voided else "nothing to void"


def record_safely(runtime: Runtime, payment_id: str, build: BuildActions) -> None:
    """Record a final state where no money moved; if commercetools fails, reconcile will."""
    try:
        update_payment(runtime, payment_id, build)
    except CommercetoolsError as exc:
        log.error("payment %s: final state not recorded (%r); left for reconcile", payment_id, exc)


def update_payment(runtime: Runtime, payment_id: str, build: BuildActions, payment=None) -> dict:
    """Apply ``build`` (idempotently, through 409s) and tell observers what became final.

    Observers hear of each transaction this call made final, also when the answer to our
    update was lost and its replay found the change made; not of changes made meanwhile by
    someone else (another instance).
    """
    built_from: dict[str, dict | None] = {"applied": None, "lost": None}

    def tracked(current: dict):
        actions = build(current)
        built_from["applied"] = current if actions else None
        return actions

    def lost_answer(sent_from: dict) -> None:
        built_from["lost"] = sent_from

    updated = runtime.commercetools.update_payment_on_conflict(
        payment_id, tracked, payment=payment, on_lost_answer=lost_answer
    )
    before = built_from["applied"] or built_from["lost"]
    if before is not None:
        previous = {t["id"]: t["state"] for t in before["transactions"]}
        for transaction in updated["transactions"]:
            if transaction["state"] in FINAL_STATES and previous.get(transaction["id"]) != transaction["state"]:
                runtime.provider.payment_recorded(updated, transaction)
    return updated
