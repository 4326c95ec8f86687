"""Wire-format helpers shared by the resource endpoints: timestamps, money, bodies, versions."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from flask import request

from .errors import (
    concurrent_modification,
    invalid_field,
    invalid_input,
    invalid_json,
    required_field,
)

# ISO 4217 currencies whose minor unit is not 2 digits; everything else is cent-based.
_FRACTION_DIGITS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def iso(timestamp: float) -> str:
    """commercetools timestamps: UTC, millisecond precision, `Z` suffix."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def json_value() -> object:
    """The request body parsed as JSON (whatever the Content-Type), or 400 InvalidJsonInput."""
    try:
        return json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        raise invalid_json() from None


def json_body() -> dict:
    """The request body as a JSON object, or 400 InvalidJsonInput."""
    body = json_value()
    if not isinstance(body, dict):
        raise invalid_json("Request body must be a JSON object.")
    return body


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def currency(value: object, field: str) -> str:
    if value is None:
        raise required_field(field)
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise invalid_field(field, value)
    return value


def cent_precision(currency_code: str, cent_amount: int) -> dict:
    return {
        "type": "centPrecision",
        "currencyCode": currency_code,
        "centAmount": cent_amount,
        "fractionDigits": _FRACTION_DIGITS.get(currency_code, 2),
    }


def money(value: object, field: str) -> dict:
    """Validate a Money draft and answer the platform's centPrecision representation."""
    if value is None:
        raise required_field(field)
    if not isinstance(value, dict):
        raise invalid_field(field, value)
    code = currency(value.get("currencyCode"), f"{field}.currencyCode")
    amount = value.get("centAmount")
    if amount is None:
        raise required_field(f"{field}.centAmount")
    if not is_int(amount):
        raise invalid_field(f"{field}.centAmount", amount)
    return cent_precision(code, amount)


def optional_str(draft: dict, field: str) -> str | None:
    value = draft.get(field)
    if value is not None and not isinstance(value, str):
        raise invalid_field(field, value)
    return value


def update_actions(body: dict, resource: dict) -> list[dict]:
    """Check an update's `version` against the resource and return its `actions`."""
    version = body.get("version")
    if version is None:
        raise required_field("version")
    if not is_int(version):
        raise invalid_field("version", version)
    actions = body.get("actions")
    if actions is None:
        raise required_field("actions")
    if not isinstance(actions, list) or not all(
        isinstance(a, dict) and isinstance(a.get("action"), str) for a in actions
    ):
        raise invalid_input("'actions' must be a list of objects with an 'action' name.")
    if version != resource["version"]:
        raise concurrent_modification(resource["id"], version, resource["version"])
    return actions


def reference(value: object, type_id: str, field: str) -> dict:
    """Validate a ResourceIdentifier `{"typeId", "id"|"key"}` of the expected type."""
    if value is None:
        raise required_field(field)
    if not isinstance(value, dict) or value.get("typeId", type_id) != type_id:
        raise invalid_field(field, value)
    if not isinstance(value.get("id"), str) and not isinstance(value.get("key"), str):
        raise invalid_input(f"A reference for '{field}' needs an 'id' or a 'key'.")
    return value
