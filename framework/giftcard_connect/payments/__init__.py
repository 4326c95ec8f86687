"""The money flow: the only place that decides what a gift card operation means."""

from .balance import check_balance
from .intents import IntentOutcome, cancel, capture, complete_refund, refund, reverse
from .recording import resolve_pending_charge, settle_void, void_pending_charge
from .redeem import RedeemOutcome, redeem

__all__ = [
    "IntentOutcome",
    "RedeemOutcome",
    "cancel",
    "capture",
    "check_balance",
    "complete_refund",
    "redeem",
    "refund",
    "resolve_pending_charge",
    "reverse",
    "settle_void",
    "void_pending_charge",
]
