"""A local commercetools emulator: what the processor and commercetools' own clients use.

`create_app(config)` builds a Flask app; its state is `app.extensions["emulator"]`
(an `EmulatorStore`). Config keys (all optional): PROJECT_KEY, CLIENTS
(`{client_id: {"secret", "scope"}}`), TOKEN_TTL, SESSION_TTL, JWT_ISSUER, FAULTS, FAULT_SEED.
"""

from __future__ import annotations

import re

from flask import Flask

from . import admin, auth, carts, correlation, errors, faults, orders, payments, sessions
from .store import EmulatorStore

__all__ = ["create_app", "EmulatorStore"]

DEFAULTS = {
    "PROJECT_KEY": "demo",
    "CLIENTS": {},
    "TOKEN_TTL": 172800,
    "SESSION_TTL": 1800,
    "JWT_ISSUER": None,
    "FAULTS": [],
    "FAULT_SEED": None,
}
_SLASHES = re.compile(r"/{2,}")


class _MergeSlashes:
    """Serve `//demo/sessions/x` as `/demo/sessions/x`: upstream session URLs end in `/`."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ["PATH_INFO"] = _SLASHES.sub("/", environ.get("PATH_INFO", ""))
        return self.wsgi_app(environ, start_response)


def create_app(config: dict | None = None) -> Flask:
    """Build an emulator app with its own store, clients and signing key."""
    settings = {**DEFAULTS, **(config or {})}
    try:
        initial_faults = [faults.normalize(f) for f in settings["FAULTS"]]
    except ValueError as error:
        raise ValueError(f"invalid FAULTS entry: {error}") from None
    app = Flask(__name__)
    app.config.update(settings)
    app.json.sort_keys = False
    app.extensions["emulator"] = EmulatorStore(
        project_key=settings["PROJECT_KEY"],
        clients=settings["CLIENTS"],
        token_ttl=settings["TOKEN_TTL"],
        session_ttl=settings["SESSION_TTL"],
        faults=initial_faults,
        fault_seed=settings["FAULT_SEED"],
    )
    correlation.install(app)  # registered first, so it runs last, after fault answers
    faults.install(app)
    errors.install(app)
    for module in (auth, admin, sessions, carts, payments, orders):
        app.register_blueprint(module.bp)
    app.wsgi_app = _MergeSlashes(app.wsgi_app)
    return app
