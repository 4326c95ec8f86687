"""A cart as the redeem flow sees it: every payment on it, and what follows from them.

What the cart still has to pay, how many gift card attempts on it failed, and which of
its gift card charges were left Pending by a redeem that is over, are all read from
commercetools, so they hold across sessions and processor instances.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..journal import METHOD, amount_still_to_pay, cart_payment_ids, charge_of, is_voiding
from ..models import Money
from ..runtime import Runtime

# Payment ids per query: keeps the query's URL far below any gateway's limit.
IDS_PER_QUERY = 50


@dataclass(frozen=True)
class CartPayments:
    """A cart and every payment it references."""

    cart: dict
    payments: tuple[dict, ...]

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


def read_cart_payments(runtime: Runtime, cart: dict) -> CartPayments:
    """The cart with all its payments, however many there are."""
    ids = cart_payment_ids(cart)
    found: dict[str, dict] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        where = "id in (" + ", ".join(json.dumps(i) for i in chunk) + ")"
        page = runtime.commercetools.query_payments([where], limit=len(chunk))
        found.update((p["id"], p) for p in page["results"])
    return CartPayments(cart, tuple(found[i] for i in ids if i in found))


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
