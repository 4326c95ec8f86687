"""Redeem: the stackable ``POST /v1/redemptions`` with one gift card, exactly once per
reference.

Voucherify has no idempotency key, so the reference goes out as ``order.source_id`` (and
in the metadata), and the POST is never sent blindly again: every redeem first looks the
order up (a repeated call answers the first redemption), and an answer lost after the
request left is looked for the same way before the outcome is declared unknown.
A refusal can come in three shapes, all handled: an HTTP 4xx with a ``key``, a 200 whose
redemption has ``result: FAILURE``, and a 200 listing the card in
``inapplicable_redeemables``.
"""

from __future__ import annotations

import logging
from typing import Any

from giftcard_connect import GiftCard, GiftCardError, Money, ProviderUnavailable, Redemption

from . import declines
from .orders import ROLLED_BACK, SUCCEEDED, RedemptionState, redemptions_of
from .rollbacks import roll_back
from .settings import VoucherifySettings
from .transport import API_NAME, Ambiguous, Call, Refused, Transport
from .vouchers import fetch_voucher

log = logging.getLogger(__name__)

REDEEM = Call("redeem", "POST", replay_safe=False)  # never resent: looked up instead
VOIDED = declines.Decline(
    "Invalid", "ReferenceVoided", "This payment was cancelled; start a new one."
)


def redeem(
    transport: Transport, settings: VoucherifySettings, card: GiftCard, amount: Money,
    reference: str,
) -> Redemption:
    """Charge ``amount`` to ``card`` once for ``reference``; see the module's docstring."""
    if amount.currency_code not in settings.currencies:
        raise GiftCardError(
            "CurrencyNotMatch", "CurrencyNotMatch",
            f"These gift cards are in {', '.join(settings.currencies)}, "
            f"not {amount.currency_code}.",
        )
    earlier = redemptions_of(transport, reference)
    if earlier:
        replayed = _replay(earlier, amount, reference)
        if replayed is not None:
            return replayed
    try:
        answer = transport.send(REDEEM, "/v1/redemptions", body=_request(card, amount, reference))
        mine = _redemption_in(transport, card, answer)
    except Refused as refusal:
        raise _refusal(transport, card, refusal.key, definite=False) from None
    except Ambiguous as unknown:
        found = _look_again(transport, amount, reference)
        if found is None:
            raise ProviderUnavailable(unknown.message, retryable=unknown.retryable) from None
        return found
    if (mine.get("voucher") or {}).get("type") not in (None, "GIFT_VOUCHER"):
        _undo_other_voucher(transport, mine, reference)
    return Redemption(mine["id"], _money(mine["amount"], amount))


def _request(card: GiftCard, amount: Money, reference: str) -> dict[str, Any]:
    """One gift redeemable; the order carries the reference as its source id."""
    return {
        "redeemables": [
            {"object": "voucher", "id": card.code, "gift": {"credits": amount.cent_amount}}
        ],
        "order": {
            "source_id": reference,
            "amount": amount.cent_amount,
            "metadata": {"gcc_reference": reference},
        },
        "metadata": {"gcc_reference": reference},
    }


def _replay(earlier: list[RedemptionState], amount: Money, reference: str) -> Redemption | None:
    """The reference's live redemption again; a decline when it was voided; None when
    every earlier attempt failed (then the card is asked again)."""
    live = [state for state in earlier if state.status == SUCCEEDED]
    if len(live) > 1:
        log.error("%s: reference %s has %d live redemptions; answering the first",
                  API_NAME, reference, len(live))
    if live:
        log.info("%s: reference %s was redeemed before; answering that redemption",
                 API_NAME, reference)
        return Redemption(live[0].id, _money(live[0].amount, amount))
    if any(state.status == ROLLED_BACK for state in earlier):
        raise VOIDED.error()
    return None


def _look_again(transport: Transport, amount: Money, reference: str) -> Redemption | None:
    """After a lost answer: the redemption if Voucherify shows it made, else None."""
    try:
        found = redemptions_of(transport, reference) or []
    except (ProviderUnavailable, GiftCardError):
        return None
    live = [state for state in found if state.status == SUCCEEDED]
    if not live:
        return None
    log.warning("%s: the answer to redeem %s was lost; the redemption was found by its order",
                API_NAME, reference)
    return Redemption(live[0].id, _money(live[0].amount, amount))


def _redemption_in(transport: Transport, card: GiftCard, answer: dict[str, Any]) -> dict:
    """The card's succeeded redemption in a 200 answer; the decline the answer reports; or
    Ambiguous for an answer that shows neither."""
    redemptions = [r for r in answer.get("redemptions") or [] if isinstance(r, dict)]
    if not redemptions:
        inapplicable = [r for r in answer.get("inapplicable_redeemables") or []
                        if isinstance(r, dict)]
        if inapplicable:
            raise _refusal(transport, card, _error_key(inapplicable[0]), definite=True)
        if answer.get("skipped_redeemables"):
            raise declines.REFUSED.error()
        raise Ambiguous(f"{API_NAME}: redeem answered without a redemption")
    mine = next((r for r in redemptions if isinstance(r.get("voucher"), dict)), redemptions[0])
    if mine.get("result") == "FAILURE" or mine.get("status") == "FAILED":
        raise _refusal(transport, card, mine.get("failure_code"), definite=True)
    cents = mine.get("amount")
    if (
        mine.get("result") != "SUCCESS"
        or not isinstance(mine.get("id"), str)
        or isinstance(cents, bool)
        or not isinstance(cents, int)
    ):
        raise Ambiguous(f"{API_NAME}: redeem answered with a redemption of an unexpected shape")
    return mine


def _undo_other_voucher(transport: Transport, redemption: dict, reference: str) -> None:
    """A code of another voucher type was redeemed: give it back, then decline."""
    parent = redemption.get("redemption") if isinstance(redemption.get("redemption"), str) else None
    state = RedemptionState(redemption["id"], SUCCEEDED, abs(redemption["amount"]), parent, None)
    try:
        roll_back(transport, state, reference)
    except GiftCardError:
        raise ProviderUnavailable(
            f"{API_NAME}: a voucher that is no gift card was redeemed and not rolled back"
        ) from None
    raise declines.NOT_A_GIFT_CARD.error()


def _error_key(item: dict[str, Any]) -> str | None:
    result = item.get("result")
    error = result.get("error") if isinstance(result, dict) else None
    return error.get("key") if isinstance(error, dict) else None


def _refusal(transport: Transport, card: GiftCard, key: str | None, *, definite: bool):
    """The exception for a refusal with ``key``. ``definite``: the answer itself says
    nothing was redeemed (a failed or inapplicable redemption), so an unknown key is a
    decline; a 4xx with an unknown key leaves the outcome to a void by reference."""
    if key == declines.GIFT_AMOUNT_EXCEEDED:
        return _lower_balance(transport, card).error()
    decline = declines.decline_for(key)
    if decline is not None:
        return decline.error()
    if key == declines.MULTIPLE_REQUESTS:
        return ProviderUnavailable(f"{API_NAME}: redeem refused, the card is busy ({key})")
    if definite:
        return declines.REFUSED.error()
    return ProviderUnavailable(f"{API_NAME}: redeem refused ({key or 'no key'})")


def _lower_balance(transport: Transport, card: GiftCard) -> declines.Decline:
    """``gift_amount_exceeded``: ZeroBalance when the card is empty, else insufficient."""
    try:
        gift = fetch_voucher(transport, card).get("gift") or {}
    except (ProviderUnavailable, GiftCardError):
        return declines.INSUFFICIENT
    return declines.ZERO_BALANCE if gift.get("balance") == 0 else declines.INSUFFICIENT


def _money(cents: int, asked: Money) -> Money:
    return Money(cents, asked.currency_code, asked.fraction_digits)
