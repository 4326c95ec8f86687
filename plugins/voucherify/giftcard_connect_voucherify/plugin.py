"""The Voucherify provider plugin: giftcard-connect's hooks on top of client.py.

Settings, from the environment or ``.env`` (the processor hands them over in
``context.config`` without the prefix):

- ``GIFTCARD_VOUCHERIFY_BASE_URL``: the API's base URL (required)
- ``GIFTCARD_VOUCHERIFY_API_KEY``: the API key (required; a secret)

The hook contract is giftcard_connect/hookspecs.py (and docs/plugin-hooks.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

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

from .client import GiftCardApi

# The entry-point name, which GIFTCARD_PROVIDER names.
NAME = "voucherify"
DISPLAY_NAME = "Voucherify"
# Adapt: the currencies the provider's cards come in; the processor refuses to start
# when GIFTCARD_CURRENCY is not one of them.
CURRENCIES = ("EUR",)
PIN = "none"  # "none", "optional" or "required": the Enabler's PIN field
SUPPORTS_PARTIAL_CANCEL = False
SETTINGS = {
    "BASE_URL": "the API's base URL, e.g. https://api.voucherify.io",
    "API_KEY": "the API key",
}
ENABLER_DIRECTORY = Path(__file__).resolve().parent / "enabler"


def _settings(config: Mapping[str, str]) -> tuple[str, str]:
    """BASE_URL and API_KEY, or ConfigurationError naming every missing variable."""
    missing = [name for name in SETTINGS if not config.get(name)]
    if missing:
        raise ConfigurationError(
            "missing settings of the Voucherify provider: "
            + "; ".join(f"GIFTCARD_VOUCHERIFY_{name} ({SETTINGS[name]})" for name in missing)
        )
    return config["BASE_URL"], config["API_KEY"]


def _api(context: ProviderContext) -> GiftCardApi:
    base_url, api_key = _settings(context.config)
    return GiftCardApi(
        base_url,
        api_key,
        http=context.http,
        timeout=context.timeout,
        correlation_id=context.correlation_id,
    )


@hookimpl
def giftcard_provider_info(config: Mapping[str, str]) -> ProviderInfo:
    _settings(config)
    return ProviderInfo(
        name=NAME,
        currencies=CURRENCIES,
        pin=PIN,
        supports_partial_cancel=SUPPORTS_PARTIAL_CANCEL,
        display_name=DISPLAY_NAME,
    )


@hookimpl
def giftcard_balance(card: GiftCard, context: ProviderContext) -> Balance:
    return _api(context).balance(card)


@hookimpl
def giftcard_redeem(
    card: GiftCard, amount: Money, reference: str, context: ProviderContext
) -> Redemption:
    return _api(context).redeem(card, amount, reference)


@hookimpl
def giftcard_cancel(
    redemption_id: str, amount: Money, reference: str, context: ProviderContext
) -> Cancellation:
    return _api(context).refund(redemption_id, amount, reference)


@hookimpl
def giftcard_void(reference: str, context: ProviderContext) -> VoidResult:
    return _api(context).void(reference)


@hookimpl
def giftcard_health(context: ProviderContext) -> HealthCheck:
    """DOWN rather than an exception when unreachable or unconfigured: the status page renders."""
    try:
        up = _api(context).health()
    except ConfigurationError:
        up = False
    return HealthCheck(name=f"{DISPLAY_NAME} API", status="UP" if up else "DOWN")


@hookimpl
def giftcard_enabler_directory() -> str:
    """This provider's Enabler (enabler/enabler.js), served at /enabler/provider/."""
    return str(ENABLER_DIRECTORY)
