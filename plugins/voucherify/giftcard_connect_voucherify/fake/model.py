"""The fake's objects — vouchers, orders, redemptions, rollbacks — and their JSON, in the
shapes of Voucherify's API reference (trimmed to what the plugin reads and a little more)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

SUCCEEDED, FAILED, ROLLED_BACK = "SUCCEEDED", "FAILED", "ROLLED_BACK"
CAMPAIGN_ID = "camp_fakeGiftCards0000000000"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(9)}"


class FakeError(Exception):
    """An error answer in Voucherify's envelope. Like Voucherify, ``details`` may name the
    voucher code: the plugin must never pass it on."""

    def __init__(self, status: int, key: str, message: str, details: str = "",
                 resource_type: str = "voucher"):
        super().__init__(message)
        self.status, self.key, self.message = status, key, message
        self.details, self.resource_type = details, resource_type

    def to_json(self) -> dict[str, Any]:
        return {"code": self.status, "key": self.key, "message": self.message,
                "details": self.details, "request_id": new_id("v"),
                "resource_type": self.resource_type}


@dataclass
class Voucher:
    code: str
    amount: int  # credits loaded onto the card
    balance: int
    type: str = "GIFT_VOUCHER"
    active: bool = True
    start_date: str | None = None
    expiration_date: str | None = None
    quantity: int | None = None
    redeemed_quantity: int = 0
    redeemed_amount: int = 0
    windows: dict[str, Any] = field(default_factory=dict)  # validity_* fields as given
    id: str = field(default_factory=lambda: new_id("v"))

    @property
    def is_gift(self) -> bool:
        return self.type == "GIFT_VOUCHER"

    def to_json(self) -> dict[str, Any]:
        gift = {"amount": self.amount, "subtracted_amount": 0, "balance": self.balance,
                "effect": "APPLY_TO_ORDER"} if self.is_gift else None
        return {
            "id": self.id, "code": self.code, "campaign": "Gift Cards",
            "campaign_id": CAMPAIGN_ID, "type": self.type,
            "discount": None if self.is_gift else {"type": "AMOUNT", "amount_off": self.amount},
            "gift": gift, "loyalty_card": None, "start_date": self.start_date,
            "expiration_date": self.expiration_date, "validity_timeframe": None,
            "validity_day_of_week": None, "validity_hours": None, "active": self.active,
            "metadata": {}, "redemption": {
                "quantity": self.quantity, "redeemed_quantity": self.redeemed_quantity,
                "redeemed_amount": self.redeemed_amount, "object": "list",
                "url": f"/v1/vouchers/{self.id}/redemptions"},
            "object": "voucher", **self.windows,
        }


@dataclass
class Rollback:
    redemption: Redemption
    amount: int
    reason: str | None
    metadata: Any
    id: str = field(default_factory=lambda: new_id("rr"))
    date: str = field(default_factory=now_iso)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id, "object": "redemption_rollback", "date": self.date,
            "amount": -self.amount, "redemption": self.redemption.id, "reason": self.reason,
            "result": "SUCCESS", "status": SUCCEEDED, "metadata": self.metadata,
            "order": {"id": self.redemption.order.id, "source_id": self.redemption.order.source_id,
                      "object": "order"},
        }
        voucher = self.redemption.voucher
        if voucher is not None and voucher.is_gift:
            body["voucher"] = {"code": voucher.code,
                               "gift": {"amount": voucher.amount, "balance": voucher.balance}}
            body["gift"] = {"amount": -self.amount}
        return body


@dataclass
class Redemption:
    order: Order
    voucher: Voucher | None  # None for a parent (stacked) redemption
    amount: int
    status: str = SUCCEEDED
    failure_code: str | None = None
    parent: Redemption | None = None
    children: list[Redemption] = field(default_factory=list)
    metadata: Any = None
    rollbacks: list[Rollback] = field(default_factory=list)
    id: str = field(default_factory=lambda: new_id("r"))
    date: str = field(default_factory=now_iso)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id, "object": "redemption", "date": self.date,
            "metadata": self.metadata, "amount": self.amount,
            "result": "FAILURE" if self.status == FAILED else "SUCCESS",
            "status": self.status, "redemption": self.parent.id if self.parent else None,
            "order": {"id": self.order.id, "source_id": self.order.source_id, "object": "order"},
            "related_redemptions": {
                "rollbacks": [{"id": r.id, "date": r.date} for r in self.rollbacks],
                "redemptions": [{"id": c.id, "date": c.date} for c in self.children]},
        }
        if self.failure_code:
            body["failure_code"] = self.failure_code
            body["failure_message"] = "The redemption failed."
        if self.children:
            body.update(related_object_type="redemption", related_object_id=self.id)
        elif self.voucher is not None:
            body.update(related_object_type="voucher", related_object_id=self.voucher.id,
                        voucher=self.voucher.to_json())
            if self.voucher.is_gift:
                body["gift"] = {"amount": self.amount}
        return body


@dataclass
class Order:
    source_id: str | None
    amount: int | None
    listed: list[Redemption] = field(default_factory=list)  # in the order's redemptions map
    id: str = field(default_factory=lambda: new_id("ord"))

    def to_json(self) -> dict[str, Any]:
        entries = {}
        for redemption in self.listed:
            entry: dict[str, Any] = {"date": redemption.date}
            if redemption.children:
                entry.update(related_object_type="redemption", related_object_id=redemption.id,
                             stacked=[c.id for c in redemption.children],
                             rollback_stacked=[r.id for c in redemption.children
                                               for r in c.rollbacks])
            else:
                voucher = redemption.voucher
                entry.update(related_object_type="voucher",
                             related_object_id=voucher.id if voucher else None,
                             related_object_parent_id=CAMPAIGN_ID)
            if redemption.rollbacks:
                entry.update(rollback_id=redemption.rollbacks[-1].id,
                             rollback_date=redemption.rollbacks[-1].date)
            entries[redemption.id] = entry
        live = [r for r in self.listed if r.status != FAILED]
        rolled_back = bool(live) and all(r.status == ROLLED_BACK for r in live)
        return {"id": self.id, "source_id": self.source_id,
                "status": "CANCELED" if rolled_back else "PAID", "amount": self.amount,
                "object": "order", "metadata": {}, "redemptions": entries}
