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
    validates_schema,
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
    currencyCode = fields.String(required=True, validate=validate.Length(equal=3))


class RedeemSchema(GiftCardSchema):
    redeemAmount = fields.Nested(MoneySchema, required=True)


INTENT_ACTIONS = ("capturePayment", "refundPayment", "cancelPayment", "reversePayment")


class IntentActionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    action = fields.String(required=True, validate=validate.OneOf(INTENT_ACTIONS))
    amount = fields.Nested(MoneySchema, load_default=None)
    merchantReference = fields.String(load_default=None, validate=validate.Length(min=1, max=256))
    transactionId = fields.String(load_default=None, validate=validate.Length(min=1, max=64))

    @validates_schema
    def _refund_needs_amount(self, data, **kwargs):
        if data.get("action") == "refundPayment" and data.get("amount") is None:
            raise ValidationError("Missing data for required field.", "amount")


class PaymentIntentSchema(Schema):
    """Exactly one action, as Checkout sends it."""

    class Meta:
        unknown = EXCLUDE

    actions = fields.List(
        fields.Nested(IntentActionSchema), required=True, validate=validate.Length(equal=1)
    )


def load_json(schema: Schema) -> dict[str, Any]:
    """Read the request body strictly (see ``body.py``) and validate it, or raise a 4xx."""
    return schema.load(read_json_object())
