"""Provider plugins that each break one rule of the contract, for testing the conformance suite.

Each is the minimal example provider (examples/minimal-provider) with one hook changed
the way a real plugin gets it wrong.
"""

from __future__ import annotations

import logging
import uuid

from giftcard_connect import Cancellation, GiftCardError, VoidResult, hookimpl
from giftcard_connect_minimal import MinimalProvider

log = logging.getLogger(__name__)


class BalanceAsDict(MinimalProvider):
    """Returns the provider's JSON instead of a ``Balance``."""

    @hookimpl
    def giftcard_balance(self, card, context):
        balance = super().giftcard_balance(card, context)
        return {"amount": balance.amount.to_dict()}


class RedeemChargesTwice(MinimalProvider):
    """Forgets the reference, so a repeated redeem charges the card again."""

    @hookimpl
    def giftcard_redeem(self, card, amount, reference, context):
        self._redemptions.pop(reference, None)
        return super().giftcard_redeem(card, amount, reference, context)


class VoidFailsForUnknownReference(MinimalProvider):
    """Refuses to void a reference it never redeemed."""

    @hookimpl
    def giftcard_void(self, reference, context):
        if reference not in self._redemptions:
            raise GiftCardError("Invalid", "UnknownReference", "No redemption with this reference.")
        return super().giftcard_void(reference, context)


class CancelGivesBackTwice(MinimalProvider):
    """Credits the card on every call, whatever the reference and what is left."""

    @hookimpl
    def giftcard_cancel(self, redemption_id, amount, reference, context):
        redemption = self._by_id[redemption_id]
        with self._lock:
            self._cards[redemption.code].cents += amount.cent_amount
        return Cancellation(f"cnl-{uuid.uuid4().hex}", amount)


class LogsTheCode(MinimalProvider):
    """Writes the card's code into a log line."""

    @hookimpl
    def giftcard_redeem(self, card, amount, reference, context):
        log.debug("redeeming %s from card %s", amount, card.code)
        return super().giftcard_redeem(card, amount, reference, context)


class VoidKeepsTheMoney(MinimalProvider):
    """Says it voided a redemption, but gives nothing back."""

    @hookimpl
    def giftcard_void(self, reference, context):
        redemption = self._redemptions.get(reference)
        if redemption is None:
            return super().giftcard_void(reference, context)
        return VoidResult(reference, True, redemption.amount)


class UnknownCardIsInvalid(MinimalProvider):
    """Declines a card that does not exist as Invalid instead of NotFound."""

    @hookimpl
    def giftcard_balance(self, card, context):
        try:
            return super().giftcard_balance(card, context)
        except GiftCardError as decline:
            if decline.state != "NotFound":
                raise
            raise GiftCardError("Invalid", "UnknownCard", "Unknown card.") from None
