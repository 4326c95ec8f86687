"""What the Enabler calls with the shopper's gift card: balance and redeem.

A balance decline is a 4xx ``{status:{state, errors}}``. A redeem that definitely charged
nothing answers 200 ``{result:"Failure", paymentReference, status}``: the established
Enabler contract reads ``result`` and treats any other status as an error.

A decline that only means "no usable card with this code and PIN" — NotFound, Invalid, a
missing or wrong PIN — is answered in one way, so that nobody learns from an answer
whether a card with that code exists or needs a PIN (docs/money-flow.md#code-guessing).
"""

from __future__ import annotations

import logging
import re

from flask import Blueprint, g, jsonify, request

from .. import payments
from ..auth.session import session_required
from ..errors import ApiError, GiftCardError, ProviderUnavailable
from ..models import GiftCard, Money
from ..runtime import current_runtime
from .schemas import GiftCardSchema, RedeemSchema, load_json

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# The one redeem failure that is not a definite "not charged": the void was not confirmed.
OUTCOME_UNKNOWN = "OutcomeUnknown"
# Built once: a marshmallow schema's load keeps no state between calls.
GIFT_CARD_BODY = GiftCardSchema()
REDEEM_BODY = RedeemSchema()

bp = Blueprint("giftcard", __name__)
log = logging.getLogger(__name__)


# The states a provider uses for a code (or code and PIN) that matches no usable card.
UNKNOWN_CARD_STATES = frozenset({"NotFound", "Invalid"})


def disclosed(error: GiftCardError) -> GiftCardError:
    """The decline as answered: every "no such card" reason becomes the same answer (its
    wording depends on the provider's PIN policy, never on the card)."""
    if error.state not in UNKNOWN_CARD_STATES:
        return error
    entered = "code" if current_runtime().provider.info.pin == "none" else "code and PIN"
    return GiftCardError("Invalid", "Invalid", f"No usable gift card matches this {entered}.")


def decline_body(error: GiftCardError) -> dict:
    """The decline shape the Enabler reads: ``{status:{state, errors:[{code, message}]}}``."""
    shown = disclosed(error)
    errors = [{"code": shown.code, "message": shown.message}]
    return {"status": {"state": shown.state, "errors": errors}}


def decline_status(error: GiftCardError) -> int:
    """The status of a balance decline: 502 when the provider did not answer, else 400."""
    return 502 if error.code == "ProviderUnavailable" else 400


def redeem_failure_status(error: GiftCardError) -> int:
    """200 when nothing was charged; 502 when that is not known, so no shopper is told it
    failed for sure while the charge may still stand (reconcile settles it)."""
    return 502 if error.code == OUTCOME_UNKNOWN else 200


@bp.errorhandler(GiftCardError)
def render_decline(error: GiftCardError):
    response = jsonify(decline_body(error))
    response.status_code = decline_status(error)
    return response


@bp.errorhandler(ProviderUnavailable)
def render_unavailable(error: ProviderUnavailable):
    """The provider did not answer usably: a GenericError the Enabler can show."""
    log.warning("provider unavailable: %s", error.message)
    return render_decline(
        GiftCardError("GenericError", "ProviderUnavailable", "The gift card provider is unavailable, try again.")
    )


@bp.post("/balance")
@session_required
def balance():
    """The card's balance in the connector's currency, or why it cannot be used."""
    body = load_json(GIFT_CARD_BODY)
    card = GiftCard(code=body["code"], pin=body["pin"])
    result = payments.check_balance(current_runtime(), g.checkout_session, card)
    return {"status": {"state": result.state}, "amount": result.amount.to_dict()}


@bp.post("/redeem")
@session_required
def redeem():
    """Charge the card once per ``Idempotency-Key``; the payment id is the reference."""
    idempotency_key = request.headers.get("Idempotency-Key")
    if idempotency_key is not None and not IDEMPOTENCY_KEY.match(idempotency_key):
        raise ApiError(
            400, "InvalidField", "Idempotency-Key must be 1 to 255 visible ASCII characters.",
            field="Idempotency-Key",
        )
    body = load_json(REDEEM_BODY)
    card = GiftCard(code=body["code"], pin=body["pin"])
    amount = Money(body["redeemAmount"]["centAmount"], body["redeemAmount"]["currencyCode"].upper())
    outcome = payments.redeem(current_runtime(), g.checkout_session, card, amount, idempotency_key)
    if outcome.is_success:
        return {
            "result": "Success",
            "paymentReference": outcome.payment_id,
            "redemptionId": outcome.redemption_id,
        }
    response = jsonify(
        {"result": "Failure", "paymentReference": outcome.payment_id, **decline_body(outcome.decline)}
    )
    response.status_code = redeem_failure_status(outcome.decline)
    return response
