"""A cart as the redeem flow sees it: every payment on it, and what follows from them.

The cart is read once with its payments expanded (one remote call, however many payments
it has). What it still has to pay, how many gift card attempts on it failed, and which of
its gift card charges were left Pending by a redeem that is over, are all read from
commercetools, so they hold across sessions and processor instances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..journal import METHOD, amount_still_to_pay, charge_of, is_voiding
from ..models import Money
from ..runtime import Runtime

EXPAND_PAYMENTS = ("paymentInfo.payments[*]",)


@dataclass(frozen=True)
class CartPayments:
    """A cart and every payment it references."""

    cart: dict
    payments: tuple[dict, ...]

    @classmethod
    def expanded(cls, cart: dict) -> CartPayments:
        """From a cart read with ``EXPAND_PAYMENTS``. A reference without ``obj`` names a
        payment that no longer exists: it pays nothing."""
        references = (cart.get("paymentInfo") or {}).get("payments", [])
        return cls(cart, tuple(ref["obj"] for ref in references if "obj" in ref))

    @property
    def still_to_pay(self) -> Money:
        return amount_still_to_pay(self.cart, self.payments)

    def ours(self, interface: str) -> list[dict]:
        """The cart's gift card payments of this connector's payment interface."""
        return [
            p
            for p in self.payments
            if (p.get("paymentMethodInfo") or {}).get("method") == METHOD
            and p["paymentMethodInfo"].get("paymentInterface") == interface
            and charge_of(p) is not None
        ]

    def failed_attempts(self, interface: str) -> int:
        """Gift card payments of this connector on the cart whose charge failed."""
        return sum(charge_of(p)["state"] == "Failure" for p in self.ours(interface))

    def pending_charges(self, interface: str) -> list[tuple[dict, dict]]:
        """``(payment, charge)`` for each of this connector's charges still Pending."""
        return [(p, charge_of(p)) for p in self.ours(interface) if charge_of(p)["state"] == "Pending"]

    def by_key(self, key: str) -> dict | None:
        return next((p for p in self.payments if p.get("key") == key), None)


def read_cart(runtime: Runtime, cart_id: str) -> CartPayments:
    """The cart with all its payments, in one call."""
    return CartPayments.expanded(runtime.commercetools.get_cart(cart_id, expand=EXPAND_PAYMENTS))


def abandoned(payment: dict, charge: dict, stale_after: float) -> bool:
    """Whether no redeem is waiting for this Pending charge any more.

    Either the redeem that made it gave up and marked it Voiding, or it is older than any
    redeem can take (``stale_after`` seconds). A redeem still in flight is left alone.
    """
    if is_voiding(payment):
        return True
    stamp = charge.get("timestamp") or payment.get("createdAt")
    if not stamp:
        return True
    age = datetime.now(timezone.utc) - datetime.fromisoformat(stamp)
    return age > timedelta(seconds=stale_after)
