"""The chaos run's plan, drawn from one seed: cards, checkouts, and the faults between them.

Pure data, so that one seed always gives the same plan: which checkouts (and with which
cards and amounts), which faults and before which checkout each is injected. How the
concurrent checkouts interleave with each other and with the faults is up to the
machine; the plan is not.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

CURRENCY = "EUR"
PIN = "4321"

# How often each kind of checkout is drawn.
CHECKOUT_KINDS = {
    "single card": 4,
    "split over cards": 3,
    "duplicate submit": 2,
    "concurrent submits": 2,
    "refund": 2,
    "reversal": 2,
    "unknown card": 1,
}

# How often each kind of fault is drawn; the ``kill`` kind needs gunicorn workers.
FAULT_KINDS = {
    "commercetools 503": 3,
    "commercetools 409": 2,
    "commercetools answer lost": 2,
    "commercetools latency": 2,
    "provider 503": 3,
    "provider timeout": 2,
    "provider applied, answer lost": 3,
    "processor worker killed": 1,
}

# After the plan: the provider too slow for a last redeem and its void (it is booked, and
# voided, after the processor gave up on both), so reconcile always has a charge to resolve.
STRANDING = "provider too slow for a last redeem and its void"

# commercetools routes a checkout uses (emulator fault keys), and those that write.
READ_ROUTES = ["GET /<projectKey>/carts/<id>", "GET /<projectKey>/payments/<id>",
               "GET /<projectKey>/sessions/<id>", "GET /<projectKey>/payments/key=<paymentKey>"]
WRITE_ROUTES = ["POST /<projectKey>/payments", "POST /<projectKey>/payments/<id>",
                "POST /<projectKey>/carts/<id>"]


@dataclass(frozen=True)
class Card:
    code: str
    cents: int
    pin: str | None


@dataclass(frozen=True)
class Checkout:
    """One shopper's checkout: a cart of ``total`` paid with ``cards`` (indexes), by kind."""

    number: int
    kind: str
    total: int
    cards: tuple[int, ...]
    amounts: tuple[int, ...]  # what each card is asked to pay
    # Duplicate submit: both at once, or one after the other. Refund: the same refund sent
    # twice. Reversal: reversePayment and cancelPayment at once, rather than one of them.
    twice_at_once: bool = False
    refund_cents: int = 0
    then_cancel: bool = False  # refund: cancelPayment what remains afterwards
    reverse: bool = False  # reversal alone: reversePayment, else cancelPayment


@dataclass(frozen=True)
class Fault:
    """A fault injected just before checkout ``before`` starts."""

    before: int
    kind: str
    emulator: dict | None = None  # an /_emulator/faults entry
    provider: dict | None = None  # mock provider fault settings
    instance: int = 0  # which processor instance loses a worker, and which of its workers
    worker: int = 0
    clear_after: float = 0.0  # seconds after which the provider's faults are cleared


@dataclass
class Plan:
    seed: int
    cards: list[Card] = field(default_factory=list)
    checkouts: list[Checkout] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    def faults_before(self, number: int) -> list[Fault]:
        return [fault for fault in self.faults if fault.before == number]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _split(rng: random.Random, total: int, parts: int) -> tuple[int, ...]:
    """``total`` in ``parts`` positive amounts."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return tuple(b - a for a, b in zip([0, *cuts], [*cuts, total]))


def _checkout(rng: random.Random, number: int, card_count: int) -> Checkout:
    kind = _weighted(rng, CHECKOUT_KINDS)
    total = rng.randrange(500, 12_000, 50)
    if kind == "split over cards":
        cards = tuple(rng.sample(range(card_count), rng.choice((2, 3))))
        return Checkout(number, kind, total, cards, _split(rng, total, len(cards)))
    if kind == "concurrent submits":
        cards = tuple(rng.sample(range(card_count), 2))
        # Each asks for more than half of the cart: both cannot fit.
        amounts = tuple(rng.randrange(total // 2 + 50, total + 1, 10) for _ in cards)
        return Checkout(number, kind, total, cards, amounts)
    card = (rng.randrange(card_count),)
    if kind == "unknown card":
        return Checkout(number, kind, total, (-1,), (total,))
    refund = rng.randrange(1, total + 1) if kind == "refund" else 0
    return Checkout(number, kind, total, card, (total,), twice_at_once=rng.random() < 0.5,
                    refund_cents=refund, then_cancel=rng.random() < 0.5,
                    reverse=rng.random() < 0.5)


def _fault(rng: random.Random, before: int, instances: int, provider_timeout: float) -> Fault:
    kind = _weighted(rng, FAULT_KINDS)
    times = rng.randint(1, 3)
    if kind == "commercetools 503":
        route = rng.choice(READ_ROUTES + WRITE_ROUTES)
        return Fault(before, kind, emulator={"route": route, "status": 503, "times": times})
    if kind == "commercetools 409":
        route = rng.choice(WRITE_ROUTES[1:])
        return Fault(before, kind, emulator={"route": route, "status": 409, "times": times})
    if kind == "commercetools answer lost":
        route = rng.choice(WRITE_ROUTES)
        return Fault(before, kind, emulator={"route": route, "status": 503, "after": True,
                                             "times": times})
    if kind == "commercetools latency":
        return Fault(before, kind, emulator={"route": "*", "delay": 0.2, "times": 5 * times})
    if kind == "provider 503":  # the plugin retries a 503 once: two in a row fail a call
        return Fault(before, kind, provider={"fail_next": 1 + times})
    if kind == "provider timeout":
        return Fault(before, kind, provider={"latency": provider_timeout + 0.5},
                     clear_after=provider_timeout)
    if kind == "provider applied, answer lost":
        return Fault(before, kind, provider={"apply_then_delay": provider_timeout + 1,
                                             "apply_then_delay_next": times})
    return Fault(before, kind, instance=rng.randrange(instances), worker=rng.randrange(8))


def make_plan(seed: int, checkouts: int, *, cards: int, faults: int, instances: int,
              provider_timeout: float) -> Plan:
    rng = random.Random(seed)
    plan = Plan(seed)
    for index in range(cards):
        pin = PIN if rng.random() < 0.25 else None
        plan.cards.append(Card(f"CHAOS-{seed}-{index:04d}", rng.randrange(20_000, 100_000, 100), pin))
    plan.checkouts = [_checkout(rng, number, cards) for number in range(checkouts)]
    moments = sorted(rng.randrange(1, checkouts) for _ in range(faults))
    plan.faults = [_fault(rng, moment, instances, provider_timeout) for moment in moments]
    return plan
