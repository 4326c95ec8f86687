"""The money invariant for the mock provider, read off its ledger (for tests and chaos runs).

The invariant itself (provider net debit per card = Σ Success Charge − Σ Success Refund in
commercetools, and the journal's own consistency) is ``giftcard_connect.testing.money``;
this module learns the mock's side of it from ``GET /_admin/ledger`` and adds what only a
ledger shows:

* no reference is redeemed twice, no redemption is cancelled beyond what it took;
* every card's balance is its initial balance minus what the provider holds.

``book_problems`` is a pure function over the two JSON documents so that the checker itself
can be tested on inconsistent data; ``assert_books_balance`` fetches them over HTTP.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import requests
from giftcard_connect.testing.money import fetch_payments, journal_problems

MAGIC_VALID = re.compile(r"Valid-(\d+)-([A-Z]{3})")
SEEDED_BALANCES = {"PIN-5000-EUR": 5000, "PIN-7500-GBP": 7500}  # the mock's seeded PIN cards


def initial_balance(code: str, initial_balances: Mapping[str, int]) -> int | None:
    """A card's balance before the test: given, seeded by the mock, or read off a magic code."""
    if code in initial_balances:
        return initial_balances[code]
    if code in SEEDED_BALANCES:
        return SEEDED_BALANCES[code]
    match = MAGIC_VALID.fullmatch(code)
    return int(match.group(1)) if match else None


def _cents(money: Mapping[str, Any]) -> int:
    return int(money["centAmount"])


def book_problems(
    ledger: Mapping[str, Any],
    payments: Iterable[Mapping[str, Any]],
    initial_balances: Mapping[str, int] | None = None,
    *,
    allow_pending: bool = False,
) -> list[str]:
    """Every way in which the provider ledger and the commercetools payments disagree."""
    initial_balances = dict(initial_balances or {})
    problems: list[str] = []

    card_of_reference: dict[str, str] = {}
    held_by_provider: dict[str, int] = defaultdict(int)
    for redemption in ledger.get("redemptions", []):
        reference, code = redemption["reference"], redemption["code"]
        if reference in card_of_reference:
            problems.append(f"provider: reference {reference} redeemed twice")
        card_of_reference[reference] = code
        amount, cancelled = _cents(redemption["amount"]), _cents(redemption["cancelled"])
        if cancelled > amount:
            problems.append(f"provider: redemption {redemption['id']} cancelled more than it took")
        held_by_provider[code] += 0 if redemption["voided"] else amount - cancelled

    problems += journal_problems(
        payments, card_of_reference, held_by_provider, allow_pending=allow_pending
    )

    cards = ledger.get("cards", {})
    for code in sorted(set(held_by_provider)):
        if code not in cards:
            problems.append(f"card {code}: redeemed but unknown to the provider's card list")
    for code in sorted(cards):
        initial = initial_balance(code, initial_balances)
        if initial is None:
            problems.append(f"card {code}: initial balance unknown; pass it in initial_balances")
            continue
        held, balance = held_by_provider.get(code, 0), _cents(cards[code]["amount"])
        if balance != initial - held:
            problems.append(
                f"card {code}: balance {balance}, expected {initial} − {held} = {initial - held}"
            )
    return problems


def fetch_ledger(mock_url: str) -> dict[str, Any]:
    response = requests.get(f"{mock_url}/_admin/ledger", timeout=5)
    response.raise_for_status()
    return response.json()


def assert_books_balance(
    merchant,
    mock_url: str,
    initial_balances: Mapping[str, int] | None = None,
    *,
    allow_pending: bool = False,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Fail with every disagreement found; return the ledger and payments it checked."""
    ledger = fetch_ledger(mock_url)
    payments = fetch_payments(merchant)
    problems = book_problems(ledger, payments, initial_balances, allow_pending=allow_pending)
    assert not problems, "the books do not balance:\n" + "\n".join(problems)
    return ledger, payments
