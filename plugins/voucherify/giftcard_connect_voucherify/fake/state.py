"""The fake's state and rules: vouchers with balances, orders found by source id, stackable
redemptions, rollbacks — every change under one lock.

Where Voucherify's behaviour is not documented, ``Behaviour`` chooses, so that the
plugin's tests run against each plausible answer: how a refused redemption is reported,
whether a lone redemption gets a parent, whether failed redemptions are listed on the
order. ``fail()`` scripts faults (an error before or after the work is done, a delay).
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from .model import (
    FAILED,
    ROLLED_BACK,
    SUCCEEDED,
    FakeError,
    Order,
    Redemption,
    Rollback,
    Voucher,
)
from .rules import inapplicable_item, refusal

APP_ID = "fake-app-id"
APP_TOKEN = "fake-app-token"
FAILURE_SHAPES = ("error", "result", "inapplicable")
ROUTES = ("voucher", "vouchers", "redeem", "order", "redemption", "rollback")


@dataclass(frozen=True)
class Behaviour:
    """``failure_shape``: a refused redemption is an HTTP error (``error``), a redemption
    with ``result: FAILURE`` (``result``) or an inapplicable redeemable (``inapplicable``);
    ``stacked``: every redemption gets a parent; ``failed_in_order``: failed redemptions
    are listed on the order."""

    failure_shape: str = "error"
    stacked: bool = False
    failed_in_order: bool = False

    def __post_init__(self):
        if self.failure_shape not in FAILURE_SHAPES:
            raise ValueError(f"failure_shape must be one of {FAILURE_SHAPES}")


@dataclass
class Fault:
    """A scripted answer for a route: ``status``/``body`` instead of (``after=False``) or
    after (``after=True``) the work; ``delay`` seconds before answering."""

    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    after: bool = False
    delay: float = 0.0
    times: int = 1


class VoucherifyFake:
    """What the fake Voucherify holds; tests read balances and counts directly."""

    def __init__(self, behaviour: Behaviour | None = None, *, app_id: str = APP_ID,
                 app_token: str = APP_TOKEN):
        self.lock = threading.RLock()
        self.app_id, self.app_token = app_id, app_token
        self.reset(behaviour)

    def reset(self, behaviour: Behaviour | None = None) -> None:
        """Forget everything (tests share one server) and take ``behaviour``."""
        with self.lock:
            self.behaviour = behaviour or Behaviour()
            self.vouchers: dict[str, Voucher] = {}
            self.orders: dict[str, Order] = {}
            self.redemptions: dict[str, Redemption] = {}
            self.rollbacks: dict[str, Rollback] = {}
            self.faults: dict[str, list[Fault]] = {}
            self.calls: Counter[str] = Counter()

    # --- set-up and inspection -------------------------------------------------------

    def issue(self, cents: int, *, code: str | None = None, expired: bool = False,
              not_yet_active: bool = False, **fields: Any) -> Voucher:
        """A new voucher (a gift card of ``cents`` unless ``type`` says otherwise)."""
        code = code or f"GIFT-{secrets.token_urlsafe(9)}"
        day = timedelta(days=1)
        if expired:
            fields["expiration_date"] = _iso(datetime.now(timezone.utc) - day)
        if not_yet_active:
            fields["start_date"] = _iso(datetime.now(timezone.utc) + day)
        with self.lock:
            voucher = self.vouchers[code] = Voucher(code, cents, cents, **fields)
        return voucher

    def balance_of(self, code: str) -> int:
        with self.lock:
            return self.vouchers[code].balance

    def fail(self, route: str, status: int | None = None, body: Any = None, *,
             headers: dict[str, str] | None = None, after: bool = False, delay: float = 0.0,
             times: int = 1) -> None:
        """Script the next ``times`` calls of ``route`` (one of ROUTES)."""
        if route not in ROUTES:
            raise ValueError(f"route must be one of {ROUTES}")
        with self.lock:
            self.faults.setdefault(route, []).append(
                Fault(status, body, dict(headers or {}), after, delay, times))

    def take_fault(self, route: str) -> Fault | None:
        with self.lock:
            self.calls[route] += 1
            queue = self.faults.get(route) or []
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            return fault

    # --- the API ---------------------------------------------------------------------

    def voucher(self, code: str) -> dict[str, Any]:
        with self.lock:
            voucher = self.vouchers.get(code)
            if voucher is None:
                raise FakeError(404, "not_found", "Resource not found",
                                f"Cannot find voucher with id {code}")
            return voucher.to_json()

    def list_vouchers(self, limit: int) -> dict[str, Any]:
        with self.lock:
            vouchers = [v.to_json() for v in list(self.vouchers.values())[:limit]]
            return {"object": "list", "data_ref": "vouchers", "vouchers": vouchers,
                    "total": len(self.vouchers)}

    def order(self, order_id: str) -> dict[str, Any]:
        with self.lock:
            order = self.orders.get(order_id) or next(
                (o for o in self.orders.values() if o.id == order_id), None)
            if order is None:
                raise FakeError(404, "not_found", "Resource not found",
                                f"Cannot find order with id {order_id}", "order")
            return order.to_json()

    def redemption(self, redemption_id: str) -> dict[str, Any]:
        with self.lock:
            if redemption_id in self.rollbacks:
                return self.rollbacks[redemption_id].to_json()
            return self._redemption(redemption_id).to_json()

    def redeem(self, body: dict[str, Any]) -> dict[str, Any]:
        """The stackable redemption of ``body["redeemables"]`` for ``body["order"]``."""
        with self.lock:
            items = body.get("redeemables")
            if not isinstance(items, list) or not 1 <= len(items) <= 30:
                raise FakeError(400, "invalid_payload", "Invalid payload",
                                "redeemables must hold 1 to 30 items", "redemption")
            order_in = body.get("order") if isinstance(body.get("order"), dict) else {}
            checked = [self._check(item, order_in.get("amount")) for item in items]
            refused = [(code, key) for code, _, _, key in checked if key]
            if refused and self.behaviour.failure_shape == "error":
                code, key = refused[0]
                status = 404 if key == "not_found" else 400
                raise FakeError(status, key, key.replace("_", " "), code, "redemption")
            order = self._order(order_in)
            done, inapplicable = [], []
            for code, voucher, credits, key in checked:
                if key and self.behaviour.failure_shape == "inapplicable":
                    inapplicable.append(inapplicable_item(code, key))
                elif key:
                    failed = Redemption(order, voucher, credits or 0, FAILED,
                                        "resource_not_found" if key == "not_found" else key,
                                        metadata=body.get("metadata"))
                    self._record(failed, listed=self.behaviour.failed_in_order)
                    done.append(failed)
                else:
                    done.append(self._debit(order, voucher, credits, body.get("metadata")))
            parent = self._stack([r for r in done if r.status == SUCCEEDED], order)
            for redemption in done:
                if redemption.parent is None and redemption.status == SUCCEEDED:
                    order.listed.append(redemption)
            answer: dict[str, Any] = {
                "redemptions": [r.to_json() for r in done], "order": order.to_json(),
                "inapplicable_redeemables": inapplicable, "skipped_redeemables": []}
            if parent is not None:
                answer["parent_redemption"] = parent.to_json()
            return answer

    def rollback(self, redemption_id: str, body: dict[str, Any], *, stacked: bool) -> dict:
        """``/rollback`` (``stacked=False``) or ``/rollbacks`` of a redemption."""
        with self.lock:
            redemption = self._redemption(redemption_id)
            if redemption.parent is not None:
                raise FakeError(400, "invalid_redemption_parent", "Invalid redemption parent",
                                "You can rollback only a redemption that does not have parent "
                                "redemption.", "redemption_rollback")
            if redemption.children and not stacked:
                raise FakeError(400, "invalid_redemption", "Invalid redemption",
                                "Use different endpoint for stacked redemption.",
                                "redemption_rollback")
            if redemption.status == ROLLED_BACK:
                raise FakeError(400, "already_rolled_back", "Already rolled back",
                                "Redemption has been already rolled back.", "redemption_rollback")
            if redemption.status == FAILED:
                raise FakeError(400, "invalid_redemption", "Invalid redemption",
                                "A failed redemption cannot be rolled back.", "redemption_rollback")
            reason, metadata = body.get("reason"), body.get("metadata")
            targets = redemption.children or [redemption]
            rolled = [self._credit(t, reason, metadata) for t in targets if t.status == SUCCEEDED]
            if not stacked:
                return rolled[0].to_json()
            parent_rollback = None
            if redemption.children:
                parent_rollback = self._credit(redemption, reason, metadata)
            return {"rollbacks": [r.to_json() for r in rolled],
                    "parent_rollback": parent_rollback.to_json() if parent_rollback else None}

    # --- rules -----------------------------------------------------------------------

    def _check(self, item: Any, order_amount: Any) -> tuple[str, Voucher | None, Any, str | None]:
        """(code, voucher, credits, refusal key or None) of one redeemable."""
        item = item if isinstance(item, dict) else {}
        code = str(item.get("id") or "")
        gift = item.get("gift") if isinstance(item.get("gift"), dict) else {}
        voucher = self.vouchers.get(code)
        return code, voucher, gift.get("credits"), refusal(voucher, gift.get("credits"),
                                                           order_amount)

    def _order(self, order_in: dict[str, Any]) -> Order:
        source_id = order_in.get("source_id")
        if source_id and source_id in self.orders:
            return self.orders[source_id]  # "the original order data will be used"
        order = Order(source_id, order_in.get("amount"))
        self.orders[source_id or order.id] = order
        return order

    def _record(self, redemption: Redemption, *, listed: bool) -> Redemption:
        self.redemptions[redemption.id] = redemption
        if listed:
            redemption.order.listed.append(redemption)
        return redemption

    def _debit(self, order: Order, voucher: Voucher, credits: int, metadata: Any) -> Redemption:
        if voucher.is_gift:
            voucher.balance -= credits
            voucher.redeemed_amount += credits
        voucher.redeemed_quantity += 1
        return self._record(Redemption(order, voucher, credits, metadata=metadata), listed=False)

    def _stack(self, children: list[Redemption], order: Order) -> Redemption | None:
        if not children or (len(children) == 1 and not self.behaviour.stacked):
            return None
        parent = Redemption(order, None, sum(c.amount for c in children), children=children)
        for child in children:
            child.parent = parent
        self._record(parent, listed=True)
        return parent

    def _credit(self, redemption: Redemption, reason: Any, metadata: Any) -> Rollback:
        voucher = redemption.voucher
        if voucher is not None:
            if voucher.is_gift:
                voucher.balance += redemption.amount
                voucher.redeemed_amount -= redemption.amount
            voucher.redeemed_quantity -= 1
        redemption.status = ROLLED_BACK
        rollback = Rollback(redemption, redemption.amount, reason, metadata)
        redemption.rollbacks.append(rollback)
        self.rollbacks[rollback.id] = rollback
        return rollback

    def _redemption(self, redemption_id: str) -> Redemption:
        redemption = self.redemptions.get(redemption_id)
        if redemption is None:
            raise FakeError(404, "not_found", "Resource not found",
                            f"Cannot find redemption with id {redemption_id}", "redemption")
        return redemption


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
