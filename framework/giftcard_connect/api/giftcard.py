"""What the Enabler calls with the shopper's gift card: balance (and redeem)."""

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

bp = Blueprint("giftcard", __name__)
log = logging.getLogger(__name__)


def decline_body(error: GiftCardError) -> dict:
    """The decline shape the Enabler reads: ``{status:{state, errors:[{code, message}]}}``."""
    return {"status": {"state": error.state, "errors": [{"code": error.code, "message": error.message}]}}


def decline_status(error: GiftCardError) -> int:
    if error.state == "NotFound":
        return 404
    return 502 if error.code in ("OutcomeUnknown", "ProviderUnavailable") else 400


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
    body = load_json(GiftCardSchema())
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
    body = load_json(RedeemSchema())
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
    response.status_code = decline_status(outcome.decline)
    return response
