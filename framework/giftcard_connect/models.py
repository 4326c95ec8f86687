"""Value objects passed between the HTTP layer, the money flow and provider plugins.

Money is always an integer amount of minor units plus an ISO 4217 currency code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

import requests


@dataclass(frozen=True)
class Money:
    """An amount in minor units (cents) of a currency; never a float."""

    cent_amount: int
    currency_code: str
    fraction_digits: int = 2

    def __post_init__(self):
        if isinstance(self.cent_amount, bool) or not isinstance(self.cent_amount, int):
            raise TypeError("cent_amount must be an int of minor units")
        if not (isinstance(self.currency_code, str) and len(self.currency_code) == 3):
            raise ValueError("currency_code must be a three-letter ISO 4217 code")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Money":
        """Build from the commercetools shape ``{centAmount, currencyCode, fractionDigits?}``."""
        return cls(
            int(data["centAmount"]),
            str(data["currencyCode"]),
            int(data.get("fractionDigits", 2)),
        )

    def to_dict(self) -> dict[str, Any]:
        """The commercetools ``Money`` shape."""
        return {"centAmount": self.cent_amount, "currencyCode": self.currency_code}


def mask(secret: str) -> str:
    """Show at most the last four characters of a code: ``****1234``."""
    if len(secret) <= 4:
        return "****"
    return "****" + secret[-4:]


@dataclass(frozen=True, repr=False)
class GiftCard:
    """A gift card as typed by the shopper. ``repr``/``str`` never show the code or PIN."""

    code: str
    pin: str | None = None

    @property
    def masked(self) -> str:
        return mask(self.code)

    def __repr__(self) -> str:
        pin = ", pin=****" if self.pin else ""
        return f"GiftCard({self.masked}{pin})"

    __str__ = __repr__


@dataclass(frozen=True)
class Balance:
    """What ``giftcard_balance`` returns for a usable card."""

    amount: Money
    state: Literal["Valid"] = "Valid"


@dataclass(frozen=True)
class Redemption:
    """A completed redemption: the provider's id for it and the amount charged."""

    redemption_id: str
    amount: Money


@dataclass(frozen=True)
class Cancellation:
    """A (partial) cancellation of a redemption: the provider's id and amount given back."""

    cancellation_id: str
    amount: Money


@dataclass(frozen=True)
class VoidResult:
    """A confirmed void by reference. ``amount`` is what was given back (zero if nothing)."""

    reference: str
    voided: bool
    amount: Money | None = None


@dataclass(frozen=True)
class HealthCheck:
    """One line of ``/operations/status``: no secrets, no provider data."""

    name: str
    status: Literal["UP", "DOWN"]
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderInfo:
    """Static facts about a provider, asked once at start-up."""

    name: str
    currencies: tuple[str, ...]
    pin: Literal["none", "optional", "required"] = "none"
    supports_partial_cancel: bool = True
    display_name: str | None = None


@dataclass(frozen=True)
class ProviderContext:
    """What every provider hook call gets besides its own arguments.

    ``config`` holds the provider's settings: every ``GIFTCARD_<PROVIDER>_<NAME>``
    environment variable as ``NAME``. ``http`` is a pooled session owned by the app.
    ``timeout`` is ``(connect, read)`` seconds, to pass to every outbound call.
    """

    config: Mapping[str, str]
    http: requests.Session
    timeout: tuple[float, float]
    currency: str
    correlation_id: str | None = None
