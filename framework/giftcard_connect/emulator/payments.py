"""Payment endpoints: create, get (by id or key), query with `where`, update, delete."""

from __future__ import annotations

import copy

from flask import Blueprint, current_app, jsonify, request

from . import expansion
from .auth import scoped
from .errors import concurrent_modification, invalid_input, required_field
from .payment_actions import apply_actions
from .payment_model import build_payment, check_unchangeable, commit, forget
from .query import paged
from .store import EmulatorStore
from .wire import json_body, update_actions

bp = Blueprint("emulator_payments", __name__)


def _store() -> EmulatorStore:
    return current_app.extensions["emulator"]


def _render(store: EmulatorStore, payment: dict, paths: list) -> dict:
    return expansion.expand(store, copy.deepcopy(payment), paths)


@bp.post("/<projectKey>/payments")
@scoped("payments")
def create_payment(projectKey: str):
    store = _store()
    paths = expansion.requested()
    draft = json_body()
    with store.lock:  # uniqueness checks and insert are one atomic step
        payment = build_payment(store, draft)
        commit(store, None, payment)
        return jsonify(_render(store, payment, paths)), 201


@bp.get("/<projectKey>/payments/<id>")
@scoped("payments")
def get_payment(projectKey: str, id: str):
    store = _store()
    paths = expansion.requested()
    with store.lock:
        return jsonify(_render(store, store.get(store.payments, id), paths))


@bp.get("/<projectKey>/payments/key=<paymentKey>")
@scoped("payments")
def get_payment_by_key(projectKey: str, paymentKey: str):
    store = _store()
    paths = expansion.requested()
    with store.lock:
        return jsonify(_render(store, store.payment_by_key(paymentKey), paths))


@bp.get("/<projectKey>/payments")
@scoped("payments")
def query_payments(projectKey: str):
    store = _store()
    paths = expansion.requested()
    return jsonify(paged(store, store.payments, lambda p: _render(store, p, paths)))


def _update(store: EmulatorStore, current: dict, body: dict, paths: list):
    """Apply an update atomically (the caller holds the lock)."""
    actions = update_actions(body, current)
    updated = copy.deepcopy(current)
    apply_actions(store, updated, actions)
    if actions:
        check_unchangeable(current, updated)
        store.touch(updated)
        commit(store, current, updated)
    return jsonify(_render(store, updated, paths))


@bp.post("/<projectKey>/payments/<id>")
@scoped("payments")
def update_payment(projectKey: str, id: str):
    store = _store()
    paths = expansion.requested()
    body = json_body()
    with store.lock:
        return _update(store, store.get(store.payments, id), body, paths)


@bp.post("/<projectKey>/payments/key=<paymentKey>")
@scoped("payments")
def update_payment_by_key(projectKey: str, paymentKey: str):
    store = _store()
    paths = expansion.requested()
    body = json_body()
    with store.lock:
        return _update(store, store.payment_by_key(paymentKey), body, paths)


@bp.delete("/<projectKey>/payments/<id>")
@scoped("payments")
def delete_payment(projectKey: str, id: str):
    store = _store()
    raw = request.args.get("version")
    if raw is None:
        raise required_field("version")
    if not raw.isdigit():
        raise invalid_input("Malformed parameter: version: must be an integer.")
    with store.lock:
        payment = store.get(store.payments, id)
        if int(raw) != payment["version"]:
            raise concurrent_modification(id, int(raw), payment["version"])
        forget(store, payment)
        return jsonify(payment)
