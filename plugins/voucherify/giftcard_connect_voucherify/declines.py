"""Voucherify's failure keys as gift card declines: the one table of what each refusal means.

A key comes from an error answer (``key``), a failed redemption (``failure_code``) or an
inapplicable redeemable (``result.error.key``). Messages are ours and fixed: Voucherify's
own ``details`` can hold the card code, so they are never passed on.
"""

from __future__ import annotations

from dataclasses import dataclass

from giftcard_connect import GiftCardError


@dataclass(frozen=True)
class Decline:
    """A decline's state, code and message; ``error()`` makes a new exception to raise."""

    state: str
    code: str
    message: str

    def error(self) -> GiftCardError:
        return GiftCardError(self.state, self.code, self.message)


NOT_A_GIFT_CARD = Decline("Invalid", "NotAGiftCard", "This code is not a gift card.")
EXPIRED = Decline("Expired", "Expired", "The gift card has expired.")
DISABLED = Decline("Invalid", "CardDisabled", "The gift card is disabled.")
NOT_ACTIVE_YET = Decline("Invalid", "CardNotActiveYet", "The gift card is not active yet.")
NOT_ACTIVE_NOW = Decline(
    "Invalid", "CardNotActiveNow", "The gift card cannot be used at this time."
)
LIMIT_REACHED = Decline(
    "Invalid", "RedemptionLimitReached", "The gift card cannot be used any more times."
)
ZERO_BALANCE = Decline("ZeroBalance", "ZeroBalance", "The gift card has no balance left.")
INSUFFICIENT = Decline(
    "GenericError", "InsufficientBalance", "The gift card's balance is lower than the amount."
)
NOT_FOUND = Decline("NotFound", "NotFound", "No gift card has this code.")
RULES = Decline(
    "Invalid", "ValidationRulesViolated", "The gift card cannot be used for this order."
)
REFUSED = Decline(
    "GenericError", "RedemptionRefused", "Voucherify refused the redemption; nothing was charged."
)

# Definite refusals: nothing was redeemed. ``gift_amount_exceeded`` is looked up apart,
# because it is ZeroBalance or INSUFFICIENT depending on the card's balance.
KEYS = {
    "not_found": NOT_FOUND,
    "resource_not_found": NOT_FOUND,
    "voucher_not_found": NOT_FOUND,
    "voucher_expired": EXPIRED,
    "voucher_disabled": DISABLED,
    "voucher_not_active": NOT_ACTIVE_YET,
    "voucher_not_active_now": NOT_ACTIVE_NOW,
    "quantity_exceeded": LIMIT_REACHED,
    "missing_customer": RULES,
    "missing_order_items": RULES,
    "missing_amount": REFUSED,
    "invalid_amount": REFUSED,
    "invalid_order": REFUSED,
    "invalid_customer": REFUSED,
}
GIFT_AMOUNT_EXCEEDED = "gift_amount_exceeded"
MULTIPLE_REQUESTS = "multiple_requests"  # another request on the same object is running


def decline_for(key: str | None) -> Decline | None:
    """The decline a failure key means, or None for a key this table does not know."""
    if not key:
        return None
    if key.endswith("_rules_violated"):
        return RULES
    return KEYS.get(key)
