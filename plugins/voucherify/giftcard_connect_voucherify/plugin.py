"""The ``voucherify`` provider plugin: giftcard-connect's hooks on top of client.py.

Settings (``GIFTCARD_VOUCHERIFY_*``, in ``context.config`` without the prefix) are read
by settings.py; README.md lists them. The hook contract is giftcard_connect/hookspecs.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from giftcard_connect import (
    Balance,
    Cancellation,
    ConfigurationError,
    GiftCard,
    HealthCheck,
    Money,
    ProviderContext,
    ProviderInfo,
    Redemption,
    VoidResult,
    hookimpl,
)

from .client import VoucherifyApi
from .settings import read_settings

NAME = "voucherify"  # the entry-point name, which GIFTCARD_PROVIDER names
DISPLAY_NAME = "Voucherify"
HEALTH_CHECK_NAME = "Voucherify API"


class HealthCache:
    """The last health answer per project and credentials, kept ``ttl`` seconds, so that
    status pages and monitors do not spend the plan's requests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._answers: dict[tuple, tuple[float, HealthCheck]] = {}

    def get(self, key: tuple, ttl: float, check: Callable[[], HealthCheck]) -> HealthCheck:
        """The cached answer for ``key``, or ``check()``'s, asked by one caller at a time."""
        with self._lock:
            cached = self._answers.get(key)
            if cached is not None and self._clock() < cached[0]:
                return cached[1]
            answer = check()
            self._answers[key] = (self._clock() + ttl, answer)
            return answer

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


HEALTH = HealthCache()


def _api(context: ProviderContext) -> VoucherifyApi:
    return VoucherifyApi(read_settings(context.config), http=context.http, timeout=context.timeout)


@hookimpl
def giftcard_provider_info(config: Mapping[str, str]) -> ProviderInfo:
    settings = read_settings(config)
    return ProviderInfo(
        name=NAME,
        currencies=settings.currencies,
        pin="none",  # a Voucherify voucher has no PIN
        supports_partial_cancel=False,  # a rollback always gives back the whole redemption
        display_name=DISPLAY_NAME,
    )


@hookimpl
def giftcard_balance(card: GiftCard, context: ProviderContext) -> Balance:
    return _api(context).balance(card, context.currency)


@hookimpl
def giftcard_redeem(
    card: GiftCard, amount: Money, reference: str, context: ProviderContext
) -> Redemption:
    return _api(context).redeem(card, amount, reference)


@hookimpl
def giftcard_cancel(
    redemption_id: str, amount: Money, reference: str, context: ProviderContext
) -> Cancellation:
    return _api(context).cancel(redemption_id, amount, reference)


@hookimpl
def giftcard_void(reference: str, context: ProviderContext) -> VoidResult:
    return _api(context).void(reference, context.currency)


@hookimpl
def giftcard_health(context: ProviderContext) -> HealthCheck:
    """One cheap authenticated call, cached; DOWN rather than an exception."""
    try:
        settings = read_settings(context.config)
    except ConfigurationError as exc:
        return HealthCheck(HEALTH_CHECK_NAME, "DOWN", {"reason": str(exc)})

    def check() -> HealthCheck:
        problem = _api(context).health()
        if problem is None:
            return HealthCheck(HEALTH_CHECK_NAME, "UP")
        return HealthCheck(HEALTH_CHECK_NAME, "DOWN", {"reason": problem})

    return HEALTH.get((settings.base_url, settings.app_id, settings.app_token), settings.health_ttl,
                      check)
