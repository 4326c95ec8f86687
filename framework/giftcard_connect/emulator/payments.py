"""Payment endpoints: create, get (by id or key), query with `where`, update, delete."""

from __future__ import annotations

import copy
import re

from flask import Blueprint, current_app, jsonify, request

from .auth import scoped
from .errors import concurrent_modification, invalid_input, required_field
from .payment_model import apply_actions, build_payment
from .predicates import PredicateError, parse
from .store import EmulatorStore
from .wire import json_body, update_actions

bp = Blueprint("emulator_payments", __name__)

MAX_LIMIT = 500
MAX_OFFSET = 10000
_SORT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s+(asc|desc)\s*$")


def _store() -> EmulatorStore:
    return current_app.extensions["emulator"]


@bp.post("/<projectKey>/payments")
@scoped("payments")
def create_payment(projectKey: str):
    store = _store()
    draft = json_body()
    with store.lock:  # key check and insert are one atomic step
        payment = build_payment(store, draft)
        store.payments[payment["id"]] = payment
        if "key" in payment:
            store.payment_keys[payment["key"]] = payment["id"]
        return jsonify(copy.deepcopy(payment)), 201


@bp.get("/<projectKey>/payments/<id>")
@scoped("payments")
def get_payment(projectKey: str, id: str):
    store = _store()
    with store.lock:
        return jsonify(copy.deepcopy(store.get(store.payments, id)))


@bp.get("/<projectKey>/payments/key=<paymentKey>")
@scoped("payments")
def get_payment_by_key(projectKey: str, paymentKey: str):
    store = _store()
    with store.lock:
        return jsonify(copy.deepcopy(store.payment_by_key(paymentKey)))


def _int_param(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) > maximum:
        raise invalid_input(f"Malformed parameter: {name}: must be an integer from 0 to {maximum}.")
    return int(raw)


def _sort_key(path: list[str]):
    def key(resource: dict):
        value: object = resource
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        # Missing values sort last; values of different types never compare with each other,
        # and objects/arrays (not meaningfully ordered) compare by their text.
        comparable = value if isinstance(value, (str, int, float)) else str(value)
        return (value is None, type(value).__name__, comparable)

    return key


@bp.get("/<projectKey>/payments")
@scoped("payments")
def query_payments(projectKey: str):
    store = _store()
    try:
        predicates = [parse(text) for text in request.args.getlist("where")]
    except PredicateError as error:
        raise invalid_input(
            f"Malformed parameter: where: Syntax error while parsing 'where'. {error}") from None
    sorts = []
    for text in request.args.getlist("sort"):
        match = _SORT.match(text)
        if match is None:
            raise invalid_input(f"Malformed parameter: sort: expected '<field> asc|desc': {text!r}")
        sorts.append((match.group(1).split("."), match.group(2) == "desc"))
    limit = _int_param("limit", 20, MAX_LIMIT)
    offset = _int_param("offset", 0, MAX_OFFSET)
    with store.lock:
        matching = [copy.deepcopy(p) for p in store.payments.values()
                    if all(predicate(p) for predicate in predicates)]
    for path, descending in reversed(sorts):  # stable sorts, least significant first
        matching.sort(key=_sort_key(path), reverse=descending)
    page = matching[offset:offset + limit]
    body = {"limit": limit, "offset": offset, "count": len(page)}
    if request.args.get("withTotal", "true").lower() != "false":
        body["total"] = len(matching)
    body["results"] = page
    return jsonify(body)


def _update(store: EmulatorStore, current: dict, body: dict):
    """Apply an update atomically (the caller holds the lock)."""
    actions = update_actions(body, current)
    updated = copy.deepcopy(current)
    apply_actions(store, updated, actions)
    if actions:
        store.touch(updated)
        if current.get("key") != updated.get("key"):
            store.payment_keys.pop(current.get("key"), None)
            if "key" in updated:
                store.payment_keys[updated["key"]] = updated["id"]
        store.payments[updated["id"]] = updated
    return jsonify(copy.deepcopy(updated))


@bp.post("/<projectKey>/payments/<id>")
@scoped("payments")
def update_payment(projectKey: str, id: str):
    store = _store()
    body = json_body()
    with store.lock:
        return _update(store, store.get(store.payments, id), body)


@bp.post("/<projectKey>/payments/key=<paymentKey>")
@scoped("payments")
def update_payment_by_key(projectKey: str, paymentKey: str):
    store = _store()
    body = json_body()
    with store.lock:
        return _update(store, store.payment_by_key(paymentKey), body)


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
        del store.payments[id]
        store.payment_keys.pop(payment.get("key"), None)
        return jsonify(payment)
