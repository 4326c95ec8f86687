"""The fake's redemption rules: why Voucherify would refuse one redeemable, by failure key."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .model import Voucher


def refusal(voucher: Voucher | None, credits: Any, order_amount: Any) -> str | None:
    """The failure key of redeeming ``credits`` of ``voucher``, or None when it can be."""
    now = datetime.now(timezone.utc)
    if voucher is None:
        return "not_found"
    if voucher.is_gift and not isinstance(order_amount, int):
        return "missing_amount"  # "Amount is required when redeeming a GIFT_VOUCHER"
    if not isinstance(credits, int) or isinstance(credits, bool) or credits <= 0:
        return "invalid_amount"
    if voucher.expiration_date and datetime.fromisoformat(voucher.expiration_date) <= now:
        return "voucher_expired"
    if not voucher.active:
        return "voucher_disabled"
    if voucher.start_date and datetime.fromisoformat(voucher.start_date) > now:
        return "voucher_not_active"
    if voucher.quantity is not None and voucher.redeemed_quantity >= voucher.quantity:
        return "quantity_exceeded"
    if voucher.is_gift and credits > voucher.balance:
        return "gift_amount_exceeded"
    return None


def inapplicable_item(code: str, key: str) -> dict[str, Any]:
    """The card as stacking's PARTIAL mode lists it in ``inapplicable_redeemables``."""
    status = 404 if key == "not_found" else 400
    return {"status": "INAPPLICABLE", "id": code, "object": "voucher",
            "result": {"error": {"code": status, "key": key, "message": key.replace("_", " "),
                                 "details": code}}}
