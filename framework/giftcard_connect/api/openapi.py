"""``/openapi.json``: the processor's API, generated from the schemas that validate it.

Request bodies come from the marshmallow schemas the views load, response shapes from
``answers.py``; every status an endpoint can answer is declared with its body, so that
a client generated from the document, and schemathesis, find no answer it did not
announce.
"""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app

from .. import __version__
from .answers import (
    BalanceSchema,
    ConfigSchema,
    DeclineSchema,
    ErrorSchema,
    HealthSchema,
    IntentOutcomeSchema,
    RedeemFailureSchema,
    RedeemSuccessSchema,
    StatusSchema,
)
from .enabler import CONTENT_TYPES
from .schemas import (
    ACTION_SCHEMAS,
    GiftCardSchema,
    IntentActionField,
    PaymentIntentSchema,
    RedeemSchema,
)

bp = Blueprint("openapi", __name__)

RETRY_AFTER = {"Retry-After": {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}}


def _json(schema, description: str, headers: dict | None = None) -> dict:
    answer = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return answer


def _either(first, second, description: str) -> dict:
    return _json({"oneOf": [first, second]}, description)


# Answers every endpoint with a body or an auth check can give.
BAD_INPUT = _json(ErrorSchema, "InvalidJsonInput (not JSON, not an object, nested deeper than "
                               "32 levels, or larger than GIFTCARD_MAX_BODY_BYTES), "
                               "RequiredField, InvalidField, InvalidOperation")
NOT_JSON = _json(ErrorSchema, "UnsupportedMediaType: the body must be sent as application/json")
INTERNAL = _json(ErrorSchema, "General: an unexpected error, named by the correlation id")
BAD_GATEWAY = _json(ErrorSchema, "BadGateway: commercetools refused the processor's request")
UNAVAILABLE = _json(ErrorSchema, "ServiceUnavailable: commercetools could not be reached")
CONFLICT = _json(ErrorSchema, "ConcurrentModification: the resource kept changing; try again",
                 RETRY_AFTER)
SESSION = [{"session": []}]
NO_SESSION = _json(ErrorSchema, "invalid_token: X-Session-Id missing, unknown or expired")


def _body(schema) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _operations() -> dict[str, dict]:
    """Every endpoint of the processor, keyed by path."""
    return {
        "/balance": {"post": {
            "summary": "Balance of a gift card, in the connector's currency",
            "security": SESSION,
            "requestBody": _body(GiftCardSchema),
            "responses": {
                "200": _json(BalanceSchema, "The card is valid"),
                "400": _either(DeclineSchema, ErrorSchema,
                               "Declined (status.state says why; an unknown code and a missing "
                               "or wrong PIN both read Invalid), or invalid input"),
                "401": NO_SESSION, "415": NOT_JSON,
                "429": _json(ErrorSchema, "TooManyRequests: too many failed attempts from this "
                                          "session or address", RETRY_AFTER),
                "500": INTERNAL,
                "502": _either(DeclineSchema, ErrorSchema,
                               "The provider did not answer (state GenericError), or "
                               "commercetools refused the processor's request (BadGateway)"),
                "503": UNAVAILABLE,
            },
        }},
        "/redeem": {"post": {
            "summary": "Charge a gift card for the session's cart, once per Idempotency-Key",
            "security": SESSION,
            "parameters": [{"in": "header", "name": "Idempotency-Key", "required": False,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                                       "pattern": "^[\x21-\x7e]+$"}}],
            "requestBody": _body(RedeemSchema),
            "responses": {
                "200": _either(RedeemSuccessSchema, RedeemFailureSchema,
                               "Charged and recorded (Success), or nothing was charged "
                               "(Failure: a decline, a replayed decline, or a void after no "
                               "answer)"),
                "400": _json(ErrorSchema, "Invalid input, wrong currency, amount above what is "
                                          "still to pay, cart not active, Idempotency-Key reused "
                                          "for another amount"),
                "401": NO_SESSION,
                "409": _json(ErrorSchema, "RedeemInProgress (the same Idempotency-Key is being "
                                          "processed), EarlierRedeemPending or "
                                          "ConcurrentModification: nothing was charged",
                             RETRY_AFTER),
                "415": NOT_JSON,
                "429": _json(ErrorSchema, "TooManyRequests (too many failed attempts from this "
                                          "session or address; Retry-After) or "
                                          "TooManyFailedAttempts (the cart refuses further gift "
                                          "cards)", RETRY_AFTER),
                "500": INTERNAL,
                "502": _either(RedeemFailureSchema, ErrorSchema,
                               "OutcomeUnknown: the provider did not answer and the void is not "
                               "confirmed, the charge stays Pending for reconcile; or BadGateway"),
                "503": UNAVAILABLE,
            },
        }},
        "/operations/config": {"get": {
            "summary": "What the Enabler needs to draw its fields",
            "security": SESSION,
            "responses": {"200": _json(ConfigSchema, "Provider facts"), "401": NO_SESSION,
                          "500": INTERNAL, "502": BAD_GATEWAY, "503": UNAVAILABLE},
        }},
        "/operations/status": {"get": {
            "summary": "Health of the connector for the Merchant Center",
            "security": [{"jwt": []}],
            "responses": {
                "200": _json(StatusSchema, "Status and checks"),
                "401": _json(ErrorSchema, "invalid_token: the JWT is missing or invalid"),
                "500": INTERNAL,
                "503": _json(ErrorSchema, "JWT verification is not configured, or its keys "
                                          "cannot be fetched"),
            },
        }},
        "/operations/payment-intents/{paymentId}": {"post": {
            "summary": "Refund, reverse, cancel or capture an existing gift card payment",
            "security": [{"oauth2": []}],
            "parameters": [{"in": "path", "name": "paymentId", "required": True,
                            "schema": {"type": "string"}}],
            "requestBody": _body(PaymentIntentSchema),
            "responses": {
                "200": _json(IntentOutcomeSchema, "The outcome"),
                "400": BAD_INPUT,
                "401": _json(ErrorSchema, "access_denied, invalid_request or invalid_token: "
                                          "the bearer token is missing, malformed or inactive"),
                "403": _json(ErrorSchema, "insufficient_scope: not authorised for this project"),
                "404": _json(ErrorSchema, "ResourceNotFound: no such payment"),
                "409": CONFLICT, "415": NOT_JSON, "500": INTERNAL, "502": BAD_GATEWAY,
                "503": UNAVAILABLE,
            },
        }},
        "/healthz": {"get": {"summary": "Liveness",
                             "responses": {"200": _json(HealthSchema, "Alive")}}},
        "/openapi.json": {"get": {"summary": "This document",
                                  "responses": {"200": _json({"type": "object"}, "OpenAPI 3.0")}}},
        "/enabler/{file}": _asset("The Enabler's JavaScript and CSS"),
        "/enabler/provider/{file}": _asset("The active provider's own Enabler, if it ships one"),
    }


def _asset(summary: str) -> dict:
    types = sorted(set(CONTENT_TYPES.values()))
    return {"get": {
        "summary": summary,
        "parameters": [{"in": "path", "name": "file", "required": True,
                        "schema": {"type": "string"}, "example": "enabler.js"}],
        "responses": {
            "200": {"description": "The file",
                    "content": {kind: {"schema": {"type": "string"}} for kind in types}},
            "304": {"description": "Not modified since the ETag given in If-None-Match"},
            "404": _json(ErrorSchema, "No such file"),
            "500": INTERNAL,
        },
    }}


def _intent_action(self, field, **kwargs) -> dict:
    """An intent action is one of the per-action schemas, told apart by ``action``."""
    if not isinstance(field, IntentActionField):
        return {}
    return {
        "oneOf": [self.resolve_nested_schema(schema) for schema in ACTION_SCHEMAS.values()],
        "discriminator": {"propertyName": "action"},
    }


def build_spec(server_url: str | None = None) -> dict:
    """The OpenAPI 3.0 document of the processor."""
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="giftcard-connect processor",
        version=__version__,
        openapi_version="3.0.3",
        plugins=[marshmallow],
        servers=[{"url": server_url}] if server_url else [],
    )
    marshmallow.converter.add_attribute_function(_intent_action)
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "header", "name": "X-Session-Id",
                    "description": "A commercetools Checkout session id"})
    spec.components.security_scheme(
        "oauth2", {"type": "http", "scheme": "bearer",
                   "description": "commercetools access token, introspected; needs "
                                  "manage_checkout_payment_intents or manage_project for "
                                  "this project"})
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
