"""The Voucherify API as the plugin's hooks use it: one object per hook call, holding the
settings and the processor's session and timeouts.

Calls per operation (the plan counts every one): balance 1; redeem 2 (the order lookup
and the redemption); refund 2 (the redemption, its rollback); void 2 when nothing was
redeemed (the order, looked for twice), else 1 and 2 per redemption to roll back; health 1
per cache period.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests
from giftcard_connect import (
    Balance,
    Cancellation,
    GiftCard,
    Money,
    ProviderUnavailable,
    Redemption,
    VoidResult,
)

from . import redemptions, rollbacks
from .settings import VoucherifySettings
from .transport import Call, Refused, Transport
from .vouchers import fetch_voucher, usable_balance

HEALTH = Call("health", "GET", replay_safe=True)


class VoucherifyApi:
    """Balance, redeem, cancel, void and health against one Voucherify project."""

    def __init__(
        self,
        settings: VoucherifySettings,
        *,
        http: requests.Session,
        timeout: tuple[float, float],
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.settings = settings
        self._transport = Transport(settings, http=http, timeout=timeout, sleep=sleep,
                                    clock=clock)

    def __repr__(self) -> str:
        return f"VoucherifyApi({self.settings.base_url!r}, app_id={self.settings.app_id!r})"

    def balance(self, card: GiftCard, currency: str) -> Balance:
        """One call: the voucher, read here (validation rules are not evaluated)."""
        voucher = fetch_voucher(self._transport, card)
        return usable_balance(voucher, currency, self.settings.zone)

    def redeem(self, card: GiftCard, amount: Money, reference: str) -> Redemption:
        return redemptions.redeem(self._transport, self.settings, card, amount, reference)

    def cancel(self, redemption_id: str, amount: Money, reference: str) -> Cancellation:
        return rollbacks.cancel(self._transport, redemption_id, amount, reference)

    def void(self, reference: str, currency: str) -> VoidResult:
        return rollbacks.void(self._transport, reference, currency)

    def health(self) -> str | None:
        """None when the API answers these credentials; else why not (no secrets)."""
        try:
            self._transport.send(HEALTH, "/v1/vouchers", params={"limit": 1})
        except Refused as refusal:
            return f"HTTP {refusal.status} ({refusal.key})"
        except ProviderUnavailable as exc:
            return exc.message
        return None
