"""Unauthenticated `/_emulator/…` controls for tests and benchmarks (a loopback dev tool)."""

from __future__ import annotations

import copy

from flask import Blueprint, current_app, jsonify

from . import faults
from .errors import invalid_field, invalid_input
from .sessions import render
from .store import EmulatorStore
from .wire import json_body, json_value

bp = Blueprint("emulator_admin", __name__, url_prefix="/_emulator")


def _store() -> EmulatorStore:
    return current_app.extensions["emulator"]


@bp.get("/stats")
def stats():
    store = _store()
    with store.lock:
        return jsonify(requests=dict(store.requests))


@bp.post("/stats/reset")
def reset_stats():
    store = _store()
    with store.lock:
        store.requests.clear()
    return "", 204


def _normalized(fault: object) -> dict:
    try:
        return faults.normalize(fault)
    except ValueError as error:
        raise invalid_input(f"Invalid fault: {error}.") from None


@bp.get("/faults")
def list_faults():
    store = _store()
    with store.lock:
        return jsonify(copy.deepcopy(store.faults))


@bp.put("/faults")
def replace_faults():
    store = _store()
    body = json_value()
    if not isinstance(body, list):
        raise invalid_input("Expected a JSON array of faults.")
    replacement = [_normalized(f) for f in body]
    with store.lock:
        store.faults[:] = replacement
        return jsonify(copy.deepcopy(store.faults))


@bp.post("/faults")
def add_fault():
    store = _store()
    fault = _normalized(json_body())
    with store.lock:
        store.faults.append(fault)
    return jsonify(fault), 201


@bp.delete("/faults")
def clear_faults():
    store = _store()
    with store.lock:
        store.faults.clear()
    return "", 204


@bp.post("/sessions/<id>/expire")
def expire_session(id: str):
    store = _store()
    with store.lock:
        session = store.get(store.sessions, id)
        session["state"] = "EXPIRED"
        return jsonify(render(store, session))


@bp.post("/clients")
def create_client():
    body = json_body()
    scope = body.get("scope")
    if not isinstance(scope, str) or not scope.split():
        raise invalid_field("scope", scope)
    for field in ("clientId", "secret"):
        if body.get(field) is not None and not isinstance(body[field], str):
            raise invalid_field(field, body[field])
    return jsonify(_store().add_client(scope, body.get("clientId"), body.get("secret"))), 201


@bp.post("/reset")
def reset():
    _store().reset()
    return "", 204
