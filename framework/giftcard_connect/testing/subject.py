"""What a plugin hands the conformance suite: its name, settings, and test cards."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import GIFT_CARD_STATES
from ..models import mask

DECLINE_STATES = tuple(state for state in GIFT_CARD_STATES if state != "Valid")


@dataclass(frozen=True, repr=False)
class CardSample:
    """A test card: its code and optional PIN. ``repr`` masks both, like ``GiftCard``."""

    code: str
    pin: str | None = None

    def __repr__(self) -> str:
        pin = ", pin=****" if self.pin else ""
        return f"CardSample({mask(self.code)}{pin})"

    __str__ = __repr__


@dataclass(frozen=True)
class ProviderUnderTest:
    """The plugin under test, as the ``giftcard_provider_under_test`` fixture returns it.

    ``name``: the entry-point name (``GIFTCARD_PROVIDER``); ``currency``: the connector's
    currency; ``settings``: environment-style settings of the plugin
    (``GIFTCARD_<NAME>_…``, and any processor setting to override); ``new_card(cents)``: a
    fresh card holding ``cents`` in ``currency``; ``balance_at_provider(card)``: its
    balance now, in minor units, read at the provider; ``declined_cards``: a decline state
    → a card the provider declines with that state; ``plugin``: an object to register
    instead of the installed entry point (an in-process fake, or a fresh instance).
    """

    name: str
    currency: str
    new_card: Callable[[int], CardSample]
    balance_at_provider: Callable[[CardSample], int]
    declined_cards: Mapping[str, CardSample] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    plugin: object | None = None

    def __post_init__(self):
        unknown = sorted(set(self.declined_cards) - set(DECLINE_STATES))
        if unknown:
            raise ValueError(
                f"declined_cards has states that are no decline: {', '.join(unknown)}; "
                f"use {', '.join(DECLINE_STATES)}"
            )
        if not (isinstance(self.currency, str) and len(self.currency) == 3):
            raise ValueError(f"currency must be an ISO 4217 code, got {self.currency!r}")
