"""A small stateful fake of the example API that client.py is written for (see README.md).

The conformance suite runs the processor against it on loopback, and so can the demo
(``python tests/example_api.py``). It keeps cards, redemptions, refunds and voids in
memory and honours the rules client.py relies on: Idempotency-Key replays, voids by
merchantTransactionId, refunds never above what was redeemed. When you adapt client.py to
the real API, adapt this fake with it, or point the conformance fixture at your sandbox.
"""

from __future__ import annotations

import argparse
import secrets
import threading
from dataclasses import dataclass

from flask import Flask, request

API_KEY = "example-api-key"
CURRENCY = "EUR"
PIN_POLICY = "none"  # "required": every card has a PIN; "optional": some do
PARTIAL_REFUNDS = False


class Refused(Exception):
    """An error answer: ``{"error": {"code", "message"}}`` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Card:
    number: str
    balance: int
    currency: str
    pin: str | None = None
    expired: bool = False
    blocked: bool = False


@dataclass
class Redemption:
    id: str
    card: Card
    amount: int
    currency: str
    merchant_transaction_id: str
    refunded: int = 0
    voided: bool = False


class ExampleApi:
    """The fake's state; every change happens under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget every card and transaction (tests share one server)."""
        with self.lock:
            self.cards: dict[str, Card] = {}
            self.redemptions: dict[str, Redemption] = {}
            self.by_transaction: dict[str, Redemption] = {}
            self.voided_transactions: set[str] = set()
            self.answers: dict[str, tuple[tuple, tuple[dict, int]]] = {}  # key -> first answer

    def issue_card(self, cents: int, currency: str = CURRENCY, *, pin: str | None = None,
                   expired: bool = False, blocked: bool = False) -> Card:
        """A new card with a random 16-digit number; with a PIN when the policy is "required"."""
        if pin is None and PIN_POLICY == "required":
            pin = f"{secrets.randbelow(10_000):04d}"
        number = "".join(str(secrets.randbelow(10)) for _ in range(16))
        with self.lock:
            card = self.cards[number] = Card(number, cents, currency, pin, expired, blocked)
        return card

    def balance_of(self, number: str) -> int:
        with self.lock:
            return self.cards[number].balance

    def card(self, body: dict) -> Card:
        """The card a request names, checked as the real API would."""
        card = self.cards.get(str(body.get("cardNumber", "")))
        if card is None:
            raise Refused(404, "card_not_found", "No such card.")
        if card.expired:
            raise Refused(422, "card_expired", "The card has expired.")
        if card.blocked:
            raise Refused(422, "card_blocked", "The card is blocked.")
        if card.pin is not None and not body.get("pin"):
            raise Refused(422, "pin_required", "This card needs its PIN.")
        if card.pin is not None and body.get("pin") != card.pin:
            raise Refused(422, "pin_invalid", "The PIN is not correct.")
        return card

    def replay(self, key: str, fingerprint: tuple, act) -> tuple[dict, int]:
        """The first answer to ``key`` again, or ``act()``'s answer, remembered for ``key``."""
        if key in self.answers:
            first, answer = self.answers[key]
            if first != fingerprint:
                raise Refused(422, "idempotency_conflict", "Key reused for another request.")
            return answer
        answer = act()
        self.answers[key] = (fingerprint, answer)
        return answer

    def redeem(self, body: dict, key: str) -> tuple[dict, int]:
        transaction = str(body.get("merchantTransactionId") or "")
        amount, currency = body.get("amount"), body.get("currency")
        if not transaction or not isinstance(amount, int) or amount <= 0:
            raise Refused(400, "invalid_request", "A transaction id and an amount are required.")
        if transaction in self.voided_transactions:
            raise Refused(409, "transaction_voided", "This transaction was voided.")

        def act() -> tuple[dict, int]:
            card = self.card(body)
            if currency != card.currency:
                raise Refused(422, "currency_mismatch", "The card is in another currency.")
            if card.balance == 0:
                raise Refused(422, "zero_balance", "The card has no balance left.")
            if amount > card.balance:
                raise Refused(422, "insufficient_funds", "The card's balance is too low.")
            card.balance -= amount
            redemption = Redemption(
                f"rdm_{secrets.token_hex(8)}", card, amount, currency, transaction
            )
            self.redemptions[redemption.id] = self.by_transaction[transaction] = redemption
            return {"id": redemption.id, "amount": amount, "currency": currency,
                    "merchantTransactionId": transaction}, 201

        fingerprint = ("redeem", body.get("cardNumber"), amount, currency, transaction)
        return self.replay(key, fingerprint, act)

    def refund(self, redemption_id: str, body: dict, key: str) -> tuple[dict, int]:
        amount, currency = body.get("amount"), body.get("currency")
        if not isinstance(amount, int) or amount <= 0:
            raise Refused(400, "invalid_request", "A positive amount is required.")

        def act() -> tuple[dict, int]:
            redemption = self.redemptions.get(redemption_id)
            if redemption is None:
                raise Refused(404, "redemption_not_found", "No such redemption.")
            if redemption.voided:
                raise Refused(409, "redemption_voided", "The redemption was voided.")
            if currency != redemption.currency:
                raise Refused(422, "currency_mismatch", "The redemption is in another currency.")
            left = redemption.amount - redemption.refunded
            if amount > left:
                raise Refused(422, "amount_exceeds_redemption", "More than is left to refund.")
            if not PARTIAL_REFUNDS and (redemption.refunded or amount != redemption.amount):
                raise Refused(422, "partial_refund_not_supported", "Only whole redemptions.")
            redemption.refunded += amount
            redemption.card.balance += amount
            return {"id": f"rfd_{secrets.token_hex(8)}", "redemptionId": redemption.id,
                    "amount": amount, "currency": currency}, 201

        return self.replay(key, ("refund", redemption_id, amount, currency), act)

    def void(self, body: dict) -> tuple[dict, int]:
        transaction = str(body.get("merchantTransactionId") or "")
        if not transaction:
            raise Refused(400, "invalid_request", "merchantTransactionId is required.")
        self.voided_transactions.add(transaction)  # a later redeem with it is refused
        redemption = self.by_transaction.get(transaction)
        if redemption is None:
            return {"merchantTransactionId": transaction, "voided": False, "amount": 0,
                    "currency": CURRENCY}, 200
        given_back = redemption.amount - redemption.refunded
        if not redemption.voided:
            redemption.voided = True
            redemption.card.balance += given_back
        return {"merchantTransactionId": transaction, "voided": True, "amount": given_back,
                "currency": redemption.currency}, 200


def create_app(api: ExampleApi | None = None) -> Flask:
    """The example API over HTTP; ``app.extensions["example_api"]`` is its state."""
    api = api or ExampleApi()
    app = Flask(__name__)
    app.extensions["example_api"] = api

    @app.errorhandler(Refused)
    def refused(error: Refused):
        return {"error": {"code": error.code, "message": error.message}}, error.status

    @app.before_request
    def authenticate():
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            raise Refused(401, "unauthorized", "A valid API key is required.")

    def body() -> dict:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise Refused(400, "invalid_request", "The body must be a JSON object.")
        return data

    def idempotency_key() -> str:
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            raise Refused(400, "invalid_request", "The Idempotency-Key header is required.")
        return key

    @app.post("/v1/balance-inquiries")
    def balance():
        with api.lock:
            card = api.card(body())
            return {"balance": card.balance, "currency": card.currency}

    @app.post("/v1/redemptions")
    def redeem():
        with api.lock:
            return api.redeem(body(), idempotency_key())

    @app.post("/v1/redemptions/<redemption_id>/refunds")
    def refund(redemption_id: str):
        with api.lock:
            return api.refund(redemption_id, body(), idempotency_key())

    @app.post("/v1/voids")
    def void():
        with api.lock:
            return api.void(body())

    @app.get("/v1/health")
    def health():
        return {"status": "ok"}

    return app


def main() -> None:
    """Serve the fake with a few cards, for the local demo."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    port = parser.parse_args().port
    api = ExampleApi()
    cards = [api.issue_card(cents) for cents in (5000, 2500)] + [api.issue_card(1000, expired=True)]
    print(f"example API on http://127.0.0.1:{port}  (API key {API_KEY})")
    for card in cards:
        pin = f", PIN {card.pin}" if card.pin else ""
        state = " (expired)" if card.expired else ""
        print(f"  card {card.number}: {card.balance} {card.currency} in minor units{pin}{state}")
    create_app(api).run(host="127.0.0.1", port=port)


if __name__ == "__main__":
    main()
