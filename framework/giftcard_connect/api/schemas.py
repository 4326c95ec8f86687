"""Request bodies, validated with marshmallow: the one source of truth for their shape."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
)

from .body import read_json_object


class StrippedString(fields.String):
    """A string with surrounding whitespace removed (codes are often pasted)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class GiftCardSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    code = StrippedString(required=True, validate=validate.Length(min=1, max=128))
    pin = StrippedString(load_default=None, allow_none=True, validate=validate.Length(max=64))

    @pre_load
    def _empty_pin_is_none(self, data, **kwargs):
        if isinstance(data, dict) and data.get("pin") == "":
            data = {**data, "pin": None}
        return data


class MoneySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    centAmount = fields.Integer(required=True, strict=True)
    # Three ASCII letters: any other three characters may not stay three when upper-cased
    # ("ß" becomes "SS"), and no ISO 4217 code has them.
    currencyCode = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z]{3}$", error="Must be a three-letter ISO 4217 code."),
    )


class RedeemSchema(GiftCardSchema):
    redeemAmount = fields.Nested(MoneySchema, required=True)


class _ActionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    merchantReference = fields.String(load_default=None, validate=validate.Length(min=1, max=256))


class RefundActionSchema(_ActionSchema):
    """Give back ``amount`` of the payment's charge (``transactionId``, if given, names it)."""

    action = fields.String(required=True, validate=validate.Equal("refundPayment"))
    amount = fields.Nested(MoneySchema, required=True)
    transactionId = fields.String(load_default=None, validate=validate.Length(min=1, max=64))


class CaptureActionSchema(_ActionSchema):
    """Accepted for Checkout's sake; a gift card charge is captured when it is made."""

    action = fields.String(required=True, validate=validate.Equal("capturePayment"))
    amount = fields.Nested(MoneySchema, load_default=None)


class CancelActionSchema(_ActionSchema):
    action = fields.String(required=True, validate=validate.Equal("cancelPayment"))


class ReverseActionSchema(_ActionSchema):
    action = fields.String(required=True, validate=validate.Equal("reversePayment"))


ACTION_SCHEMAS: dict[str, type[Schema]] = {
    "capturePayment": CaptureActionSchema,
    "refundPayment": RefundActionSchema,
    "cancelPayment": CancelActionSchema,
    "reversePayment": ReverseActionSchema,
}
INTENT_ACTIONS = tuple(ACTION_SCHEMAS)


class IntentActionField(fields.Field):
    """One action, validated by the schema its ``action`` names (a oneOf in OpenAPI)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError("Not a valid object.")
        action = value.get("action")
        if action is None:
            raise ValidationError({"action": ["Missing data for required field."]})
        schema = ACTION_SCHEMAS.get(action) if isinstance(action, str) else None
        if schema is None:
            raise ValidationError({"action": [f"Must be one of: {', '.join(INTENT_ACTIONS)}."]})
        return schema().load(value)


class PaymentIntentSchema(Schema):
    """Exactly one action, as Checkout sends it."""

    class Meta:
        unknown = EXCLUDE

    actions = fields.List(IntentActionField(), required=True, validate=validate.Length(equal=1))


def load_json(schema: Schema) -> dict[str, Any]:
    """Read the request body strictly (see ``body.py``) and validate it, or raise a 4xx."""
    return schema.load(read_json_object())
