"""Resolve Pending gift card transactions left behind by crashes, timeouts or outages.

A transaction stays Pending only when the processor could not learn or record its
outcome. ``reconcile`` voids each Pending charge at the provider by its reference
(idempotent, and a no-op when nothing was redeemed), asks again for each Pending refund
(idempotent by its reference), and records the results; so it is safe to run repeatedly
and from several instances at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .journal import METHOD, timestamp
from .payments import complete_refund, resolve_pending_charge
from .runtime import Runtime

PAGE = 100


@dataclass(frozen=True)
class ReconcileRow:
    """One Pending transaction and what became of it."""

    payment_id: str
    transaction_id: str
    type: str
    reference: str
    amount: str
    created: str
    outcome: str  # voided, nothing to void, already final, refunded, refund refused, would …, unresolved: …

    @property
    def resolved(self) -> bool:
        return not self.outcome.startswith(("unresolved", "would"))


def pending_transactions(runtime: Runtime, older_than: float):
    """Yield ``(payment, transaction)`` for Pending gift card charges and refunds older than
    the threshold."""
    cutoff = datetime.now(timezone.utc) - timedelta(seconds=older_than)
    stamp = timestamp(cutoff)
    where = [
        f'paymentMethodInfo(method = "{METHOD}" and paymentInterface = '
        f"{json.dumps(runtime.settings.payment_interface)})",
        f'transactions(type in ("Charge", "Refund") and state = "Pending" '
        f'and timestamp < "{stamp}")',
    ]
    offset = 0
    while True:
        page = runtime.commercetools.query_payments(
            where, limit=PAGE, offset=offset, sort="createdAt asc"
        )
        for payment in page["results"]:
            for transaction in payment["transactions"]:
                if (
                    transaction["type"] in ("Charge", "Refund")
                    and transaction["state"] == "Pending"
                    and transaction.get("timestamp", "") < stamp
                ):
                    yield payment, transaction
        if len(page["results"]) < PAGE:
            return
        offset += PAGE


def reconcile(runtime: Runtime, *, older_than: float = 900, dry_run: bool = False) -> list[ReconcileRow]:
    """Resolve and record every Pending transaction older than ``older_than`` seconds."""
    found = list(pending_transactions(runtime, older_than))
    return [_resolve(runtime, payment, transaction, dry_run) for payment, transaction in found]


def _resolve(runtime: Runtime, payment: dict, transaction: dict, dry_run: bool) -> ReconcileRow:
    reference = transaction.get("interactionId", "")

    def row(outcome: str) -> ReconcileRow:
        amount = transaction["amount"]
        return ReconcileRow(
            payment["id"], transaction["id"], transaction["type"], reference,
            f"{amount['centAmount']} {amount['currencyCode']}", transaction.get("timestamp", ""), outcome,
        )

    is_refund = transaction["type"] == "Refund"
    if dry_run:
        return row("would ask for the refund again" if is_refund else "would void")
    if is_refund:
        if not reference:
            return row("unresolved: the transaction has no reference")
        outcome = complete_refund(runtime, payment, transaction).outcome
        if outcome == "received":
            return row("unresolved: the provider did not confirm the refund")
        return row("refunded" if outcome == "approved" else "refund refused")
    return row(resolve_pending_charge(runtime, payment["id"], transaction))


def format_table(rows: list[ReconcileRow]) -> str:
    """A plain table for the terminal, and a summary line."""
    header = ("payment", "transaction", "type", "amount", "created", "outcome")
    lines = [(r.payment_id, r.transaction_id, r.type, r.amount, r.created, r.outcome) for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    text = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip()
        for line in [header, *lines]
    ]
    unresolved = sum(not r.resolved for r in rows)
    text.append(
        f"{len(rows)} pending transactions, {len(rows) - unresolved} resolved, {unresolved} unresolved"
    )
    return "\n".join(text)
