"""The HTTP layer: validate input, call the money flow, render the result."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import enabler, giftcard, health, intents, openapi, operations

    app.register_blueprint(health.bp)
    app.register_blueprint(giftcard.bp)
    app.register_blueprint(operations.bp)
    app.register_blueprint(intents.bp)
    app.register_blueprint(enabler.bp)
    app.register_blueprint(openapi.bp)
