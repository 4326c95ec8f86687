"""Admin endpoints: inspect and seed the ledger and switch faults on and off at runtime.

They exist for tests and demos; the fault knobs never apply to them.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .faults import FaultSettings
from .ledger import ProviderError
from .parsing import cent_amount, currency, json_body, text

admin = Blueprint("admin", __name__, url_prefix="/_admin")


@admin.get("/ledger")
def ledger():
    """Cards with balances, redemptions, cancellations and voids."""
    return jsonify(current_app.extensions["mock_ledger"].snapshot())


@admin.post("/cards")
def add_card():
    """Seed ``{code, pin?, centAmount, currencyCode, expired?}``, replacing a card with that code."""
    data = json_body()
    expired = data.get("expired", False)
    if not isinstance(expired, bool):
        raise ProviderError(400, "InvalidRequest", "expired must be a boolean")
    card = current_app.extensions["mock_ledger"].add_card(
        text(data, "code"),
        text(data, "pin", required=False),
        cent_amount(data.get("centAmount"), "centAmount", minimum=0),
        currency(data.get("currencyCode"), "currencyCode"),
        expired,
    )
    return jsonify(card), 201


@admin.get("/faults")
def get_faults():
    return jsonify(current_app.extensions["mock_faults"].to_dict())


@admin.put("/faults")
def put_faults():
    """Replace every fault setting; keys left out go back to their defaults."""
    try:
        settings = FaultSettings.parse(json_body())
    except (TypeError, ValueError) as exc:
        raise ProviderError(400, "InvalidRequest", str(exc)) from exc
    faults = current_app.extensions["mock_faults"]
    faults.configure(settings)
    return jsonify(faults.to_dict())


@admin.delete("/faults")
def clear_faults():
    faults = current_app.extensions["mock_faults"]
    faults.configure(FaultSettings())
    return jsonify(faults.to_dict())


@admin.post("/reset")
def reset():
    """Back to a fresh ledger (seeded PIN cards only) and no faults."""
    current_app.extensions["mock_ledger"].reset()
    current_app.extensions["mock_faults"].configure(FaultSettings())
    return jsonify(status="reset")
