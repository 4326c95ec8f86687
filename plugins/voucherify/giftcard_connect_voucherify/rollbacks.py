"""Giving money back: cancel (a refund of a whole redemption) and void by reference, both
through Voucherify's rollbacks.

A rollback has no amount: it always gives back the whole redemption, so a cancel of less
is refused before anything is sent. ``already_rolled_back`` counts as done (that is what
makes a repeated cancel or void give back once), ``multiple_requests`` (another rollback
of it is running) is asked again, and a rollback answered ``FAILURE`` is never a success.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from giftcard_connect import Cancellation, GiftCardError, Money, ProviderUnavailable, VoidResult

from .declines import MULTIPLE_REQUESTS
from .orders import FAILED, ROLLED_BACK, RedemptionState, read_redemption, redemptions_of
from .transport import API_NAME, Call, Refused, Transport, segment

log = logging.getLogger(__name__)

ROLLBACK = Call("rollback", "POST", replay_safe=True)  # a repeat is already_rolled_back
BUSY_ATTEMPTS = 4  # of a rollback answered multiple_requests
BUSY_BACKOFF = 0.2  # seconds, doubled after each busy answer
NOT_FOUND_RECHECK = 1.0  # seconds between two looks before a void says nothing was redeemed
STACKED_KEYS = ("invalid_redemption_parent", "invalid_redemption")  # "use the parent's"
KEY = re.compile(r"[a-z0-9_]{1,64}")


@dataclass(frozen=True)
class RolledBack:
    """A redemption is rolled back: by this call (``rollback_id``) or by an earlier one."""

    rollback_id: str | None
    amount: int


def cancel(transport: Transport, redemption_id: str, amount: Money, reference: str) -> Cancellation:
    """Roll back the whole redemption; a redemption rolled back already answers as done."""
    state = read_redemption(transport, redemption_id)
    if state is None:
        raise GiftCardError("Invalid", "RedemptionNotFound", "Voucherify has no such redemption.")
    if state.status == FAILED:
        raise GiftCardError(
            "Invalid", "RedemptionFailed", "The redemption failed; there is nothing to give back."
        )
    if state.amount != amount.cent_amount:
        raise GiftCardError(
            "Invalid",
            "PartialCancelNotSupported",
            f"Voucherify rolls back whole redemptions only: this one is {state.amount}, "
            f"not {amount.cent_amount} (minor units).",
        )
    if state.status == ROLLED_BACK:
        return Cancellation(state.rollback_id or state.id, amount)
    done = roll_back(transport, state, reference)
    if done.amount != amount.cent_amount:
        log.error("%s: the rollback of redemption %s gave back %d, not %d", API_NAME,
                  state.id, done.amount, amount.cent_amount)
    given_back = Money(done.amount, amount.currency_code, amount.fraction_digits)
    return Cancellation(done.rollback_id or state.id, given_back)


def void(transport: Transport, reference: str, currency: str) -> VoidResult:
    """Roll back every redemption made with ``reference`` that is not rolled back yet.

    No order with that source id (404), twice, NOT_FOUND_RECHECK seconds apart, means
    nothing was redeemed: ``voided=False``. (How soon Voucherify shows an order after the
    redemption that made it is not documented; a void usually follows a lost answer at
    once.) The amount is all the reference's redemptions gave back, earlier voids included,
    so that asking again after a lost answer reports the same.
    """
    states = redemptions_of(transport, reference)
    if states is None:
        if not transport.pause(NOT_FOUND_RECHECK):
            raise ProviderUnavailable(
                f"{API_NAME}: no time left to confirm that {reference} redeemed nothing")
        states = redemptions_of(transport, reference)
    if states is None:
        return VoidResult(reference, voided=False)
    given_back, voided = 0, False
    for state in states:
        if state.status == FAILED:
            continue
        if state.status == ROLLED_BACK:
            given_back += state.amount
        else:
            given_back += roll_back(transport, state, reference).amount
        voided = True
    return VoidResult(reference, voided, Money(given_back, currency) if voided else None)


def roll_back(transport: Transport, state: RedemptionState, reference: str) -> RolledBack:
    """Roll back one succeeded redemption; a stacked one through its parent."""
    path = _path(state.parent or state.id, stacked=bool(state.parent))
    body = {"reason": f"giftcard-connect {reference}", "metadata": {"gcc_reference": reference}}
    busy, switched, delay = 0, bool(state.parent), BUSY_BACKOFF
    while True:
        try:
            answer = transport.send(ROLLBACK, path, body=body)
        except Refused as refusal:
            key = refusal.key
            if key == "already_rolled_back":
                return _rolled_back_before(transport, state)
            if key == MULTIPLE_REQUESTS and busy + 1 < BUSY_ATTEMPTS and transport.pause(delay):
                busy += 1
                log.info("%s: a rollback of redemption %s was running; asked again after %.2fs",
                         API_NAME, state.id, delay)
                delay *= 2
                continue
            if key in STACKED_KEYS and not switched:
                switched = True
                fresh = read_redemption(transport, state.id)
                path = _path((fresh and fresh.parent) or state.id, stacked=True)
                continue
            if key == MULTIPLE_REQUESTS:
                raise ProviderUnavailable(
                    f"{API_NAME}: redemption {state.id} stayed busy with another rollback"
                ) from None
            raise GiftCardError(
                "Invalid", "RollbackRefused",
                f"Voucherify refused to roll back the redemption ({_safe(key)}).",
            ) from None
        return _read_rollback(answer, state)


def _path(redemption_id: str, *, stacked: bool) -> str:
    return f"/v1/redemptions/{segment(redemption_id)}/rollback" + ("s" if stacked else "")


def _rolled_back_before(transport: Transport, state: RedemptionState) -> RolledBack:
    fresh = read_redemption(transport, state.id)
    if fresh is None or fresh.status != ROLLED_BACK:
        raise ProviderUnavailable(
            f"{API_NAME}: redemption {state.id} is said to be rolled back, but reads otherwise"
        )
    return RolledBack(fresh.rollback_id, state.amount)


def _read_rollback(answer: dict[str, Any], state: RedemptionState) -> RolledBack:
    """This redemption's rollback in a ``/rollback`` or a ``/rollbacks`` answer."""
    rollbacks = answer.get("rollbacks") if isinstance(answer.get("rollbacks"), list) else [answer]
    rollbacks = [r for r in rollbacks if isinstance(r, dict)]
    mine = [r for r in rollbacks if r.get("redemption") == state.id]
    if not mine and len(rollbacks) == 1 and rollbacks[0].get("redemption") in (None, state.parent):
        mine = rollbacks
    if not mine:
        raise ProviderUnavailable(f"{API_NAME}: the rollback answer does not name {state.id}")
    rollback = mine[0]
    if rollback.get("result") == "FAILURE" or rollback.get("status") == FAILED:
        raise GiftCardError(
            "Invalid", "RollbackFailed",
            f"Voucherify did not roll back the redemption ({_safe(rollback.get('failure_code'))}).",
        )
    amount = rollback.get("amount")
    if amount is None and isinstance(rollback.get("gift"), dict):
        amount = rollback["gift"].get("amount")
    if rollback.get("result") != "SUCCESS" or isinstance(amount, bool) or not isinstance(
        amount, int
    ):
        raise ProviderUnavailable(f"{API_NAME}: a rollback answer of an unexpected shape")
    rollback_id = rollback.get("id") if isinstance(rollback.get("id"), str) else None
    return RolledBack(rollback_id, abs(amount))


def _safe(key: Any) -> str:
    """A failure key fit for a message: Voucherify's own words never are (they may hold
    the code)."""
    return key if isinstance(key, str) and KEY.fullmatch(key) else "no reason given"
