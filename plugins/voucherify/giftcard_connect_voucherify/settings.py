"""The plugin's settings (``GIFTCARD_VOUCHERIFY_*``), checked when the processor starts.

The processor hands them over in ``context.config`` without the prefix. A missing or
malformed one is a ConfigurationError naming the variable, so that the processor refuses
to start instead of failing at the first payment.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from giftcard_connect import ConfigurationError

PREFIX = "GIFTCARD_VOUCHERIFY_"
EUROPE = "https://api.voucherify.io"
REGIONS = {  # documented API hosts; dedicated-region customers get their own
    "Europe": EUROPE,
    "United States": "https://us1.api.voucherify.io",
    "Asia (Singapore)": "https://as1.api.voucherify.io",
}
DEFAULT_HEALTH_TTL = 60.0
REQUIRED = {
    "APP_ID": "the Application ID of the Voucherify project's API keys",
    "APP_TOKEN": "the Secret Key that goes with that Application ID",
    "CURRENCIES": "the currencies the project's gift card amounts are in, e.g. EUR",
}
# Voucherify keeps every amount as an integer "multiplied by 100". For a currency without
# two decimals (yen, dinar) that is not commercetools' minor unit, and what the project
# stores is the merchant's convention: such currencies are refused rather than guessed.
NOT_TWO_DECIMALS = frozenset(
    "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF "
    "BHD IQD JOD KWD LYD OMR TND CLF UYW".split()
)
URL = re.compile(r"https?://[^\s/?#]+(?:/[^\s?#]*)?")


@dataclass(frozen=True)
class VoucherifySettings:
    """What every call needs; the Secret Key is kept out of ``repr``."""

    app_id: str
    app_token: str = field(repr=False)
    currencies: tuple[str, ...]
    base_url: str = EUROPE
    zone: tzinfo = timezone.utc  # the project's time zone, for validity windows
    health_ttl: float = DEFAULT_HEALTH_TTL


def read_settings(config: Mapping[str, str]) -> VoucherifySettings:
    """The settings in ``config``, or ConfigurationError naming every variable at fault."""
    return _cached(tuple(sorted(config.items())))


@functools.lru_cache(maxsize=16)
def _cached(items: tuple[tuple[str, str], ...]) -> VoucherifySettings:
    config = dict(items)
    missing = [name for name in REQUIRED if not (config.get(name) or "").strip()]
    if missing:
        raise ConfigurationError(
            "missing settings of the Voucherify provider: "
            + "; ".join(f"{PREFIX}{name} ({REQUIRED[name]})" for name in missing)
        )
    return VoucherifySettings(
        app_id=config["APP_ID"].strip(),
        app_token=config["APP_TOKEN"].strip(),
        currencies=_currencies(config["CURRENCIES"]),
        base_url=_base_url(config.get("BASE_URL") or EUROPE),
        zone=_timezone(config.get("TIMEZONE")),
        health_ttl=_seconds(config.get("HEALTH_TTL"), DEFAULT_HEALTH_TTL),
    )


def _currencies(raw: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(code.strip().upper() for code in raw.split(",") if code.strip()))
    wrong = [code for code in codes if not re.fullmatch(r"[A-Z]{3}", code)]
    if wrong or not codes:
        raise ConfigurationError(
            f"{PREFIX}CURRENCIES must be ISO 4217 codes separated by commas, e.g. EUR or "
            f"EUR,CHF; got {raw!r}"
        )
    odd = [code for code in codes if code in NOT_TWO_DECIMALS]
    if odd:
        raise ConfigurationError(
            f"{PREFIX}CURRENCIES: {', '.join(odd)} do not have two decimals, and Voucherify "
            "keeps amounts multiplied by 100; this plugin supports two-decimal currencies only"
        )
    return codes


def _base_url(raw: str) -> str:
    url = raw.strip().rstrip("/")
    if not URL.fullmatch(url):
        raise ConfigurationError(
            f"{PREFIX}BASE_URL must be the API's base URL, e.g. {EUROPE} (Europe), "
            f"{REGIONS['United States']} or {REGIONS['Asia (Singapore)']}; got {raw!r}"
        )
    return url


def _timezone(raw: str | None) -> tzinfo:
    if raw is None or not raw.strip() or raw.strip().upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"{PREFIX}TIMEZONE must be the time zone of the Voucherify project's settings as "
            f"an IANA name, e.g. Europe/Berlin; got {raw!r} (where the system has no time zone "
            "database, pip install tzdata)"
        ) from None


def _seconds(raw: str | None, default: float) -> float:
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigurationError(
            f"{PREFIX}HEALTH_TTL must be a positive number of seconds; got {raw!r}"
        )
    return value
