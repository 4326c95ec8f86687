"""What must hold after a chaos run, once reconcile ran: each check lists its violations.

* the books: per card, what the provider holds equals Σ Success Charge − Σ Success Refund
  in commercetools, balances agree with the provider's ledger, nothing is left Pending
  (``giftcard_connect_mock.books``);
* what shoppers were told: a redeem answered Success is a Success charge, one answered
  Failure took nothing (net of what a void gave back), a refund answered approved is a
  Success Refund, a cancel or reversal answered approved left nothing taken;
* no cart was paid beyond its total by concurrent or repeated redeems;
* nothing was done twice: no reference redeemed, cancelled or voided twice at the
  provider, no transaction recorded twice in commercetools, one void per charge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from giftcard_connect.journal import charge_of
from giftcard_connect_mock.books import book_problems


def _transactions(payment: Mapping[str, Any], kind: str, state: str) -> list[dict]:
    return [t for t in payment["transactions"] if t["type"] == kind and t["state"] == state]


def _net_taken(payment: Mapping[str, Any]) -> int:
    taken = sum(t["amount"]["centAmount"] for t in _transactions(payment, "Charge", "Success"))
    return taken - sum(t["amount"]["centAmount"]
                       for t in _transactions(payment, "Refund", "Success"))


def answer_problems(payments: Mapping[str, dict], redeemed: Mapping[str, str],
                    refunded: Iterable[tuple[str, int]], undone: Iterable[str],
                    contradictions: list[str]) -> list[str]:
    problems = list(contradictions)
    for payment_id in sorted(undone):
        if _net_taken(payments[payment_id]):
            problems.append(f"payment {payment_id}: undo approved, "
                            f"but {_net_taken(payments[payment_id])} is still taken")
    for payment_id, told in sorted(redeemed.items()):
        payment = payments.get(payment_id)
        charge = charge_of(payment) if payment else None
        if charge is None:
            problems.append(f"payment {payment_id}: answered {told}, but it has no charge")
        elif told == "Success" and charge["state"] != "Success":
            problems.append(f"payment {payment_id}: answered Success, charge is {charge['state']}")
        elif told == "Failure" and _net_taken(payment):
            problems.append(f"payment {payment_id}: answered Failure (nothing charged), "
                            f"but {_net_taken(payment)} is taken")
    for payment_id, cents in refunded:
        amounts = [t["amount"]["centAmount"]
                   for t in _transactions(payments[payment_id], "Refund", "Success")]
        if cents not in amounts:
            problems.append(f"payment {payment_id}: refund of {cents} approved, not recorded")
    return problems


def overpaid_carts(carts: Mapping[str, dict], totals: Mapping[str, int],
                   payments: Mapping[str, dict]) -> list[str]:
    """Carts whose Success charges add up to more than their total (refunds aside)."""
    problems = []
    for cart_id, total in sorted(totals.items()):
        ids = [ref["id"] for ref in (carts[cart_id].get("paymentInfo") or {}).get("payments", [])]
        charged = sum(t["amount"]["centAmount"] for pid in ids
                      for t in _transactions(payments[pid], "Charge", "Success"))
        if charged > total:
            problems.append(f"cart {cart_id}: {charged} charged for a total of {total}")
    return problems


def repeated_operations(ledger: Mapping[str, Any], payments: Iterable[dict]) -> list[str]:
    problems = []
    for section in ("redemptions", "cancellations", "voids"):
        seen = Counter(record["reference"] for record in ledger.get(section, []))
        problems += [f"provider: {section[:-1]} {reference} booked {count} times"
                     for reference, count in seen.items() if count > 1]
    for payment in payments:
        interactions = Counter(t.get("interactionId") for t in payment["transactions"]
                               if t.get("interactionId"))
        problems += [f"payment {payment['id']}: {reference} recorded {count} times"
                     for reference, count in interactions.items() if count > 1]
        voids = [t for t in payment["transactions"]
                 if t["type"] == "Refund" and (t.get("interactionId") or "").endswith(":void")]
        if len(voids) > 1:
            problems.append(f"payment {payment['id']}: voided {len(voids)} times")
    return problems


def all_problems(ledger: dict, payments: list[dict], carts: Mapping[str, dict], answers,
                 initial_balances: Mapping[str, int]) -> dict[str, list[str]]:
    """Every check's violations, by check."""
    by_id = {payment["id"]: payment for payment in payments}
    return {
        "books (provider = commercetools per card, nothing Pending)":
            book_problems(ledger, payments, initial_balances),
        "answers agree with the books":
            answer_problems(by_id, answers.redeemed, answers.refunded, answers.undone,
                            answers.contradictions),
        "no cart paid beyond its total": overpaid_carts(carts, answers.carts, by_id),
        "nothing done twice": repeated_operations(ledger, payments),
    }
