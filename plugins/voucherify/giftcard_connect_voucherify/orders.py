"""Finding what a reference redeemed: the Voucherify order whose ``source_id`` is the
framework's reference, and the redemptions it lists.

Voucherify has no idempotency key. The plugin sends the reference as ``order.source_id``,
and ``GET /v1/orders/{id}`` accepts a source id, so the order is how a lost redeem is found
again (by a repeated redeem and by void). Each redemption is read again before it is
trusted: whether failed redemptions are listed on the order is not documented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from giftcard_connect import ProviderUnavailable

from .transport import API_NAME, Call, Refused, Transport, segment

GET_ORDER = Call("order lookup", "GET", replay_safe=True)
GET_REDEMPTION = Call("redemption lookup", "GET", replay_safe=True)

SUCCEEDED, FAILED, ROLLED_BACK = "SUCCEEDED", "FAILED", "ROLLED_BACK"


@dataclass(frozen=True)
class RedemptionState:
    """What Voucherify says now about one redemption of a gift card."""

    id: str
    status: str  # SUCCEEDED, FAILED or ROLLED_BACK
    amount: int  # credits taken from the card (0 for a failed one)
    parent: str | None  # the parent redemption of a stacked redemption
    rollback_id: str | None  # the last rollback, once rolled back

    @classmethod
    def parse(cls, body: dict[str, Any]) -> RedemptionState:
        """Read ``GET /v1/redemptions/{id}``; a body of another shape is an unknown outcome."""
        redemption_id, amount = body.get("id"), body.get("amount") or 0
        status = body.get("status") or _status_from_result(body.get("result"))
        if (
            body.get("object") not in (None, "redemption")
            or not isinstance(redemption_id, str)
            or status not in (SUCCEEDED, FAILED, ROLLED_BACK)
            or isinstance(amount, bool)
            or not isinstance(amount, int)
        ):
            raise ProviderUnavailable(f"{API_NAME}: a redemption of an unexpected shape")
        parent = body.get("redemption") if isinstance(body.get("redemption"), str) else None
        return cls(redemption_id, status, abs(amount), parent, _last_rollback(body))


def _status_from_result(result: Any) -> str | None:
    return {"SUCCESS": SUCCEEDED, "FAILURE": FAILED}.get(result)


def _last_rollback(body: dict[str, Any]) -> str | None:
    related = body.get("related_redemptions")
    rollbacks = related.get("rollbacks") if isinstance(related, dict) else None
    if isinstance(rollbacks, list):
        ids = [r.get("id") for r in rollbacks if isinstance(r, dict) and r.get("id")]
        if ids:
            return str(ids[-1])
    return None


def find_order(transport: Transport, reference: str) -> dict[str, Any] | None:
    """The order whose source id is ``reference``; None when Voucherify has none (404)."""
    try:
        order = transport.send(GET_ORDER, f"/v1/orders/{segment(reference)}")
    except Refused as refusal:
        if refusal.status == 404:
            return None
        raise ProviderUnavailable(f"{API_NAME}: order lookup refused ({refusal.key})") from None
    if order.get("source_id") not in (None, reference):
        raise ProviderUnavailable(f"{API_NAME}: the order found is not the reference's")
    return order


def redemption_ids(order: dict[str, Any]) -> list[str]:
    """The gift card redemptions an order lists: each voucher redemption, and the children
    of a stacked one (a parent without its ``stacked`` list stands for itself)."""
    entries = order.get("redemptions")
    if not isinstance(entries, dict):
        return []
    found: list[str] = []
    for redemption_id, entry in entries.items():
        entry = entry if isinstance(entry, dict) else {}
        children = entry.get("stacked")
        if entry.get("related_object_type") == "redemption" and isinstance(children, list) and (
            children
        ):
            found.extend(str(child) for child in children)
        else:
            found.append(str(redemption_id))
    return list(dict.fromkeys(found))


def read_redemption(transport: Transport, redemption_id: str) -> RedemptionState | None:
    """The redemption now; None when Voucherify does not know the id (404)."""
    try:
        body = transport.send(GET_REDEMPTION, f"/v1/redemptions/{segment(redemption_id)}")
    except Refused as refusal:
        if refusal.status == 404:
            return None
        raise ProviderUnavailable(
            f"{API_NAME}: redemption lookup refused ({refusal.key})") from None
    return RedemptionState.parse(body)


def redemptions_of(transport: Transport, reference: str) -> list[RedemptionState] | None:
    """Every gift card redemption made with ``reference``; None when there is no order."""
    order = find_order(transport, reference)
    if order is None:
        return None
    states = []
    for redemption_id in redemption_ids(order):
        state = read_redemption(transport, redemption_id)
        if state is None:  # listed on the order, unknown on its own: ask again later
            raise ProviderUnavailable(f"{API_NAME}: an order lists a redemption it cannot find")
        states.append(state)
    return states
