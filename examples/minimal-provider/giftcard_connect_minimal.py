"""giftcard-connect-minimal: the smallest complete gift card provider plugin.

Its "provider" is a card store in this process's memory, so the whole contract fits in one
file: every hook, the reference that makes a redeem idempotent, the void that also works
for a reference never seen, the cancel that never gives back twice. A real plugin keeps
the hooks as they are and replaces the store with calls to the provider's API (see
docs/plugin-author-guide.md). State lives in one process: run the processor with one worker.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from giftcard_connect import (
    Balance,
    Cancellation,
    GiftCard,
    GiftCardError,
    HealthCheck,
    Money,
    ProviderContext,
    ProviderInfo,
    Redemption,
    VoidResult,
    hookimpl,
)

log = logging.getLogger(__name__)

CURRENCY = "EUR"
# Cards that exist from the start, for the demo: (code, PIN, balance in cents).
DEMO_CARDS = (("MINI-DEMO-5000", None, 5000), ("MINI-DEMO-PIN", "2468", 2500))


@dataclass
class _Card:
    pin: str | None
    cents: int
    currency: str


@dataclass
class _Redemption:
    id: str
    code: str
    amount: Money
    given_back: int = 0


class MinimalProvider:
    """A provider plugin over an in-memory card store; one lock keeps it consistent."""

    def __init__(self, cards=DEMO_CARDS):
        self._lock = threading.Lock()
        self._cards: dict[str, _Card] = {}
        self._redemptions: dict[str, _Redemption] = {}  # by reference
        self._by_id: dict[str, _Redemption] = {}
        self._cancellations: dict[str, tuple[str, Cancellation]] = {}  # by reference
        self._voids: dict[str, VoidResult] = {}  # by reference: voided, or a tombstone
        for code, pin, cents in cards:
            self.issue(cents, code=code, pin=pin)

    # --- the store: what a provider's own API does ----------------------------------

    def issue(self, cents: int, *, currency: str = CURRENCY, pin: str | None = None,
              code: str | None = None) -> str:
        """Create a card holding ``cents``; returns its code."""
        code = code or f"MINI-{secrets.token_hex(8).upper()}"
        with self._lock:
            self._cards[code] = _Card(pin, cents, currency)
        return code

    def balance_of(self, code: str) -> int:
        with self._lock:
            return self._cards[code].cents

    def _card(self, card: GiftCard) -> _Card:
        """The stored card, if the code exists and the PIN (when it has one) matches."""
        stored = self._cards.get(card.code)
        if stored is None:
            raise GiftCardError("NotFound", "NotFound", "This gift card does not exist.")
        if stored.pin is not None and card.pin != stored.pin:
            raise GiftCardError("Invalid", "InvalidPin", "The PIN is missing or wrong.")
        return stored

    # --- provider hooks ------------------------------------------------------------

    @hookimpl
    def giftcard_provider_info(self, config: Mapping[str, str]) -> ProviderInfo:
        return ProviderInfo(name="minimal", currencies=(CURRENCY,), pin="optional",
                            supports_partial_cancel=True, display_name="Minimal gift card")

    @hookimpl
    def giftcard_balance(self, card: GiftCard, context: ProviderContext) -> Balance:
        with self._lock:
            stored = self._card(card)
            return Balance(Money(stored.cents, stored.currency))

    @hookimpl
    def giftcard_redeem(self, card: GiftCard, amount: Money, reference: str,
                        context: ProviderContext) -> Redemption:
        with self._lock:
            if reference in self._voids:
                raise GiftCardError("Invalid", "Voided", "This payment was cancelled.")
            done = self._redemptions.get(reference)
            if done is not None:  # the same call again: answer it, do not charge again
                if (done.code, done.amount) != (card.code, amount):
                    raise GiftCardError("Invalid", "ReferenceConflict", "Reference reused.")
                return Redemption(done.id, done.amount)
            stored = self._card(card)
            if amount.currency_code != stored.currency:
                raise GiftCardError("CurrencyNotMatch", "CurrencyNotMatch",
                                    f"This gift card is in {stored.currency}.")
            if stored.cents == 0:
                raise GiftCardError("ZeroBalance", "ZeroBalance", "This gift card is empty.")
            if stored.cents < amount.cent_amount:
                raise GiftCardError("Invalid", "InsufficientBalance", "The balance is too low.")
            stored.cents -= amount.cent_amount
            redemption = _Redemption(f"rdm-{secrets.token_hex(8)}", card.code, amount)
            self._redemptions[reference] = self._by_id[redemption.id] = redemption
        log.info("redeemed %s from %r (reference %s)", amount, card, reference)  # masked
        return Redemption(redemption.id, amount)

    @hookimpl
    def giftcard_cancel(self, redemption_id: str, amount: Money, reference: str,
                        context: ProviderContext) -> Cancellation:
        with self._lock:
            if reference in self._cancellations:  # the same call again: answer it only
                cancelled, cancellation = self._cancellations[reference]
                if (cancelled, cancellation.amount) != (redemption_id, amount):
                    raise GiftCardError("Invalid", "ReferenceConflict", "Reference reused.")
                return cancellation
            redemption = self._by_id.get(redemption_id)
            if redemption is None or redemption.amount.currency_code != amount.currency_code:
                raise GiftCardError("Invalid", "RedemptionNotFound", "No such redemption.")
            if amount.cent_amount > redemption.amount.cent_amount - redemption.given_back:
                raise GiftCardError("Invalid", "AmountTooHigh", "More than is left to cancel.")
            redemption.given_back += amount.cent_amount
            self._cards[redemption.code].cents += amount.cent_amount
            cancellation = Cancellation(f"cnl-{secrets.token_hex(8)}", amount)
            self._cancellations[reference] = (redemption_id, cancellation)
            return cancellation

    @hookimpl
    def giftcard_void(self, reference: str, context: ProviderContext) -> VoidResult:
        with self._lock:
            if reference in self._voids:  # voided before: the same answer, nothing more
                return self._voids[reference]
            redemption = self._redemptions.get(reference)
            if redemption is None:  # never redeemed: remember it, so a late redeem fails
                result = VoidResult(reference, voided=False)
            else:
                left = redemption.amount.cent_amount - redemption.given_back
                redemption.given_back += left
                self._cards[redemption.code].cents += left
                result = VoidResult(reference, True, Money(left, redemption.amount.currency_code))
            self._voids[reference] = result
            return result

    @hookimpl
    def giftcard_health(self, context: ProviderContext) -> HealthCheck:
        return HealthCheck(name="minimal card store", status="UP")


# What the entry point loads: one store per process.
provider = MinimalProvider()
