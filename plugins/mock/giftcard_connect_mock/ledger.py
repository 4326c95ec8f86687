"""The mock provider's books: cards, redemptions, cancellations and voids.

Every operation runs under one lock, so concurrent requests that share a reference can
never debit (or credit) twice. Methods return plain dicts in the service's wire shape,
built while the lock is held.
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass

MAGIC_VALID = re.compile(r"Valid-(\d+)-([A-Z]{3})")

# Cards that exist from the start and need a PIN: (code, pin, centAmount, currencyCode).
SEEDED_CARDS = (
    ("PIN-5000-EUR", "1234", 5000, "EUR"),
    ("PIN-7500-GBP", "9876", 7500, "GBP"),
)


class ProviderError(Exception):
    """A refusal the service renders as ``{"error": {"code", "message"}}``; never names the card."""

    def __init__(self, status: int, code: str, message: str):
        self.status = status
        self.code = code
        self.message = message
        super().__init__(message)

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


@dataclass
class _Card:
    code: str
    currency: str
    balance: int
    pin: str | None = None
    expired: bool = False
    redeem_expired: bool = False


@dataclass
class _Redemption:
    id: str
    reference: str
    code: str
    amount: int
    currency: str
    cancelled: int = 0
    voided: bool = False


@dataclass
class _Cancellation:
    id: str
    redemption_id: str
    reference: str
    amount: int
    currency: str


@dataclass
class _Void:
    reference: str
    voided: bool
    amount: int = 0
    currency: str | None = None


def _money(cent_amount: int, currency: str) -> dict:
    return {"centAmount": cent_amount, "currencyCode": currency}


class Ledger:
    """Thread-safe in-memory state of the mock provider."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget everything and re-create the seeded PIN cards."""
        with self._lock:
            self._cards: dict[str, _Card] = {
                code: _Card(code, currency, amount, pin=pin)
                for code, pin, amount, currency in SEEDED_CARDS
            }
            self._redemptions: dict[str, _Redemption] = {}
            self._by_reference: dict[str, _Redemption] = {}
            self._cancellations: dict[str, _Cancellation] = {}
            self._voids: dict[str, _Void] = {}

    def add_card(
        self, code: str, pin: str | None, cent_amount: int, currency: str, expired: bool = False
    ) -> dict:
        """Create or replace a card (admin seeding)."""
        with self._lock:
            card = _Card(code, currency, cent_amount, pin=pin, expired=expired)
            self._cards[code] = card
            return self._card_dict(card)

    def balance(self, code: str, pin: str | None, currency: str | None) -> dict:
        """The balance of a usable card; declines say why it is not usable."""
        with self._lock:
            card = self._usable_card(code, pin)
            if currency is not None and currency != card.currency:
                raise ProviderError(400, "CurrencyNotMatch", "Card currency does not match")
            if card.balance == 0:
                raise ProviderError(400, "ZeroBalance", "Card has no balance left")
            return {"amount": _money(card.balance, card.currency)}

    def redeem(
        self, code: str, pin: str | None, cent_amount: int, currency: str, reference: str
    ) -> tuple[dict, bool]:
        """Debit the card once per reference; returns the redemption and whether it is new."""
        with self._lock:
            if reference in self._voids:
                raise ProviderError(400, "Voided", "This reference was voided")
            existing = self._by_reference.get(reference)
            if existing is not None:
                if (existing.code, existing.amount, existing.currency) != (
                    code,
                    cent_amount,
                    currency,
                ):
                    raise ProviderError(
                        409, "ReferenceConflict", "Reference already used for another redemption"
                    )
                return self._redemption_dict(existing), False
            card = self._usable_card(code, pin)
            if card.redeem_expired:
                raise ProviderError(400, "Expired", "Card has expired")
            if currency != card.currency:
                raise ProviderError(400, "CurrencyNotMatch", "Card currency does not match")
            if card.balance == 0:
                raise ProviderError(400, "ZeroBalance", "Card has no balance left")
            if card.balance < cent_amount:
                raise ProviderError(400, "InsufficientBalance", "Card balance is too low")
            card.balance -= cent_amount
            record = _Redemption(f"rdm_{uuid.uuid4().hex}", reference, code, cent_amount, currency)
            self._redemptions[record.id] = record
            self._by_reference[reference] = record
            return self._redemption_dict(record), True

    def cancel(
        self, redemption_id: str, cent_amount: int, currency: str, reference: str
    ) -> tuple[dict, bool]:
        """Give back part or all of a redemption once per reference."""
        with self._lock:
            record = self._redemptions.get(redemption_id)
            if record is None:
                raise ProviderError(404, "RedemptionNotFound", "No such redemption")
            existing = self._cancellations.get(reference)
            if existing is not None:
                if (existing.redemption_id, existing.amount, existing.currency) != (
                    redemption_id,
                    cent_amount,
                    currency,
                ):
                    raise ProviderError(
                        409, "ReferenceConflict", "Reference already used for another cancellation"
                    )
                return self._cancellation_dict(existing), False
            if record.voided:
                raise ProviderError(400, "Voided", "The redemption was voided")
            if currency != record.currency:
                raise ProviderError(400, "CurrencyNotMatch", "Currency differs from the redemption")
            if cent_amount > record.amount - record.cancelled:
                raise ProviderError(
                    400, "AmountExceedsRedemption", "Amount exceeds what is left to cancel"
                )
            record.cancelled += cent_amount
            self._cards[record.code].balance += cent_amount
            cancellation = _Cancellation(
                f"cnl_{uuid.uuid4().hex}", redemption_id, reference, cent_amount, currency
            )
            self._cancellations[reference] = cancellation
            return self._cancellation_dict(cancellation), True

    def void(self, reference: str) -> dict:
        """Undo the redemption with this reference, or leave a tombstone that blocks it."""
        with self._lock:
            void = self._voids.get(reference)
            if void is None:
                record = self._by_reference.get(reference)
                if record is None:
                    void = _Void(reference, False)
                else:
                    remaining = record.amount - record.cancelled
                    record.voided = True
                    self._cards[record.code].balance += remaining
                    void = _Void(reference, True, remaining, record.currency)
                self._voids[reference] = void
            return self._void_dict(void)

    def snapshot(self) -> dict:
        """Everything, for test assertions through ``GET /_admin/ledger``."""
        with self._lock:
            return {
                "cards": {code: self._card_dict(card) for code, card in self._cards.items()},
                "redemptions": [
                    {
                        **self._redemption_dict(r),
                        "code": r.code,
                        "cancelled": _money(r.cancelled, r.currency),
                        "voided": r.voided,
                    }
                    for r in self._redemptions.values()
                ],
                "cancellations": [self._cancellation_dict(c) for c in self._cancellations.values()],
                "voids": [self._void_dict(v) for v in self._voids.values()],
            }

    def _usable_card(self, code: str, pin: str | None) -> _Card:
        card = self._cards.get(code) or self._magic_card(code)
        if card.pin is not None and pin != card.pin:
            raise ProviderError(400, "InvalidPin", "PIN is missing or wrong")
        if card.expired:
            raise ProviderError(400, "Expired", "Card has expired")
        return card

    def _magic_card(self, code: str) -> _Card:
        """Understand the upstream mock's codes; a valid one joins the ledger on first sight."""
        if code == "Expired":
            raise ProviderError(400, "Expired", "Card has expired")
        if code == "NotFound":
            raise ProviderError(404, "NotFound", "Card not found")
        if code == "GenericError":
            raise ProviderError(500, "GenericError", "Provider error")
        match = MAGIC_VALID.fullmatch(code)
        if match is None:
            raise ProviderError(404, "Invalid", "Card is not valid")
        digits, currency = match.groups()
        card = _Card(code, currency, int(digits), redeem_expired=digits.startswith("00"))
        self._cards[code] = card
        return card

    @staticmethod
    def _card_dict(card: _Card) -> dict:
        return {
            "amount": _money(card.balance, card.currency),
            "hasPin": card.pin is not None,
            "expired": card.expired or card.redeem_expired,
        }

    @staticmethod
    def _redemption_dict(record: _Redemption) -> dict:
        return {
            "id": record.id,
            "reference": record.reference,
            "amount": _money(record.amount, record.currency),
        }

    @staticmethod
    def _cancellation_dict(record: _Cancellation) -> dict:
        return {
            "id": record.id,
            "redemptionId": record.redemption_id,
            "reference": record.reference,
            "amount": _money(record.amount, record.currency),
        }

    @staticmethod
    def _void_dict(void: _Void) -> dict:
        body = {"reference": void.reference, "voided": void.voided}
        if void.voided:
            body["amount"] = _money(void.amount, void.currency)
        return body
