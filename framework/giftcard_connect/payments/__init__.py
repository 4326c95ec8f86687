"""The money flow: the only place that decides what a gift card operation means."""

from .intents import IntentOutcome, cancel, capture, complete_refund, refund, reverse
from .recording import settle_void, void_pending_charge
from .redeem import RedeemOutcome, check_balance, redeem

__all__ = [
    "IntentOutcome",
    "RedeemOutcome",
    "cancel",
    "capture",
    "check_balance",
    "complete_refund",
    "redeem",
    "refund",
    "reverse",
    "settle_void",
    "void_pending_charge",
]
