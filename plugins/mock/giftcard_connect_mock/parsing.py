"""Request-body validation shared by the provider API and the admin endpoints.

Errors name the offending field, never its value: the value may be a card code or PIN.
"""

from __future__ import annotations

from typing import Any

from flask import request

from .ledger import ProviderError


def _invalid(message: str) -> ProviderError:
    return ProviderError(400, "InvalidRequest", message)


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise _invalid("Body must be a JSON object")
    return data


def text(data: dict, name: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise _invalid(f"{name} must be a non-empty string")
    return value


def currency(value: Any, name: str) -> str:
    if not (isinstance(value, str) and len(value) == 3 and value.isalpha() and value.isupper()):
        raise _invalid(f"{name} must be an ISO 4217 code")
    return value


def cent_amount(value: Any, name: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _invalid(f"{name} must be an integer >= {minimum}")
    return value


def amount(data: dict) -> tuple[int, str]:
    """The ``amount: {centAmount, currencyCode}`` of a request, as (minor units, currency)."""
    value = data.get("amount")
    if not isinstance(value, dict):
        raise _invalid("amount must be an object")
    return (
        cent_amount(value.get("centAmount"), "amount.centAmount"),
        currency(value.get("currencyCode"), "amount.currencyCode"),
    )
