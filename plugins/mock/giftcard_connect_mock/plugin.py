"""The ``mock`` provider plugin: giftcard-connect's hooks implemented against the mock service.

Settings come from ``context.config`` (``GIFTCARD_MOCK_<NAME>`` without the prefix):
``URL`` (required) and ``API_KEY`` (optional).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

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

from .client import MockProviderClient

DEFAULT_CURRENCIES = ("EUR", "USD", "GBP", "CZK")
HEALTH_CHECK_NAME = "mock provider API"


def _base_url(config: Mapping[str, str]) -> str:
    """``GIFTCARD_MOCK_URL``, checked when the processor starts (``giftcard_provider_info``)."""
    url = config.get("URL")
    if not url:
        raise ConfigurationError(
            "GIFTCARD_MOCK_URL is not set: the mock provider's base URL, "
            "e.g. http://127.0.0.1:8081 (start one with `giftcard-connect-mock`)"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigurationError(
            "GIFTCARD_MOCK_URL must be an http:// or https:// base URL such as "
            "http://127.0.0.1:8081"
        )
    return url


def _client(context: ProviderContext) -> MockProviderClient:
    return MockProviderClient(
        _base_url(context.config),
        http=context.http,
        timeout=context.timeout,
        api_key=context.config.get("API_KEY") or None,
    )


def _currencies(config: Mapping[str, str]) -> tuple[str, ...]:
    """``GIFTCARD_MOCK_CURRENCIES``, comma-separated."""
    configured = config.get("CURRENCIES", "")
    currencies = tuple(code.strip().upper() for code in configured.split(",") if code.strip())
    return currencies or DEFAULT_CURRENCIES


@hookimpl
def giftcard_provider_info(config: Mapping[str, str]) -> ProviderInfo:
    _base_url(config)
    return ProviderInfo(
        name="mock",
        currencies=_currencies(config),
        pin="optional",
        supports_partial_cancel=True,
        display_name="Mock gift card",
    )


@hookimpl
def giftcard_balance(card: GiftCard, context: ProviderContext) -> Balance:
    return _client(context).balance(card, context.currency)


@hookimpl
def giftcard_redeem(
    card: GiftCard, amount: Money, reference: str, context: ProviderContext
) -> Redemption:
    return _client(context).redeem(card, amount, reference)


@hookimpl
def giftcard_cancel(
    redemption_id: str, amount: Money, reference: str, context: ProviderContext
) -> Cancellation:
    return _client(context).cancel(redemption_id, amount, reference)


@hookimpl
def giftcard_void(reference: str, context: ProviderContext) -> VoidResult:
    return _client(context).void(reference)


@hookimpl
def giftcard_health(context: ProviderContext) -> HealthCheck:
    """DOWN, not an exception, when unreachable or unconfigured: the status page must render."""
    try:
        up = _client(context).health()
    except ConfigurationError:
        up = False
    return HealthCheck(name=HEALTH_CHECK_NAME, status="UP" if up else "DOWN")
