"""What the Enabler calls with the shopper's gift card: balance (and redeem)."""

from __future__ import annotations

import logging

from flask import Blueprint, g, jsonify

from .. import payments
from ..errors import GiftCardError, ProviderUnavailable
from ..models import GiftCard
from ..runtime import current_runtime
from ..auth.session import session_required
from .schemas import GiftCardSchema, load_json

bp = Blueprint("giftcard", __name__)
log = logging.getLogger(__name__)


@bp.errorhandler(GiftCardError)
def render_decline(error: GiftCardError):
    """The decline shape the Enabler reads: ``{status:{state, errors:[{code, message}]}}``."""
    response = jsonify(
        {"status": {"state": error.state, "errors": [{"code": error.code, "message": error.message}]}}
    )
    response.status_code = 404 if error.state == "NotFound" else 400
    return response


@bp.errorhandler(ProviderUnavailable)
def render_unavailable(error: ProviderUnavailable):
    """The provider did not answer usably: a GenericError the Enabler can show."""
    log.warning("provider unavailable: %s", error.message)
    response = render_decline(
        GiftCardError("GenericError", "ProviderUnavailable", "The gift card provider is unavailable, try again.")
    )
    response.status_code = 502
    return response


@bp.post("/balance")
@session_required
def balance():
    """The card's balance in the connector's currency, or why it cannot be used."""
    body = load_json(GiftCardSchema())
    card = GiftCard(code=body["code"], pin=body["pin"])
    result = payments.check_balance(current_runtime(), g.checkout_session, card)
    return {"status": {"state": result.state}, "amount": result.amount.to_dict()}
