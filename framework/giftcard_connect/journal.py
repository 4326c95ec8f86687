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
ACTIVE_STATES = ("Success", "Pending")
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


def counts_towards_cart(payment: dict[str, Any]) -> bool:
    """A payment pays the cart while it holds a Success/Pending charge and nothing undoes it."""
    transactions = payment.get("transactions", [])
    paying = any(t["type"] in PAYING_TYPES and t["state"] in ACTIVE_STATES for t in transactions)
    undone = any(t["type"] in UNDOING_TYPES and t["state"] in ACTIVE_STATES for t in transactions)
    return paying and not undone


def amount_still_to_pay(cart: dict[str, Any], payments: Iterable[dict[str, Any]]) -> Money:
    """The cart total minus the planned amount of every payment that counts towards it."""
    total = cart_total(cart)
    paid = sum(
        p["amountPlanned"]["centAmount"]
        for p in payments
        if counts_towards_cart(p) and p["amountPlanned"]["currencyCode"] == total.currency_code
    )
    return Money(max(total.cent_amount - paid, 0), total.currency_code)


def charge_of(payment: dict[str, Any]) -> dict[str, Any] | None:
    """The gift card charge of a payment this framework created (its first Charge)."""
    return next((t for t in payment.get("transactions", []) if t["type"] == "Charge"), None)


def void_reference(charge: dict[str, Any]) -> str:
    """The interactionId of the Refund that records a void of a Success charge."""
    return f"{charge['interactionId']}:void"


def transaction_by_interaction(payment: dict[str, Any], interaction_id: str) -> dict[str, Any] | None:
    return next(
        (t for t in payment["transactions"] if t.get("interactionId") == interaction_id), None
    )


def transaction_by_id(payment: dict[str, Any], transaction_id: str) -> dict[str, Any]:
    return next(t for t in payment["transactions"] if t["id"] == transaction_id)


def is_voiding(payment: dict[str, Any]) -> bool:
    return (payment.get("paymentStatus") or {}).get("interfaceCode") == VOIDING
