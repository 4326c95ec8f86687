"""Wire-format helpers shared by the resource endpoints: timestamps, money, bodies, versions."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import request

from .errors import (
    concurrent_modification,
    invalid_field,
    invalid_input,
    invalid_json,
    required_field,
    unknown_field,
    unsupported,
)

# ISO 4217 currencies whose minor unit is not 2 digits; everything else is cent-based.
_FRACTION_DIGITS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_KEY = re.compile(r"^[A-Za-z0-9_-]{2,256}$")
_MONEY_FIELDS = {"centAmount", "currencyCode", "type", "fractionDigits"}
_IDENTIFIER_FIELDS = {"typeId", "id", "key"}
# Resources the emulator does not keep (types, states, customers…) are referenced by key
# as a stable id derived from the key, so the same key always names the same resource.
_KEY_NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4d0b-9a57-2f4c0e8b7d13")


def iso(timestamp: float) -> str:
    """commercetools timestamps: UTC, millisecond precision, `Z` suffix."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def json_value() -> object:
    """The request body parsed as JSON (whatever the Content-Type), or 400 InvalidJsonInput."""
    try:
        return json.loads(request.get_data(as_text=True) or "null")
    except ValueError as error:
        raise invalid_json(f"Malformed JSON: {error}.") from None


def json_body() -> dict:
    """The request body as a JSON object, or 400 InvalidJsonInput."""
    body = json_value()
    if not isinstance(body, dict):
        raise invalid_json("The request body must be a JSON object.")
    return body


def only(draft: dict, allowed: Iterable[str], kind: str, prefix: str = "") -> None:
    """Refuse any field of `draft` that the commercetools type `kind` does not define."""
    allowed = set(allowed)
    for name in draft:
        if name not in allowed:
            raise unknown_field(f"{prefix}{name}", kind)


def unsupported_unless_empty(draft: dict, fields: Iterable[str], kind: str,
                             prefix: str = "") -> None:
    """Refuse fields the emulator cannot honour unless they are absent, null or `[]`."""
    for name in fields:
        if draft.get(name) not in (None, []):
            raise unsupported(f"{prefix}{name}", kind)


def listed(draft: dict, name: str, field: str | None = None) -> list:
    """A list-valued draft field: absent or null is `[]`, anything but a list is refused."""
    value = draft.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid_field(field or name, value)
    return value


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def text(value: object, field: str, required: bool = False) -> str | None:
    """A non-empty string; absent (None) is allowed unless `required`."""
    if value is None:
        if required:
            raise required_field(field)
        return None
    if not isinstance(value, str) or not value:
        raise invalid_field(field, value)
    return value


def one_of(value: object, field: str, allowed: list[str], default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if value not in allowed:
        raise invalid_field(field, value, allowed)
    return value


def key(value: object, field: str = "key") -> str | None:
    """A user-defined key: 2 to 256 of `A-Z a-z 0-9 _ -`."""
    if value is None:
        return None
    if not isinstance(value, str) or not _KEY.match(value):
        raise invalid_field(field, value)
    return value


def localized(value: object, field: str) -> dict:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise invalid_field(field, value)
    return dict(value)


def timestamp(value: object, field: str) -> str:
    """An ISO 8601 date-time, answered as the platform does: UTC, milliseconds, `Z`."""
    if not isinstance(value, str):
        raise invalid_field(field, value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise invalid_field(field, value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso(moment.timestamp())


def currency(value: object, field: str) -> str:
    if value is None:
        raise required_field(field)
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise invalid_field(field, value)
    return value


def fraction_digits(currency_code: str) -> int:
    return _FRACTION_DIGITS.get(currency_code, 2)


def cent_precision(currency_code: str, cent_amount: int) -> dict:
    return {
        "type": "centPrecision",
        "currencyCode": currency_code,
        "centAmount": cent_amount,
        "fractionDigits": fraction_digits(currency_code),
    }


def money(value: object, field: str) -> dict:
    """Validate a Money (or centPrecision TypedMoney) draft; answer centPrecision money."""
    if value is None:
        raise required_field(field)
    if not isinstance(value, dict):
        raise invalid_field(field, value)
    only(value, _MONEY_FIELDS | {"preciseAmount"}, "Money", f"{field}.")
    if value.get("type", "centPrecision") != "centPrecision" or "preciseAmount" in value:
        raise unsupported(f"{field}.type", "Money (only centPrecision money)")
    code = currency(value.get("currencyCode"), f"{field}.currencyCode")
    amount = value.get("centAmount")
    if amount is None:
        raise required_field(f"{field}.centAmount")
    if not is_int(amount):
        raise invalid_field(f"{field}.centAmount", amount)
    digits = value.get("fractionDigits")
    if digits is not None and digits != fraction_digits(code):
        raise invalid_field(f"{field}.fractionDigits", digits, [fraction_digits(code)])
    return cent_precision(code, amount)


def update_actions(body: dict, resource: dict) -> list[dict]:
    """Check an update's `version` against the resource and return its `actions`."""
    only(body, ("version", "actions"), "update request")
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
    only(value, _IDENTIFIER_FIELDS, "ResourceIdentifier", f"{field}.")
    if not isinstance(value.get("id"), str) and not isinstance(value.get("key"), str):
        raise invalid_input(f"A reference for '{field}' needs an 'id' or a 'key'.")
    return value


def keyed_reference(value: object, type_id: str, field: str) -> dict:
    """A Reference `{"typeId", "id"}` to a resource the emulator does not keep.

    Such identifiers are accepted as given (the platform would check that the resource
    exists); one given by key gets a stable id derived from the key.
    """
    identifier = reference(value, type_id, field)
    if isinstance(identifier.get("id"), str):
        return {"typeId": type_id, "id": identifier["id"]}
    return {"typeId": type_id,
            "id": str(uuid.uuid5(_KEY_NAMESPACE, f"{type_id}:{identifier['key']}"))}
