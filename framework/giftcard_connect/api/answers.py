"""The shapes of the processor's answers, for the OpenAPI document.

Request bodies are described by the schemas that validate them (``schemas.py``); these
describe what the views and error handlers return, checked against real answers by the
test suite and by schemathesis.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from ..errors import GIFT_CARD_STATES
from .schemas import MoneySchema


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
    state = fields.String(required=True, metadata={"enum": list(GIFT_CARD_STATES)})
    errors = fields.List(fields.Nested(ErrorItemSchema))


class BalanceSchema(Schema):
    status = fields.Nested(GiftCardStatusSchema, required=True)
    amount = fields.Nested(MoneySchema, required=True)


class DeclineSchema(Schema):
    """Why a card cannot be used: ``status.state`` (a missing or wrong PIN reads Invalid)."""

    status = fields.Nested(GiftCardStatusSchema, required=True)


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
    status = fields.String(
        required=True, metadata={"enum": ["OK", "Partially Available", "Unavailable"]}
    )
    timestamp = fields.String(required=True)
    version = fields.String(required=True)
    metadata = fields.Dict(required=True)
    checks = fields.List(fields.Nested(CheckSchema), required=True)


class IntentOutcomeSchema(Schema):
    outcome = fields.String(required=True, metadata={"enum": ["approved", "rejected", "received"]})
    message = fields.String()


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok"]})
