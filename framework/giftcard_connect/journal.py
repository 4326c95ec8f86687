"""Reading the journal: commercetools Payments and carts, as the money flow sees them.

Pure functions over commercetools JSON: what a cart still has to pay, which transaction
of a payment is the gift card charge, how an idempotency key becomes a payment key.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any, Iterable

from .models import Money

METHOD = "giftcard"
PAYING_TYPES = ("Charge", "Authorization")
UNDOING_TYPES = ("Refund", "CancelAuthorization")
FINAL_STATES = ("Success", "Failure")
# paymentStatus.interfaceCode of a Pending charge whose void has started: it may no
# longer become Success, whatever the provider answers to the redeem still in flight.
VOIDING = "Voiding"


def timestamp(moment: datetime | None = None) -> str:
    """A commercetools timestamp (UTC, milliseconds, ``Z``); now by default."""
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def payment_key(cart_id: str, idempotency_key: str) -> str:
    """A commercetools payment key for one redeem of one cart (``[A-Za-z0-9_-]``, ≤ 256)."""
    digest = hashlib.sha256(f"{cart_id}\n{idempotency_key}".encode()).hexdigest()
    return f"giftcard-{digest[:48]}"


def cart_total(cart: dict[str, Any]) -> Money:
    """Gross total: ``taxedPrice.totalGross``, else ``totalPrice``."""
    total = (cart.get("taxedPrice") or {}).get("totalGross") or cart["totalPrice"]
    return Money.from_dict(total)


def cart_payment_ids(cart: dict[str, Any]) -> list[str]:
    return [ref["id"] for ref in (cart.get("paymentInfo") or {}).get("payments", [])]


def net_paid(payment: dict[str, Any], currency: str) -> int:
    """What a payment has paid, net and conservatively, in minor units of ``currency``.

    Σ Charge/Authorization in Success or Pending (a Pending charge may still succeed)
    − Σ Refund/CancelAuthorization in Success (a Pending refund may still fail), never
    below zero. ``amountPlanned`` is not used: a partial refund lowers what was paid by
    its amount, it does not re-open the whole payment.
    """
    paid = given_back = 0
    for transaction in payment.get("transactions", []):
        amount = transaction["amount"]
        if amount["currencyCode"] != currency:
            continue
        if transaction["type"] in PAYING_TYPES and transaction["state"] in ("Success", "Pending"):
            paid += amount["centAmount"]
        elif transaction["type"] in UNDOING_TYPES and transaction["state"] == "Success":
            given_back += amount["centAmount"]
    return max(paid - given_back, 0)


def amount_paid(cart: dict[str, Any], payments: Iterable[dict[str, Any]]) -> Money:
    """What every payment of the cart has paid together (see ``net_paid``)."""
    currency = cart_total(cart).currency_code
    return Money(sum(net_paid(p, currency) for p in payments), currency)


def amount_still_to_pay(cart: dict[str, Any], payments: Iterable[dict[str, Any]]) -> Money:
    """The cart's gross total minus what its payments paid, never negative."""
    total = cart_total(cart)
    paid = amount_paid(cart, payments)
    return Money(max(total.cent_amount - paid.cent_amount, 0), total.currency_code)


def refundable(payment: dict[str, Any]) -> int:
    """What may still be given back of a Success charge: its amount minus every refund
    in Success or Pending (a Pending refund may still succeed, so it is held back)."""
    charge = charge_of(payment)
    if charge is None or charge["state"] != "Success":
        return 0
    refunded = sum(
        t["amount"]["centAmount"]
        for t in payment["transactions"]
        if t["type"] == "Refund" and t["state"] in ("Success", "Pending")
    )
    return charge["amount"]["centAmount"] - refunded


def charge_of(payment: dict[str, Any]) -> dict[str, Any] | None:
    """The gift card charge of a payment this framework created (its first Charge)."""
    return next((t for t in payment.get("transactions", []) if t["type"] == "Charge"), None)


def void_reference(charge: dict[str, Any]) -> str:
    """The interactionId of the Refund that records a void of a Success charge."""
    return f"{charge['interactionId']}:void"


def void_settlement_reference(charge: dict[str, Any]) -> str:
    """The interactionId of the Refund that books what a void gave back, when that is not
    what the journaled void Refund expected (a refund the provider never confirmed)."""
    return f"{void_reference(charge)}-settled"


def transaction_by_interaction(payment: dict[str, Any], interaction_id: str) -> dict[str, Any] | None:
    return next(
        (t for t in payment["transactions"] if t.get("interactionId") == interaction_id), None
    )


def transaction_by_id(payment: dict[str, Any], transaction_id: str) -> dict[str, Any]:
    return next(t for t in payment["transactions"] if t["id"] == transaction_id)


def is_voiding(payment: dict[str, Any]) -> bool:
    return (payment.get("paymentStatus") or {}).get("interfaceCode") == VOIDING
