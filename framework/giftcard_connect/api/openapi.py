"""``/openapi.json``: the processor's API, generated from the schemas that validate it.

Request bodies come from the marshmallow schemas the views load; response and error
shapes are described by small schemas here, so the document and the code cannot drift
apart on what a caller must send.
"""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app
from marshmallow import Schema, fields

from .. import __version__
from .schemas import GiftCardSchema, MoneySchema, PaymentIntentSchema, RedeemSchema

bp = Blueprint("openapi", __name__)


class ErrorItemSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    field = fields.String()


class ErrorSchema(Schema):
    """The commercetools error shape; auth errors add ``error`` and ``error_description``."""

    statusCode = fields.Integer(required=True)
    message = fields.String(required=True)
    errors = fields.List(fields.Nested(ErrorItemSchema), required=True)
    error = fields.String()
    error_description = fields.String()


class GiftCardStatusSchema(Schema):
    state = fields.String(required=True, metadata={"enum": [
        "Valid", "NotFound", "Expired", "ZeroBalance", "CurrencyNotMatch", "Invalid", "GenericError"]})
    errors = fields.List(fields.Nested(ErrorItemSchema))


class BalanceSchema(Schema):
    status = fields.Nested(GiftCardStatusSchema, required=True)
    amount = fields.Nested(MoneySchema)


PAYMENT_ID = {"description": "The commercetools payment id"}


class RedeemSuccessSchema(Schema):
    result = fields.String(required=True, metadata={"enum": ["Success"]})
    paymentReference = fields.String(required=True, metadata=PAYMENT_ID)
    redemptionId = fields.String(required=True)


class RedeemFailureSchema(Schema):
    """Not charged (200), or not known yet (502, code OutcomeUnknown); status says why."""

    result = fields.String(required=True, metadata={"enum": ["Failure"]})
    paymentReference = fields.String(required=True, metadata=PAYMENT_ID)
    status = fields.Nested(GiftCardStatusSchema, required=True)


class ConfigSchema(Schema):
    provider = fields.String(required=True)
    displayName = fields.String(required=True)
    pin = fields.String(required=True, metadata={"enum": ["none", "optional", "required"]})
    currency = fields.String(required=True)
    supportsPartialCancel = fields.Boolean(required=True)


class CheckSchema(Schema):
    name = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["UP", "DOWN"]})
    details = fields.Dict()


class StatusSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["OK", "Partially Available", "Unavailable"]})
    timestamp = fields.String(required=True)
    version = fields.String(required=True)
    metadata = fields.Dict(required=True)
    checks = fields.List(fields.Nested(CheckSchema), required=True)


class IntentOutcomeSchema(Schema):
    outcome = fields.String(required=True, metadata={"enum": ["approved", "rejected", "received"]})
    message = fields.String()


def _json(schema, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(ErrorSchema, "Invalid input (InvalidJsonInput, RequiredField, InvalidField, InvalidOperation)"),
    "401": _json(ErrorSchema, "Missing, invalid or expired credentials"),
    "503": _json(ErrorSchema, "commercetools is unavailable"),
}
SESSION = [{"session": []}]


def _operations() -> dict[str, dict]:
    """Every endpoint of the processor, keyed by path."""
    return {
        "/balance": {"post": {
            "summary": "Balance of a gift card, in the connector's currency",
            "security": SESSION,
            "requestBody": {"required": True, "content": {"application/json": {"schema": GiftCardSchema}}},
            "responses": {
                "200": _json(BalanceSchema, "The card is valid"),
                "400": _json(BalanceSchema, "Declined: status.state says why"),
                "404": _json(BalanceSchema, "Declined: NotFound"),
                "502": _json(BalanceSchema, "The provider did not answer: GenericError"),
                "401": ERRORS["401"], "503": ERRORS["503"],
            },
        }},
        "/redeem": {"post": {
            "summary": "Charge a gift card for the session's cart, once per Idempotency-Key",
            "security": SESSION,
            "parameters": [{"in": "header", "name": "Idempotency-Key", "required": False,
                            "schema": {"type": "string", "maxLength": 255}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": RedeemSchema}}},
            "responses": {
                "200": {
                    "description": "Charged and recorded (Success), or nothing was charged "
                                   "(Failure: a decline, a replayed decline, or a void after no "
                                   "answer)",
                    "content": {"application/json": {"schema": {
                        "oneOf": [RedeemSuccessSchema, RedeemFailureSchema],
                    }}},
                },
                "400": _json(ErrorSchema, "Invalid input, wrong currency, amount above what is "
                                          "still to pay, cart not active, Idempotency-Key reused "
                                          "for another amount"),
                "409": _json(ErrorSchema, "RedeemInProgress (the same Idempotency-Key is being "
                                          "processed), EarlierRedeemPending or "
                                          "ConcurrentModification: nothing was charged"),
                "429": _json(ErrorSchema, "TooManyFailedAttempts: the cart refuses further gift "
                                          "card attempts"),
                "502": _json(RedeemFailureSchema,
                             "OutcomeUnknown: the provider did not answer and the void is not "
                             "confirmed; the charge stays Pending for reconcile"),
                "401": ERRORS["401"], "503": ERRORS["503"],
            },
        }},
        "/operations/config": {"get": {
            "summary": "What the Enabler needs to draw its fields",
            "security": SESSION,
            "responses": {"200": _json(ConfigSchema, "Provider facts"), "401": ERRORS["401"]},
        }},
        "/operations/status": {"get": {
            "summary": "Health of the connector for the Merchant Center",
            "security": [{"jwt": []}],
            "responses": {"200": _json(StatusSchema, "Status and checks"), "401": ERRORS["401"],
                          "503": _json(ErrorSchema, "JWT verification is not configured")},
        }},
        "/operations/payment-intents/{paymentId}": {"post": {
            "summary": "Refund, reverse, cancel or capture an existing gift card payment",
            "security": [{"oauth2": []}],
            "parameters": [{"in": "path", "name": "paymentId", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": PaymentIntentSchema}}},
            "responses": {
                "200": _json(IntentOutcomeSchema, "The outcome"),
                "400": ERRORS["400"], "401": ERRORS["401"],
                "403": _json(ErrorSchema, "insufficient_scope: not authorised for this project"),
                "404": _json(ErrorSchema, "ResourceNotFound: no such payment"),
                "503": ERRORS["503"],
            },
        }},
        "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "Alive"}}}},
        "/enabler/{file}": _asset("The Enabler's JavaScript and CSS"),
        "/enabler/provider/{file}": _asset("The active provider's own Enabler, if it ships one"),
    }


def _asset(summary: str) -> dict:
    return {"get": {
        "summary": summary,
        "parameters": [{"in": "path", "name": "file", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The file"}, "404": _json(ErrorSchema, "No such file")},
    }}


def build_spec(server_url: str | None = None) -> dict:
    """The OpenAPI 3.0 document of the processor."""
    spec = APISpec(
        title="giftcard-connect processor",
        version=__version__,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        servers=[{"url": server_url}] if server_url else [],
    )
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "header", "name": "X-Session-Id",
                    "description": "A commercetools Checkout session id"})
    spec.components.security_scheme(
        "oauth2", {"type": "http", "scheme": "bearer",
                   "description": "commercetools access token, introspected; needs "
                                  "manage_checkout_payment_intents or manage_project for this project"})
    spec.components.security_scheme(
        "jwt", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "Merchant Center JWT (RS256, verified against CTP_JWKS_URL)"})
    for path, operations in _operations().items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document, built once per application."""
    cache = current_app.extensions.setdefault("giftcard_connect_openapi", {})
    if "spec" not in cache:
        cache["spec"] = build_spec()
    return cache["spec"]
