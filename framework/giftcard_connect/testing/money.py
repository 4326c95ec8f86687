"""The money invariant: the provider's books and the commercetools journal agree, card by card.

For every card, what the provider holds from it (its net debit: redemptions minus what
cancels and voids gave back) equals what commercetools says was taken: Σ Success Charge −
Σ Success Refund of the gift card payments whose Charge ``interactionId`` is one of that
card's redemption references (a ``<reference>:void`` Refund sits in that same payment).
Besides, no payment records money that no card backs, no reference is the charge of two
payments, no payment charges two cards, and, unless ``allow_pending``, nothing is left
Pending.

``journal_problems`` is a pure function over the payments' JSON, so that the check itself
can be tested on inconsistent data; how a provider's net debit per card is learned (a
ledger, a balance before and after) is up to the caller.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from ..journal import METHOD


def _cents(money: Mapping[str, Any]) -> int:
    return int(money["centAmount"])


def journal_problems(
    payments: Iterable[Mapping[str, Any]],
    card_of_reference: Mapping[str, str],
    held_by_provider: Mapping[str, int],
    *,
    allow_pending: bool = False,
) -> list[str]:
    """Every way in which the gift card payments disagree with the provider's net debits.

    ``card_of_reference`` maps a redemption reference (a Charge's ``interactionId``) to a
    card's label; ``held_by_provider`` maps a card's label to what the provider holds from
    it, in minor units. Labels appear in the messages, so they must not be card codes
    where the messages may be seen by others.
    """
    problems: list[str] = []
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

    for label in sorted(set(held_by_provider) | set(recorded)):
        held, booked = held_by_provider.get(label, 0), recorded.get(label, 0)
        if held != booked:
            problems.append(
                f"card {label}: provider holds {held} but commercetools records {booked} as taken"
            )
    return problems


def fetch_payments(merchant) -> list[dict[str, Any]]:
    """Every payment in the project, as the merchant sees it."""
    payments: list[dict[str, Any]] = []
    while True:
        page = merchant.query_payments([], limit=500, offset=len(payments), sort="createdAt asc")
        payments += page["results"]
        if len(page["results"]) < 500:
            return payments
