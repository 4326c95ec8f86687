"""Balance: one ``GET /v1/vouchers/{code}``, and the plugin's reading of the voucher.

Voucherify answers 200 for an expired or disabled voucher too; what can be used is
decided here, in the order of the table in README.md ("Declines").
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import Any

from giftcard_connect import Balance, GiftCard, Money, ProviderUnavailable

from . import declines
from .transport import API_NAME, Call, Refused, Transport, segment
from .windows import parse_instant, within_windows

GET_VOUCHER = Call("balance", "GET", replay_safe=True)


def fetch_voucher(transport: Transport, card: GiftCard) -> dict[str, Any]:
    """The voucher of ``card``: NotFound for an unknown code, ProviderUnavailable when
    Voucherify cannot answer. The code travels only in this call's path, encoded."""
    if not card.code.strip("."):  # "." or "..": no URL can name it, so no voucher has it
        raise declines.NOT_FOUND.error()
    try:
        return transport.send(GET_VOUCHER, f"/v1/vouchers/{segment(card.code)}")
    except Refused as refusal:
        decline = declines.decline_for(refusal.key)
        if refusal.status == 404 and decline is declines.NOT_FOUND:
            raise decline.error() from None
        raise ProviderUnavailable(f"{API_NAME}: balance refused ({refusal.key})") from None


def usable_balance(
    voucher: dict[str, Any], currency: str, zone: tzinfo, now: datetime | None = None
) -> Balance:
    """The balance of a voucher that can pay now, or the GiftCardError saying why not."""
    now = now or datetime.now(timezone.utc)
    gift = voucher.get("gift")
    if voucher.get("type") != "GIFT_VOUCHER" or not isinstance(gift, dict):
        raise declines.NOT_A_GIFT_CARD.error()
    expires = _instant(voucher, "expiration_date")
    if expires is not None and expires <= now:
        raise declines.EXPIRED.error()
    if voucher.get("active") is False:
        raise declines.DISABLED.error()
    starts = _instant(voucher, "start_date")
    if starts is not None and starts > now:
        raise declines.NOT_ACTIVE_YET.error()
    if not within_windows(voucher, now, zone):
        raise declines.NOT_ACTIVE_NOW.error()
    if _quantity_used_up(voucher.get("redemption")):
        raise declines.LIMIT_REACHED.error()
    balance = gift.get("balance")
    if isinstance(balance, bool) or not isinstance(balance, int):
        raise ProviderUnavailable(f"{API_NAME}: the voucher's gift.balance is not an integer")
    if balance <= 0:
        raise declines.ZERO_BALANCE.error()
    return Balance(Money(balance, currency))


def _instant(voucher: dict[str, Any], name: str) -> datetime | None:
    value = voucher.get(name)
    if value is None:
        return None
    moment = parse_instant(value)
    if moment is None:
        raise ProviderUnavailable(f"{API_NAME}: the voucher's {name} is not an ISO 8601 date")
    return moment


def _quantity_used_up(redemption: Any) -> bool:
    """``redemption.quantity`` caps how many times the card can be used (null: no cap)."""
    if not isinstance(redemption, dict):
        return False
    quantity, used = redemption.get("quantity"), redemption.get("redeemed_quantity") or 0
    return isinstance(quantity, int) and isinstance(used, int) and used >= quantity
