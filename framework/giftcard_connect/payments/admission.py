"""What a redeem checks before it writes anything, and the refusals it answers."""

from __future__ import annotations

import logging

from ..auth.session import CheckoutSession
from ..errors import ApiError
from ..journal import cart_total
from ..models import Money
from ..runtime import Runtime
from .cart import CartPayments, abandoned, read_cart
from .recording import resolve_pending_charge

log = logging.getLogger(__name__)


class AmountExceedsRemaining(ApiError):
    def __init__(self, remaining: Money):
        super().__init__(
            400,
            "InvalidOperation",
            f"The redeem amount exceeds the amount still to pay on the cart "
            f"({remaining.cent_amount} {remaining.currency_code} in minor units).",
        )


class EarlierRedeemPending(ApiError):
    """An earlier redeem on this cart is still being cancelled; the amount may fit after."""

    def __init__(self):
        super().__init__(
            409,
            "EarlierRedeemPending",
            "An earlier gift card payment on this cart is still being cancelled, because "
            "the provider has not confirmed it yet; try again in a moment.",
            headers={"Retry-After": "5"},
        )


class TooManyFailedAttempts(ApiError):
    def __init__(self, limit: int):
        super().__init__(
            429,
            "TooManyFailedAttempts",
            f"{limit} gift card payments failed on this cart; no more gift cards can be "
            "tried on it. Please pay another way.",
        )


def check_request(runtime: Runtime, session: CheckoutSession, cart: dict, amount: Money) -> None:
    """The session's interface, the currency, the amount and the cart's state."""
    _check_interface(runtime, session)
    _check_amount(runtime, cart, amount)


def admit(runtime: Runtime, state: CartPayments, amount: Money) -> CartPayments:
    """Refuse a cart with too many failed gift card attempts, void what earlier redeems
    abandoned, and refuse an amount that does not fit; the cart as it is then."""
    limit = runtime.settings.max_failed_attempts_per_cart
    if state.failed_attempts(runtime.settings.payment_interface) >= limit:
        raise TooManyFailedAttempts(limit)
    state = _void_abandoned(runtime, state)
    _check_room(runtime, state, amount)
    return state


def _check_amount(runtime: Runtime, cart: dict, amount: Money) -> None:
    currency = cart_total(cart).currency_code
    if amount.currency_code != currency or currency != runtime.settings.currency:
        raise ApiError(
            400,
            "InvalidField",
            f"redeemAmount.currencyCode must be the cart's and connector's currency "
            f"({runtime.settings.currency}).",
            field="redeemAmount.currencyCode",
        )
    if amount.cent_amount <= 0:
        raise ApiError(
            400,
            "InvalidField",
            "redeemAmount.centAmount must be greater than 0.",
            field="redeemAmount.centAmount",
        )
    if cart.get("cartState", "Active") != "Active":
        raise ApiError(400, "InvalidOperation", "The cart is not active any more.")


def _check_interface(runtime: Runtime, session: CheckoutSession) -> None:
    """Payments of another interface would escape reconcile and the operations API."""
    expected = runtime.settings.payment_interface
    if session.payment_interface not in (None, expected):
        raise ApiError(
            400,
            "InvalidOperation",
            f"The session's payment interface is not this connector's ({expected}); "
            "set GIFTCARD_PAYMENT_INTERFACE to the one Checkout uses.",
        )


def _void_abandoned(runtime: Runtime, state: CartPayments) -> CartPayments:
    """Void the cart's gift card charges that earlier redeems left Pending and gave up on,
    so that a shopper's retry is not blocked by a charge that did not happen."""
    interface = runtime.settings.payment_interface
    stale_after = runtime.settings.abandoned_charge_after
    left_behind = [
        (payment, charge)
        for payment, charge in state.pending_charges(interface)
        if abandoned(payment, charge, stale_after)
    ]
    for payment, charge in left_behind:
        outcome = resolve_pending_charge(runtime, payment["id"], charge)
        log.info("redeem: earlier charge %s of payment %s: %s", charge["id"], payment["id"], outcome)
    if not left_behind:
        return state
    return read_cart(runtime, state.cart["id"])


def _check_room(runtime: Runtime, state: CartPayments, amount: Money) -> None:
    """The amount must fit in what the cart still has to pay, counting Pending charges as
    paid; when only an earlier, abandoned charge stands in the way, say so."""
    remaining = state.still_to_pay
    if amount.cent_amount <= remaining.cent_amount:
        return
    stale_after = runtime.settings.abandoned_charge_after
    being_cancelled = sum(
        charge["amount"]["centAmount"]
        for payment, charge in state.pending_charges(runtime.settings.payment_interface)
        if abandoned(payment, charge, stale_after)
    )
    if amount.cent_amount <= remaining.cent_amount + being_cancelled:
        raise EarlierRedeemPending()
    raise AmountExceedsRemaining(remaining)
