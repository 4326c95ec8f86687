"""One conformance scenario: the processor's HTTP API, direct hook calls, and the checks that
every scenario ends with (the money invariant, no code or PIN in a log record)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

import pytest
import requests

from ..errors import ProviderUnavailable
from ..hookspecs import hookimpl
from ..journal import charge_of
from ..models import GiftCard, Money, ProviderContext, mask
from ..servers import BackgroundServer
from .logcheck import leaks
from .money import fetch_payments, journal_problems
from .services import Checkout
from .subject import CardSample, ProviderUnderTest

# The HTTP statuses the processor may give a declined balance or redeem. The suite judges
# a decline by its body (``status.state``, and ``result == "Failure"`` for a redeem); this
# is the one place that knows the statuses. 502: the provider's answer was unknown and
# the charge was voided.
DECLINE_STATUSES = frozenset({200, 400, 502})

MONEY_RULE = (
    "the money invariant must hold after every scenario (for each card, the provider's net "
    "debit = Σ Success Charge − Σ Success Refund recorded in commercetools; hooks "
    "giftcard_redeem, giftcard_cancel, giftcard_void)"
)
LOG_RULE = (
    "no gift card code or PIN may appear in any log record, at any level (log "
    "GiftCard's masked repr, never card.code or card.pin)"
)


def broken(rule: str, detail: str | list[str]) -> NoReturn:
    """Fail the scenario with the rule that was broken and what happened instead."""
    if isinstance(detail, list):
        pytest.fail(f"{rule}:\n  " + "\n  ".join(detail), pytrace=False)
    pytest.fail(f"{rule}; {detail}", pytrace=False)


def describe(response: requests.Response) -> str:
    """``POST /redeem answered 400 {…}``, for a failure message."""
    request, body = response.request, response.text.strip()
    return f"{request.method} {request.path_url} answered {response.status_code} {body}"


@dataclass(frozen=True)
class HookCall:
    """What a hook called directly did: returned ``value`` or raised ``error``."""

    value: Any = None
    error: Exception | None = None

    def __str__(self) -> str:
        if self.error is not None:
            return f"it raised {self.error!r}"
        return f"it returned {self.value!r}"


class LostAnswer:
    """Registered in front of the plugin: lets the real redeem happen, then loses its answer,
    as a timeout after the provider charged would."""

    def __init__(self):
        self.references: list[str] = []

    @hookimpl(wrapper=True)
    def giftcard_redeem(self, reference):
        yield
        self.references.append(reference)
        raise ProviderUnavailable(f"conformance suite: the answer to redeem {reference} was lost")


class ConformanceRun:
    """Drives one processor of the plugin under test and keeps the books of what it did."""

    def __init__(
        self,
        subject: ProviderUnderTest,
        processor: BackgroundServer,
        checkout: Checkout,
        merchant_token: str,
        caplog: pytest.LogCaptureFixture,
    ):
        self.subject = subject
        self.url = processor.url
        runtime = processor.app.extensions["giftcard_connect"]
        self.settings = runtime.settings
        self.info = runtime.provider.info
        self.pm = processor.app.extensions["giftcard_connect_plugins"]
        self.checkout = checkout
        self._token = merchant_token
        self._caplog = caplog
        self._http = requests.Session()
        self._provider_http = requests.Session()
        self._cards: dict[str, tuple[CardSample, int | None]] = {}
        self._label: dict[CardSample, str] = {}
        self._payments: dict[str, str] = {}
        self._outside: dict[str, int] = {}

    def close(self) -> None:
        self._http.close()
        self._provider_http.close()

    # --- cards ------------------------------------------------------------------------

    def new_card(self, cents: int) -> CardSample:
        """A fresh card from the fixture, checked to hold ``cents`` at the provider."""
        card = self.subject.new_card(cents)
        if not isinstance(card, CardSample):
            broken(
                "giftcard_provider_under_test: new_card(cents) must return a CardSample",
                f"it returned {type(card).__name__}",
            )
        self._track(card, cents)
        balance = self.balance_at_provider(card)
        if balance != cents:
            broken(
                "giftcard_provider_under_test: new_card(cents) must give a card holding cents",
                f"new_card({cents}) gave {card}, whose balance_at_provider is {balance}",
            )
        return card

    def declined_cards(self) -> dict[str, CardSample]:
        for state, card in self.subject.declined_cards.items():
            self._track(card, None, f"{state} card")
        return dict(self.subject.declined_cards)

    def balance_at_provider(self, card: CardSample) -> int:
        balance = self.subject.balance_at_provider(card)
        if isinstance(balance, bool) or not isinstance(balance, int):
            broken(
                "giftcard_provider_under_test: balance_at_provider(card) must return minor units "
                "as an int",
                f"it returned {balance!r}",
            )
        return balance

    def hold_outside_commercetools(self, card: CardSample, cents: int) -> None:
        """Money a scenario took by calling hooks directly, which commercetools never saw."""
        label = self._label[card]
        self._outside[label] = self._outside.get(label, 0) + cents

    def _track(self, card: CardSample, initial: int | None, kind: str = "card") -> None:
        if card not in self._label:
            self._label[card] = f"{kind} {len(self._label) + 1} ({mask(card.code)})"
            self._cards[self._label[card]] = (card, initial)

    # --- the processor's HTTP API -----------------------------------------------------

    def session(self, cart_cents: int = 10_000) -> str:
        """A Checkout session for a new cart of ``cart_cents``."""
        return self.checkout.session(self.checkout.cart(cart_cents))

    def config(self, session: str) -> requests.Response:
        return self._http.get(
            f"{self.url}/operations/config", headers={"X-Session-Id": session}, timeout=30
        )

    def post_balance(self, session: str, card: CardSample) -> requests.Response:
        return self._http.post(
            f"{self.url}/balance",
            json=self._card_fields(card),
            headers={"X-Session-Id": session},
            timeout=30,
        )

    def post_redeem(self, session: str, card: CardSample, cents: int) -> requests.Response:
        body = {**self._card_fields(card), "redeemAmount": self.money(cents).to_dict()}
        response = self._http.post(
            f"{self.url}/redeem",
            json=body,
            headers={"X-Session-Id": session, "Idempotency-Key": str(uuid.uuid4())},
            timeout=30,
        )
        reference = json_body(response).get("paymentReference")
        if reference:
            self._payments[reference] = self._label[card]
        return response

    def intent(self, payment_id: str, action: str, **fields: Any) -> requests.Response:
        """``POST /operations/payment-intents/{payment_id}`` as Checkout sends it."""
        return self._http.post(
            f"{self.url}/operations/payment-intents/{payment_id}",
            json={"actions": [{"action": action, **fields}]},
            headers={"Authorization": f"Bearer {self._token}"},
            timeout=30,
        )

    def payment(self, payment_id: str) -> dict:
        return self.checkout.merchant.get_payment(payment_id)

    def money(self, cents: int) -> Money:
        return Money(cents, self.subject.currency)

    @staticmethod
    def _card_fields(card: CardSample) -> dict[str, str]:
        return {"code": card.code, **({"pin": card.pin} if card.pin else {})}

    # --- hooks, called directly -------------------------------------------------------

    def context(self) -> ProviderContext:
        """The context the processor gives its hooks."""
        return ProviderContext(
            config=self.settings.provider_config,
            http=self._provider_http,
            timeout=(self.settings.provider_connect_timeout, self.settings.provider_read_timeout),
            currency=self.settings.currency,
        )

    def call(self, hook: str, **arguments: Any) -> HookCall:
        """Call a provider hook through the processor's plugin manager."""
        if hook != "giftcard_provider_info":
            arguments["context"] = self.context()
        try:
            return HookCall(value=getattr(self.pm.hook, hook)(**arguments))
        except Exception as exc:  # noqa: BLE001 - every outcome is judged by the caller
            return HookCall(error=exc)

    @staticmethod
    def gift_card(card: CardSample) -> GiftCard:
        return GiftCard(code=card.code, pin=card.pin)

    @contextmanager
    def answers_lost(self) -> Iterator[LostAnswer]:
        """While inside, every redeem happens at the provider but its answer is lost."""
        lost = LostAnswer()
        self.pm.register(lost, name="conformance-lost-answer")
        try:
            yield lost
        finally:
            self.pm.unregister(lost)

    # --- what every scenario ends with ------------------------------------------------

    def verify(self) -> None:
        """The money invariant over every card of the scenario, and no secret in the logs."""
        payments = fetch_payments(self.checkout.merchant)
        card_of_reference = {}
        for payment in payments:
            charge = charge_of(payment)
            if payment["id"] in self._payments and charge is not None:
                card_of_reference[charge.get("interactionId")] = self._payments[payment["id"]]
        held = {
            label: initial - self.balance_at_provider(card) - self._outside.get(label, 0)
            for label, (card, initial) in self._cards.items()
            if initial is not None
        }
        problems = journal_problems(payments, card_of_reference, held)
        if problems:
            broken(MONEY_RULE, problems)
        records: list[logging.LogRecord] = [
            *self._caplog.get_records("setup"),
            *self._caplog.get_records("call"),
        ]
        found = leaks(records, self._label)
        if found:
            broken(LOG_RULE, found)


def json_body(response: requests.Response) -> dict:
    """The response's JSON object, or {} when it has none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
