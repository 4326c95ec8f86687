"""The mock gift card provider as a small HTTP service (Flask application factory).

Card codes and PINs travel only in JSON bodies, never in URLs, so access logs stay clean.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .admin import admin
from .faults import Faults, FaultSettings
from .ledger import Ledger, ProviderError
from .parsing import amount, currency, json_body, text

FAULT_KEYS = (
    "LATENCY",
    "ERROR_RATE",
    "FAIL_NEXT",
    "APPLY_THEN_DELAY",
    "APPLY_THEN_DELAY_NEXT",
    "SEED",
)

v1 = Blueprint("v1", __name__, url_prefix="/v1")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the service; ``config`` may set ``API_KEY`` and the fault knobs (``FAULT_KEYS``)."""
    app = Flask(__name__)
    app.config.update(API_KEY=None)
    app.config.update(config or {})
    startup = {key.lower(): app.config[key] for key in FAULT_KEYS if key in app.config}
    app.extensions["mock_ledger"] = Ledger()
    app.extensions["mock_faults"] = Faults(FaultSettings.parse(startup))
    app.before_request(_check_api_key)
    app.register_blueprint(v1)
    app.register_blueprint(admin)
    app.register_error_handler(ProviderError, _render_error)
    app.register_error_handler(HTTPException, _render_http_error)
    return app


def _check_api_key():
    """Every route, admin included, needs ``Authorization: Bearer <API_KEY>`` when one is set."""
    expected = current_app.config["API_KEY"]
    if not expected:
        return None
    given = request.headers.get("Authorization", "")
    if hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        return None
    response = jsonify(error={"code": "Unauthorized", "message": "Missing or wrong API key"})
    response.headers["WWW-Authenticate"] = "Bearer"
    return response, 401


@v1.before_request
def _inject_faults():
    """Latency and injected 503s hit the provider API only, before a request is handled."""
    if current_app.extensions["mock_faults"].before_request():
        raise ProviderError(503, "ServiceUnavailable", "Injected fault: try again later")


def _render_error(error: ProviderError):
    return jsonify(error.to_dict()), error.status


def _render_http_error(error: HTTPException):
    """Routing errors get ``Http<status>`` codes so they never read like a card decline."""
    return jsonify(error={"code": f"Http{error.code}", "message": error.name}), error.code


def _ledger() -> Ledger:
    return current_app.extensions["mock_ledger"]


@v1.get("/health")
def health():
    """Liveness, behind the same API key and faults as every other call."""
    return jsonify(status="UP")


@v1.post("/balance")
def balance():
    """``{code, pin?, currencyCode?}`` → the card's balance, or a decline."""
    data = json_body()
    wanted = data.get("currencyCode")
    return jsonify(
        _ledger().balance(
            text(data, "code"),
            text(data, "pin", required=False),
            None if wanted is None else currency(wanted, "currencyCode"),
        )
    )


@v1.post("/redemptions")
def redeem():
    """``{code, pin?, amount, reference}`` → 201 once, 200 with the same redemption after."""
    data = json_body()
    cents, money_currency = amount(data)
    body, created = _ledger().redeem(
        text(data, "code"),
        text(data, "pin", required=False),
        cents,
        money_currency,
        text(data, "reference"),
    )
    if created:
        current_app.extensions["mock_faults"].after_redemption()
    return jsonify(body), 201 if created else 200


@v1.post("/redemptions/<redemption_id>/cancellations")
def cancel(redemption_id: str):
    """``{amount, reference}`` → 201 once per reference, 200 with the same one after."""
    data = json_body()
    cents, money_currency = amount(data)
    body, created = _ledger().cancel(redemption_id, cents, money_currency, text(data, "reference"))
    return jsonify(body), 201 if created else 200


@v1.post("/voids")
def void():
    """``{reference}`` → undo that redemption if any; always 200, repeatable."""
    return jsonify(_ledger().void(text(json_body(), "reference")))
