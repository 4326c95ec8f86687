"""Checkout sessions: what Checkout creates and the processor reads to authorise the browser."""

from __future__ import annotations

import copy
import uuid

from flask import Blueprint, current_app, jsonify

from .auth import scoped
from .errors import invalid_field, referenced_not_found, required_field
from .store import EmulatorStore
from .wire import iso, json_body

bp = Blueprint("emulator_sessions", __name__)


def _store() -> EmulatorStore:
    return current_app.extensions["emulator"]


def render(store: EmulatorStore, session: dict) -> dict:
    """The session as answered: an ACTIVE session past its `expiryAt` reads as EXPIRED."""
    shown = copy.deepcopy(session)
    if shown["state"] == "ACTIVE" and shown["expiryAt"] <= store.now():
        shown["state"] = "EXPIRED"
    return shown


@bp.post("/<projectKey>/sessions")
@scoped("sessions")
def create_session(projectKey: str):
    store = _store()
    draft = json_body()
    cart = draft.get("cart")
    if cart is None:
        raise required_field("cart")
    cart_ref = cart.get("cartRef") if isinstance(cart, dict) else None
    cart_id = cart_ref.get("id") if isinstance(cart_ref, dict) else None
    if not isinstance(cart_id, str):
        raise invalid_field("cart", cart)
    metadata = draft.get("metadata", {})
    if not isinstance(metadata, dict):
        raise invalid_field("metadata", metadata)
    with store.lock:
        found = store.carts.get(cart_id)
        if found is None:
            raise referenced_not_found("cart", cart_id)
        session = store.new_resource()
        session["expiryAt"] = iso(store.clock() + store.session_ttl)
        session["state"] = "ACTIVE"
        session["activeCart"] = {"cartRef": {"id": cart_id}}
        customer = {}
        if "customerId" in found:
            customer["customerRef"] = {"id": found["customerId"]}
        if "anonymousId" in found:
            customer["anonymousId"] = found["anonymousId"]
        if customer:
            session["customer"] = customer
        session["metadata"] = copy.deepcopy(metadata)
        session["metadata"].setdefault("correlationId", str(uuid.uuid4()))
        store.sessions[session["id"]] = session
        return jsonify(render(store, session)), 201


@bp.get("/<projectKey>/sessions/<id>")
@scoped("sessions")
def get_session(projectKey: str, id: str):
    store = _store()
    with store.lock:
        return jsonify(render(store, store.get(store.sessions, id)))
