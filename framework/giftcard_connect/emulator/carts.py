"""Cart endpoints: create, get (by id or key), query, update; every answer can expand payments."""

from __future__ import annotations

import copy

from flask import Blueprint, current_app, jsonify

from . import expansion
from .auth import scoped
from .cart_model import apply_action, build_cart
from .errors import duplicate_field
from .query import paged
from .store import EmulatorStore
from .wire import json_body, update_actions

bp = Blueprint("emulator_carts", __name__)


def _store() -> EmulatorStore:
    return current_app.extensions["emulator"]


def _render(store: EmulatorStore, cart: dict, paths: list) -> dict:
    return expansion.expand(store, copy.deepcopy(cart), paths)


@bp.post("/<projectKey>/carts")
@scoped("orders")
def create_cart(projectKey: str):
    store = _store()
    paths = expansion.requested()
    draft = json_body()
    with store.lock:  # key check and insert are one atomic step
        cart = build_cart(store, draft)
        if cart.get("key") in store.cart_keys:
            raise duplicate_field("key", cart["key"])
        store.carts[cart["id"]] = cart
        if "key" in cart:
            store.cart_keys[cart["key"]] = cart["id"]
        return jsonify(_render(store, cart, paths)), 201


@bp.get("/<projectKey>/carts/<id>")
@scoped("orders")
def get_cart(projectKey: str, id: str):
    store = _store()
    paths = expansion.requested()
    with store.lock:
        return jsonify(_render(store, store.get(store.carts, id), paths))


@bp.get("/<projectKey>/carts/key=<cartKey>")
@scoped("orders")
def get_cart_by_key(projectKey: str, cartKey: str):
    store = _store()
    paths = expansion.requested()
    with store.lock:
        return jsonify(_render(store, store.by_index(store.carts, store.cart_keys, cartKey),
                               paths))


@bp.get("/<projectKey>/carts")
@scoped("orders")
def query_carts(projectKey: str):
    store = _store()
    paths = expansion.requested()
    return jsonify(paged(store, store.carts, lambda cart: _render(store, cart, paths)))


def _update(store: EmulatorStore, cart: dict, body: dict, paths: list):
    """Apply an update atomically (the caller holds the lock)."""
    actions = update_actions(body, cart)
    updated = copy.deepcopy(cart)
    for index, action in enumerate(actions):
        apply_action(store, updated, action, index)
    if actions:
        store.touch(updated)
        store.carts[cart["id"]] = updated
    return jsonify(_render(store, updated, paths))


@bp.post("/<projectKey>/carts/<id>")
@scoped("orders")
def update_cart(projectKey: str, id: str):
    store = _store()
    paths = expansion.requested()
    body = json_body()
    with store.lock:
        return _update(store, store.get(store.carts, id), body, paths)


@bp.post("/<projectKey>/carts/key=<cartKey>")
@scoped("orders")
def update_cart_by_key(projectKey: str, cartKey: str):
    store = _store()
    paths = expansion.requested()
    body = json_body()
    with store.lock:
        return _update(store, store.by_index(store.carts, store.cart_keys, cartKey), body, paths)
