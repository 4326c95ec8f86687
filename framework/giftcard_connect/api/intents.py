"""``/operations/payment-intents``: what Checkout asks of an existing gift card payment."""

from __future__ import annotations

from flask import Blueprint

from .. import payments
from ..auth.oauth2 import oauth_required
from ..models import Money
from ..runtime import current_runtime
from .schemas import PaymentIntentSchema, load_json

bp = Blueprint("intents", __name__, url_prefix="/operations/payment-intents")
PAYMENT_INTENT_BODY = PaymentIntentSchema()


@bp.post("/<payment_id>")
@oauth_required
def payment_intent(payment_id: str):
    """Apply one action; the answer is ``{outcome: approved | rejected | received}``."""
    (action,) = load_json(PAYMENT_INTENT_BODY)["actions"]
    runtime = current_runtime()
    name = action["action"]
    if name == "refundPayment":
        amount = action["amount"]
        outcome = payments.refund(
            runtime,
            payment_id,
            Money(amount["centAmount"], amount["currencyCode"].upper()),
            action["merchantReference"],
            action["transactionId"],
        )
    elif name == "reversePayment":
        outcome = payments.reverse(runtime, payment_id)
    elif name == "cancelPayment":
        outcome = payments.cancel(runtime, payment_id)
    else:
        outcome = payments.capture(runtime, payment_id)
    return outcome.to_dict()
