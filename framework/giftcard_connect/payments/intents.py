"""Operations on an existing gift card payment: refund, reverse, cancel, capture.

Checkout calls these server-to-server. Each one is safe to repeat: a refund or reverse is
recorded as a Pending ``Refund`` transaction whose interactionId is the reference sent to
``giftcard_cancel``, so a repeated request finds it instead of giving money back twice.
A provider answer that is not a confirmed success is never recorded as Success.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass

from ..commercetools import CommercetoolsError
from ..errors import ApiError, GiftCardError, ProviderUnavailable
from ..journal import (
    METHOD,
    charge_of,
    refundable,
    timestamp,
    transaction_by_id,
    transaction_by_interaction,
    void_reference,
    void_settlement_reference,
)
from ..models import Money
from ..runtime import Runtime
from .recording import (
    finalize,
    record_safely,
    settle_void,
    update_payment,
    void_pending_charge,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntentOutcome:
    """``approved`` (done), ``rejected`` (not done, with why) or ``received`` (done later)."""

    outcome: str
    message: str | None = None

    def to_dict(self) -> dict:
        return {"outcome": self.outcome, **({"message": self.message} if self.message else {})}


APPROVED = IntentOutcome("approved")
RECEIVED = IntentOutcome(
    "received", "The provider did not confirm yet; reconcile will finish the operation."
)


class Rejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.outcome = IntentOutcome("rejected", message)


def _reference(kind: str, *parts: str) -> str:
    return f"{kind}-" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def load_payment(runtime: Runtime, payment_id: str) -> dict:
    """The payment, if it is a gift card payment of this connector."""
    try:
        payment = runtime.commercetools.get_payment(payment_id)
    except CommercetoolsError as exc:
        if exc.status_code == 404:
            raise ApiError(
                404, "ResourceNotFound", f"The payment with ID '{payment_id}' was not found."
            ) from None
        raise
    info = payment.get("paymentMethodInfo") or {}
    if (info.get("method"), info.get("paymentInterface")) != (
        METHOD,
        runtime.settings.payment_interface,
    ):
        raise ApiError(
            400, "InvalidOperation", "The payment does not belong to this gift card connector."
        )
    return payment


def _final_outcome(payment: dict, transaction: dict) -> IntentOutcome:
    """The answer for a refund of ``payment``, also when it is asked for again.

    A void the provider settled for another amount than journaled (it also gave back a
    refund it never confirmed) leaves its journaled Refund in Failure beside the Refund
    that books what came back: that void is approved, since all there was came back.
    """
    charge = charge_of(payment)
    if transaction["state"] == "Failure" and transaction["interactionId"] == void_reference(charge):
        settled = transaction_by_interaction(payment, void_settlement_reference(charge))
        if settled is not None and settled["state"] == "Success":
            return APPROVED
    return _outcome_of(transaction)


def _outcome_of(transaction: dict) -> IntentOutcome:
    if transaction["state"] == "Success":
        return APPROVED
    if transaction["state"] == "Failure":
        return IntentOutcome("rejected", "The provider refused this operation.")
    return RECEIVED


def capture(runtime: Runtime, payment_id: str) -> IntentOutcome:
    load_payment(runtime, payment_id)
    return IntentOutcome(
        "rejected", "Gift card redemptions are charged immediately; there is nothing to capture."
    )


def refund(
    runtime: Runtime,
    payment_id: str,
    amount: Money,
    merchant_reference: str | None,
    transaction_id: str | None,
) -> IntentOutcome:
    """Give back ``amount`` (≤ charged − already refunded) of a successful charge."""
    payment = load_payment(runtime, payment_id)
    charge = charge_of(payment)
    if transaction_id and (charge is None or transaction_id != charge["id"]):
        raise ApiError(400, "InvalidField", "transactionId does not name this payment's charge.",
                       field="transactionId")
    if amount.currency_code != payment["amountPlanned"]["currencyCode"] or amount.cent_amount <= 0:
        raise ApiError(400, "InvalidField",
                       "amount must be positive and in the payment's currency.", field="amount")
    reference = _reference("refund", payment_id, merchant_reference) if merchant_reference else (
        f"refund-{uuid.uuid4().hex}"
    )
    return _refund(runtime, payment, reference, amount)


def reverse(runtime: Runtime, payment_id: str) -> IntentOutcome:
    """Undo the payment: cancel what remains of a Success charge, void a Pending one."""
    payment = load_payment(runtime, payment_id)
    charge = charge_of(payment)
    if charge is not None and charge["state"] == "Pending":
        return _void_pending(runtime, payment, charge)
    return _refund(runtime, payment, _reference("reverse", payment_id), None)


def cancel(runtime: Runtime, payment_id: str) -> IntentOutcome:
    """Void the redemption by its reference, where the provider allows it."""
    payment = load_payment(runtime, payment_id)
    charge = charge_of(payment)
    if charge is None or charge["state"] == "Failure":
        return IntentOutcome("rejected", "Nothing was charged on this payment.")
    if charge["state"] == "Pending":
        return _void_pending(runtime, payment, charge)
    # Journaled as a Pending Refund of what remains; complete_refund then voids.
    return _refund(runtime, payment, void_reference(charge), None)


def _void_pending(runtime: Runtime, payment: dict, charge: dict) -> IntentOutcome:
    """Void a Pending charge (marked first, see void_pending_charge)."""
    try:
        result = void_pending_charge(runtime, payment["id"], charge["id"], charge["interactionId"])
    except GiftCardError as refusal:
        return IntentOutcome("rejected", refusal.message)
    except ProviderUnavailable:
        return RECEIVED
    except CommercetoolsError as exc:
        log.error("payment %s: void not recorded (%r)", payment["id"], exc)
        return RECEIVED
    if result is None:
        return IntentOutcome("rejected", "The payment changed meanwhile; ask again.")
    return APPROVED


def _refund(runtime: Runtime, payment: dict, reference: str, amount: Money | None) -> IntentOutcome:
    """Record a Pending Refund (``amount`` None: all that remains), then cancel at the provider."""
    partial_ok = runtime.provider.info.supports_partial_cancel

    def build(current: dict):
        if transaction_by_interaction(current, reference):
            return None
        charge = charge_of(current)
        if charge is None or charge["state"] != "Success":
            raise Rejected("Nothing was charged on this payment.")
        charged = charge["amount"]["centAmount"]
        left = refundable(current)
        cents = left if amount is None else amount.cent_amount
        if left <= 0:
            raise Rejected("The payment was already refunded in full.")
        if cents > left:
            raise Rejected(f"At most {left} (minor units) can still be refunded.")
        if cents != charged and not partial_ok:
            raise Rejected("This gift card provider cannot cancel part of a redemption.")
        money = {"centAmount": cents, "currencyCode": charge["amount"]["currencyCode"]}
        transaction = {"type": "Refund", "amount": money, "state": "Pending",
                       "interactionId": reference, "timestamp": timestamp()}
        return [{"action": "addTransaction", "transaction": transaction}]

    try:
        payment = update_payment(runtime, payment["id"], build, payment=payment)
    except Rejected as rejected:
        return rejected.outcome
    transaction = transaction_by_interaction(payment, reference)
    if transaction["state"] != "Pending":
        return _final_outcome(payment, transaction)
    return complete_refund(runtime, payment, transaction)


def complete_refund(runtime: Runtime, payment: dict, transaction: dict) -> IntentOutcome:
    """Finish a Pending refund: ask the provider again (idempotent by its reference) and
    record the answer. A journaled void is voided again, any other refund cancelled."""
    if transaction["interactionId"] == void_reference(charge_of(payment)):
        return _complete_void(runtime, payment, transaction)
    amount = Money.from_dict(transaction["amount"])
    try:
        cancellation = runtime.provider.cancel(
            payment.get("interfaceId", ""), amount, transaction["interactionId"]
        )
    except GiftCardError as refusal:
        record_safely(runtime, payment["id"], finalize(transaction["id"], "Failure"))
        return IntentOutcome("rejected", refusal.message)
    except ProviderUnavailable:
        return RECEIVED
    if cancellation.amount != amount:
        log.error("refund %s: provider gave back %r, not %r; left Pending",
                  transaction["interactionId"], cancellation.amount, amount)
        return RECEIVED
    try:
        recorded = update_payment(runtime, payment["id"], finalize(transaction["id"], "Success"))
    except CommercetoolsError as exc:
        log.error("refund %s: done, not recorded (%r)", transaction["interactionId"], exc)
        return RECEIVED
    return _outcome_of(transaction_by_id(recorded, transaction["id"]))


def _complete_void(runtime: Runtime, payment: dict, transaction: dict) -> IntentOutcome:
    charge = charge_of(payment)
    try:
        result = runtime.provider.void(charge["interactionId"])
    except GiftCardError as refusal:
        record_safely(runtime, payment["id"], finalize(transaction["id"], "Failure"))
        return IntentOutcome("rejected", refusal.message)
    except ProviderUnavailable:
        return RECEIVED
    try:
        recorded = settle_void(runtime, payment["id"], charge["id"], result)
    except CommercetoolsError as exc:
        log.error("payment %s: void done, not recorded (%r)", payment["id"], exc)
        return RECEIVED
    return _final_outcome(recorded, transaction_by_id(recorded, transaction["id"]))
