"""The money invariant: the provider's books and the commercetools journal agree, card by card.

For every card the mock provider knows:

* what the provider holds from it (debits − credits: redemptions, minus what was cancelled,
  minus what a void gave back) equals what commercetools says was taken (Σ Success Charge −
  Σ Success Refund of the gift card payments whose Charge ``interactionId`` is one of the
  card's redemption references; a ``<reference>:void`` Refund sits in that same payment);
* its balance is its initial balance minus what the provider holds;

and no commercetools payment records money (a Success Charge or Refund) that no provider
redemption backs, no reference is shared by two payments, and — unless ``allow_pending`` —
no transaction is left Pending.

``book_problems`` is a pure function over the two JSON documents so that the checker itself
can be tested on inconsistent data; ``assert_books_balance`` fetches them over HTTP.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import requests

METHOD = "giftcard"
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

    recorded: dict[str, int] = defaultdict(int)
    payments_of_reference: dict[str, list[str]] = defaultdict(list)
    for payment in payments:
        if (payment.get("paymentMethodInfo") or {}).get("method") != METHOD:
            continue
        transactions = payment.get("transactions", [])
        charges = [t for t in transactions if t["type"] == "Charge"]
        if not allow_pending:
            for t in transactions:
                if t["state"] == "Pending":
                    problems.append(
                        f"commercetools: payment {payment['id']} still has a Pending {t['type']}"
                    )
        references = [c.get("interactionId") for c in charges]
        for reference in set(references):
            payments_of_reference[reference].append(payment["id"])
        taken = sum(_cents(c["amount"]) for c in charges if c["state"] == "Success")
        given_back = sum(
            _cents(t["amount"])
            for t in transactions
            if t["type"] == "Refund" and t["state"] == "Success"
        )
        for refund in (t for t in transactions if t["type"] == "Refund"):
            interaction = refund.get("interactionId") or ""
            if interaction.endswith(":void") and interaction[: -len(":void")] not in references:
                problems.append(
                    f"commercetools: payment {payment['id']} has a void Refund of another charge"
                )
        cards = {card_of_reference[r] for r in references if r in card_of_reference}
        if len(cards) > 1:
            problems.append(f"commercetools: payment {payment['id']} charges several cards")
        if not cards:
            if taken or given_back:
                problems.append(
                    f"commercetools: payment {payment['id']} records {taken} charged and "
                    f"{given_back} refunded with no provider redemption behind it"
                )
            continue
        recorded[cards.pop()] += taken - given_back

    for reference, ids in payments_of_reference.items():
        if len(ids) > 1:
            problems.append(f"commercetools: reference {reference} is the charge of payments {ids}")

    cards = ledger.get("cards", {})
    for code in sorted(set(cards) | set(held_by_provider) | set(recorded)):
        label = f"card {code}"
        held, booked = held_by_provider.get(code, 0), recorded.get(code, 0)
        if held != booked:
            problems.append(
                f"{label}: provider holds {held} but commercetools records {booked} as taken"
            )
        if code not in cards:
            problems.append(f"{label}: redeemed but unknown to the provider's card list")
            continue
        initial = initial_balance(code, initial_balances)
        if initial is None:
            problems.append(f"{label}: initial balance unknown; pass it in initial_balances")
            continue
        balance = _cents(cards[code]["amount"])
        if balance != initial - held:
            problems.append(
                f"{label}: balance {balance}, expected {initial} − {held} = {initial - held}"
            )
    return problems


def fetch_ledger(mock_url: str) -> dict[str, Any]:
    response = requests.get(f"{mock_url}/_admin/ledger", timeout=5)
    response.raise_for_status()
    return response.json()


def fetch_payments(merchant) -> list[dict[str, Any]]:
    """Every payment in the project, as the merchant sees it."""
    payments: list[dict[str, Any]] = []
    while True:
        page = merchant.query_payments([], limit=500, offset=len(payments), sort="createdAt asc")
        payments += page["results"]
        if len(page["results"]) < 500:
            return payments


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
