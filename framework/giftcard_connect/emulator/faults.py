"""Per-route request counting (for benchmarks) and latency/fault injection (for reliability tests).

A fault is `{"route", "status", "delay", "probability", "times", "after"}`; `route` is a key
like `"POST /<projectKey>/payments/<id>"` (method + Flask URL rule) or `"*"` for every
`/<projectKey>/…` route. The first listed fault that matches and wins its probability roll
applies: it sleeps `delay`, then, if it has a `status`, answers that status either instead of
doing the work (`after` false) or after doing it (`after` true: "applied but answer lost").
"""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, g, request

from .errors import status_error
from .store import EmulatorStore
from .wire import is_int

_DEFAULTS = {"status": None, "delay": 0.0, "probability": 1.0, "times": None, "after": False}
_ADMIN_PREFIX = "/_emulator/"
_PROJECT_PREFIX = "/<projectKey>/"


def normalize(fault: object) -> dict:
    """Validate a fault description and fill in defaults; raises ValueError when invalid."""
    if not isinstance(fault, dict):
        raise ValueError("a fault must be a JSON object")
    unknown = set(fault) - set(_DEFAULTS) - {"route"}
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    result = {"route": fault.get("route"), **_DEFAULTS}
    result.update({k: v for k, v in fault.items() if v is not None or k == "status"})
    route, status, delay = result["route"], result["status"], result["delay"]
    probability, times = result["probability"], result["times"]
    if not isinstance(route, str) or not (route == "*" or " /" in route):
        raise ValueError("'route' must be '*' or '<METHOD> <url rule>'")
    if status is not None and not (is_int(status) and 100 <= status <= 599):
        raise ValueError("'status' must be an HTTP status code or null")
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
        raise ValueError("'delay' must be a non-negative number of seconds")
    if isinstance(probability, bool) or not isinstance(probability, (int, float)) \
            or not 0 <= probability <= 1:
        raise ValueError("'probability' must be a number between 0 and 1")
    if times is not None and not (is_int(times) and times >= 1):
        raise ValueError("'times' must be a positive integer or null")
    if not isinstance(result["after"], bool):
        raise ValueError("'after' must be a boolean")
    if status is None and not delay:
        raise ValueError("a fault needs a 'status', a 'delay' or both")
    return result


def route_key() -> str:
    rule = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    return f"{request.method} {rule}"


def _matches(fault: dict, key: str) -> bool:
    if fault["route"] == "*":
        return key.split(" ", 1)[1].startswith(_PROJECT_PREFIX)
    return fault["route"] == key


def _take(store: EmulatorStore, key: str) -> dict | None:
    """Pick the fault for this request and consume one of its `times`."""
    with store.lock:
        for fault in store.faults:
            if _matches(fault, key) and store.rng.random() < fault["probability"]:
                if fault["times"] is not None:
                    fault["times"] -= 1
                    if fault["times"] == 0:
                        store.faults.remove(fault)
                return dict(fault)
    return None


def _current_version(store: EmulatorStore) -> int | None:
    """The version of the resource the request addresses, for a 409's `currentVersion`."""
    args = request.view_args or {}
    rule = request.url_rule.rule if request.url_rule is not None else ""
    with store.lock:
        if "paymentKey" in args:
            resource_id = store.payment_keys.get(args["paymentKey"])
        elif "cartKey" in args:
            resource_id = store.cart_keys.get(args["cartKey"])
        else:
            resource_id = args.get("id")
        for part, collection in (("/payments", store.payments), ("/carts", store.carts),
                                 ("/orders", store.orders), ("/sessions", store.sessions)):
            if part in rule and resource_id in collection:
                return collection[resource_id]["version"]
    return None


def _fault_response(store: EmulatorStore, status: int) -> Response:
    fields = {}
    if status == 409:
        version = _current_version(store)
        if version is not None:
            fields["currentVersion"] = version
    phrase = status_error(status).message
    return current_app.make_response(
        status_error(status, f"{phrase} (injected)", **fields).response())


def install(app: Flask) -> None:
    """Count every non-admin request and apply injected faults around the views."""

    @app.before_request
    def _before():
        store: EmulatorStore = current_app.extensions["emulator"]
        key = route_key()
        if not request.path.startswith(_ADMIN_PREFIX):
            with store.lock:
                store.requests[key] += 1
        fault = _take(store, key)
        if fault is None:
            return None
        if fault["delay"]:
            time.sleep(fault["delay"])
        if fault["status"] is None:
            return None
        if fault["after"]:
            g.emulator_fault_status = fault["status"]
            return None
        return _fault_response(store, fault["status"])

    @app.after_request
    def _after(response: Response) -> Response:
        status = g.pop("emulator_fault_status", None)
        if status is None:
            return response
        return _fault_response(current_app.extensions["emulator"], status)
