"""Redeem: charge a gift card for a Checkout cart, exactly once.

The commercetools Payment is the write-ahead journal. A charge is recorded as Pending
*before* the provider is called, with the framework's ``reference`` as its interactionId;
the provider is called with that reference as its idempotency key. Every path then ends
in a final state, or leaves the Pending charge for ``reconcile``: money is never taken
without a transaction that says so.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from ..auth.session import CheckoutSession
from ..commercetools import CommercetoolsError
from ..errors import GIFT_CARD_STATES, ApiError, GiftCardError, ProviderUnavailable
from ..journal import (
    METHOD,
    cart_payment_ids,
    charge_of,
    is_voiding,
    payment_key,
    timestamp,
    transaction_by_id,
)
from ..models import GiftCard, Money, Redemption
from ..runtime import Runtime
from .admission import AmountExceedsRemaining, EarlierRedeemPending, admit, check_request
from .cart import EXPAND_PAYMENTS, CartPayments, abandoned, read_cart
from .recording import (
    finalize,
    mark_voiding,
    record_safely,
    resolve_pending_charge,
    settle_void,
    update_payment,
)

log = logging.getLogger(__name__)

UNKNOWN_OUTCOME = GiftCardError(
    "GenericError",
    "OutcomeUnknown",
    "The gift card provider did not confirm the payment. It is being cancelled; "
    "if the card was charged, the amount goes back to it.",
)
VOIDED = GiftCardError(
    "GenericError",
    "ProviderUnavailable",
    "The gift card provider did not answer in time; nothing was charged. Please try again.",
)


@dataclass(frozen=True)
class RedeemOutcome:
    """What ``POST /redeem`` answers: Success, or Failure with the reason to show."""

    payment_id: str
    redemption_id: str | None = None
    decline: GiftCardError | None = None

    @property
    def is_success(self) -> bool:
        return self.decline is None


# A cart change between reading the cart and adding the payment is re-checked this often:
# one concurrent redeem of the same cart wins each round.
ATTACH_ATTEMPTS = 20


def redeem(
    runtime: Runtime,
    session: CheckoutSession,
    card: GiftCard,
    amount: Money,
    idempotency_key: str | None,
) -> RedeemOutcome:
    """Charge ``amount`` to ``card`` for the session's cart, exactly once per idempotency key.

    Raises ApiError before any side effect when the amount or currency is wrong or the
    cart cannot take it, and for a repeated key whose first redeem is still Pending.
    Remote calls in sequence: the cart with its payments, the Pending payment, the
    provider and the cart update at once, the final payment update.
    """
    ct = runtime.commercetools
    state = read_cart(runtime, session.cart_id)
    check_request(runtime, session, state.cart, amount)
    key = payment_key(state.cart["id"], idempotency_key or str(uuid.uuid4()))
    if idempotency_key and (existing := state.by_key(key)) is not None:
        return _replay(runtime, existing, amount)
    try:
        state = admit(runtime, state, amount)
    except ApiError:
        # A repeated key whose payment never reached the cart still gets its first answer.
        existing = ct.get_payment_by_key(key) if idempotency_key else None
        if existing is None:
            raise
        return _replay(runtime, existing, amount)

    reference = str(uuid.uuid4())
    draft = _payment_draft(runtime, state.cart, card, amount, key, reference)
    try:
        payment = ct.create_payment(draft)
    except CommercetoolsError as exc:
        if not exc.has_code("DuplicateField"):
            raise
        payment = ct.get_payment_by_key(key)
        if payment is None or charge_of(payment).get("interactionId") != reference:
            return _replay(runtime, payment, amount)  # another request with this key made it
        # Our own create: applied, though its answer was lost. Carry on with it.
    charge_id = charge_of(payment)["id"]
    # The cart and the provider are asked at once. Adding the payment to the cart is what
    # serialises concurrent redeems of the cart; if it refuses, the charge is undone.
    attaching = runtime.in_parallel(
        lambda: _attach_to_cart(runtime, state.cart, payment["id"], amount)
    )
    answer = _ask_provider(runtime, card, amount, reference)
    try:
        attaching.result()
    except (ApiError, CommercetoolsError) as refusal:
        return _undo_unattached(runtime, payment["id"], charge_id, reference, answer, refusal)
    return _settle(runtime, payment, charge_id, amount, reference, answer)


def _payment_draft(runtime, cart, card, amount, key, reference) -> dict[str, Any]:
    draft: dict[str, Any] = {
        "key": key,
        "amountPlanned": amount.to_dict(),
        "paymentMethodInfo": {
            "paymentInterface": runtime.settings.payment_interface,
            "method": METHOD,
            "name": {"en": f"Gift card {card.masked}"},
        },
        "transactions": [
            {
                "type": "Charge",
                "amount": amount.to_dict(),
                "state": "Pending",
                "interactionId": reference,
                "timestamp": timestamp(),
            }
        ],
    }
    if cart.get("customerId"):
        draft["customer"] = {"typeId": "customer", "id": cart["customerId"]}
    elif cart.get("anonymousId"):
        draft["anonymousId"] = cart["anonymousId"]
    return draft


def _attach_to_cart(runtime: Runtime, cart: dict, payment_id: str, amount: Money) -> None:
    """Add the payment to the cart; on 409 re-check the amount against the fresh cart.

    The cart version serialises concurrent redeems of one cart: whoever attaches second
    sees the first payment and cannot over-pay the cart.
    """

    def build(current: dict):
        if payment_id in cart_payment_ids(current):
            return None
        if current["version"] != cart["version"]:
            remaining = CartPayments.expanded(current).still_to_pay
            if amount.cent_amount > remaining.cent_amount:
                raise AmountExceedsRemaining(remaining)
        return [{"action": "addPayment", "payment": {"typeId": "payment", "id": payment_id}}]

    runtime.commercetools.update_cart_on_conflict(
        cart["id"], build, cart=cart, attempts=ATTACH_ATTEMPTS, expand=EXPAND_PAYMENTS
    )


def _replay(runtime: Runtime, payment: dict, amount: Money) -> RedeemOutcome:
    """The first outcome of a repeated Idempotency-Key.

    A first redeem that gave up with its charge Pending is voided now, so that the key
    gets a final answer instead of "in progress" until reconcile runs.
    """
    planned = payment["amountPlanned"]
    if (planned["centAmount"], planned["currencyCode"]) != (amount.cent_amount, amount.currency_code):
        raise ApiError(
            400, "InvalidOperation", "This Idempotency-Key was already used for another amount."
        )
    charge = charge_of(payment)
    if charge["state"] == "Pending" and abandoned(
        payment, charge, runtime.settings.abandoned_charge_after
    ):
        resolve_pending_charge(runtime, payment["id"], charge)
        payment = runtime.commercetools.get_payment(payment["id"])
        charge = charge_of(payment)
        if charge["state"] == "Pending":
            raise EarlierRedeemPending()
    if charge["state"] == "Success":
        return RedeemOutcome(payment["id"], redemption_id=payment.get("interfaceId"))
    if charge["state"] == "Failure":
        return RedeemOutcome(payment["id"], decline=_recorded_decline(payment))
    raise ApiError(
        409,
        "RedeemInProgress",
        "A redeem with this Idempotency-Key is still in progress; ask again shortly.",
        headers={"Retry-After": "1"},
    )


def _recorded_decline(payment: dict) -> GiftCardError:
    """The reason a Failure charge was recorded with; the charge is final either way."""
    status = payment.get("paymentStatus") or {}
    state = status.get("interfaceCode")
    if state not in GIFT_CARD_STATES or state == "Valid":
        return GiftCardError("GenericError", "GenericError", "The gift card payment failed.")
    return GiftCardError(state, state, status.get("interfaceText"))


def _ask_provider(runtime, card, amount, reference) -> Redemption | GiftCardError | ProviderUnavailable:
    """The provider's answer to the redeem, a decline and an unknown outcome included."""
    try:
        return runtime.provider.redeem(card, amount, reference)
    except (GiftCardError, ProviderUnavailable) as answer:
        return answer


def _undo_unattached(runtime, payment_id, charge_id, reference, answer, refusal) -> RedeemOutcome:
    """The cart did not take the payment (it no longer fits, or commercetools failed) while
    the provider was asked: undo whatever the provider did, then answer the refusal."""
    if isinstance(answer, GiftCardError):
        record_safely(runtime, payment_id, finalize(charge_id, "Failure", answer.state, answer.message))
        raise refusal
    log.warning("redeem %s: the cart refused the payment (%r); voiding", reference, refusal)
    outcome = _void(runtime, payment_id, charge_id, reference)
    if outcome.decline is UNKNOWN_OUTCOME:
        return outcome  # the card may still be charged: say so, not "does not fit"
    raise refusal


def _settle(runtime, payment, charge_id, amount, reference, answer) -> RedeemOutcome:
    """Record what the provider answered, for a payment that is on the cart."""
    if isinstance(answer, GiftCardError):
        record_safely(
            runtime, payment["id"], finalize(charge_id, "Failure", answer.state, answer.message)
        )
        return RedeemOutcome(payment["id"], decline=answer)
    if isinstance(answer, ProviderUnavailable):
        log.warning("redeem %s: outcome unknown (%s); voiding", reference, answer.message)
        return _void(runtime, payment["id"], charge_id, reference)
    redemption = answer
    if redemption.amount != amount:
        log.error("redeem %s: provider charged %r, not %r; voiding", reference, redemption.amount, amount)
        return _void(runtime, payment["id"], charge_id, reference)

    success = finalize(charge_id, "Success", interface_id=redemption.redemption_id)

    def record_success(current: dict):
        return None if is_voiding(current) else success(current)

    try:
        recorded = update_payment(runtime, payment["id"], record_success, payment=payment)
    except CommercetoolsError as exc:
        log.error("redeem %s: recording the success failed (%r); compensating", reference, exc)
        return _compensate(runtime, payment["id"], charge_id, reference, redemption.redemption_id)
    if transaction_by_id(recorded, charge_id)["state"] == "Success":
        return RedeemOutcome(payment["id"], redemption_id=redemption.redemption_id)
    # Reconcile started voiding this charge while the provider was answering.
    log.warning("redeem %s: a void started meanwhile; voiding", reference)
    return _void(runtime, payment["id"], charge_id, reference)


def _compensate(runtime, payment_id, charge_id, reference, redemption_id) -> RedeemOutcome:
    """Recording a success failed. If it landed after all, keep it; else void."""
    try:
        current = runtime.commercetools.get_payment(payment_id)
    except CommercetoolsError:
        current = None
    if current is not None:
        charge = transaction_by_id(current, charge_id)
        if charge["state"] == "Success":
            runtime.provider.payment_recorded(current, charge)  # our update, answer lost
            return RedeemOutcome(payment_id, redemption_id=redemption_id)
    return _void(runtime, payment_id, charge_id, reference)


def _void(runtime, payment_id, charge_id, reference) -> RedeemOutcome:
    """Void by reference and record it. Unconfirmed, the charge stays Pending, marked
    Voiding: the next redeem on the cart (or reconcile) voids it again."""
    try:
        result = runtime.provider.void(reference)
    except (ProviderUnavailable, GiftCardError) as exc:
        why = exc.message if isinstance(exc, ProviderUnavailable) else f"refused ({exc.code})"
        log.error("void %s unconfirmed: %s; left Pending, marked Voiding", reference, why)
        record_safely(runtime, payment_id, mark_voiding(charge_id))
        return RedeemOutcome(payment_id, decline=UNKNOWN_OUTCOME)
    try:
        settle_void(runtime, payment_id, charge_id, result)
    except CommercetoolsError as exc:
        log.error("void %s confirmed but not recorded (%r); left for reconcile", reference, exc)
    return RedeemOutcome(payment_id, decline=VOIDED)
