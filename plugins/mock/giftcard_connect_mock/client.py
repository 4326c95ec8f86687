"""HTTP client of the mock provider's API: the one place its answers become framework errors.

A definite refusal becomes ``GiftCardError``; anything that leaves the outcome unknown
(timeout, connection error, 5xx, a body that is not the expected JSON) becomes
``ProviderUnavailable``, so the framework voids by reference instead of guessing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests
from giftcard_connect import (
    Balance,
    Cancellation,
    GiftCard,
    GiftCardError,
    Money,
    ProviderUnavailable,
    Redemption,
    VoidResult,
)
from requests.structures import CaseInsensitiveDict

# Provider error code → gift card state. Codes not listed here are not declines.
DECLINE_STATES = {
    "Expired": "Expired",
    "NotFound": "NotFound",
    "ZeroBalance": "ZeroBalance",
    "CurrencyNotMatch": "CurrencyNotMatch",
    "Invalid": "Invalid",
    "InvalidPin": "Invalid",
    "InsufficientBalance": "Invalid",
    "Voided": "Invalid",
    "ReferenceConflict": "Invalid",
    "AmountExceedsRedemption": "Invalid",
    "RedemptionNotFound": "Invalid",
    "InvalidRequest": "Invalid",
}
RETRY_STATUSES = frozenset({503})
# Sent with every call. Requests are built here and sent with ``Session.send``:
# ``Session.request`` would merge session-level headers, cookies and auth (none are
# used) into every call, and ``Request.prepare`` would parse and re-quote the URL (the
# base URL is checked when the processor starts): together a third of the call's CPU.
BASE_HEADERS = {**requests.utils.default_headers(), "Accept": "application/json"}
MAX_RETRIES = 1


class MockProviderClient:
    """Calls the mock provider; every call is idempotent, so it is retried once on 503 or
    connection errors with the same body (and so the same ``reference``)."""

    def __init__(
        self,
        base_url: str,
        *,
        http: requests.Session,
        timeout: tuple[float, float],
        api_key: str | None = None,
        retry_delay: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self._http = http
        self._timeout = timeout
        self._api_key = api_key
        self._retry_delay = retry_delay
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"MockProviderClient({self.base_url!r})"

    def balance(self, card: GiftCard, currency: str) -> Balance:
        body = {**_card_fields(card), "currencyCode": currency}
        data = self._call("POST", "/v1/balance", body, card=card, balance=True)
        return _build(lambda: Balance(_money(data["amount"])))

    def redeem(self, card: GiftCard, amount: Money, reference: str) -> Redemption:
        body = {**_card_fields(card), "amount": amount.to_dict(), "reference": reference}
        data = self._call("POST", "/v1/redemptions", body, card=card)
        return _build(
            lambda: Redemption(_text(data["id"]), _money(data["amount"], amount.fraction_digits))
        )

    def cancel(self, redemption_id: str, amount: Money, reference: str) -> Cancellation:
        path = f"/v1/redemptions/{quote(redemption_id, safe='')}/cancellations"
        data = self._call("POST", path, {"amount": amount.to_dict(), "reference": reference})
        return _build(
            lambda: Cancellation(_text(data["id"]), _money(data["amount"], amount.fraction_digits))
        )

    def void(self, reference: str) -> VoidResult:
        data = self._call("POST", "/v1/voids", {"reference": reference})

        def result() -> VoidResult:
            if data["reference"] != reference or not isinstance(data["voided"], bool):
                raise ValueError("not the void that was asked for")
            amount = _money(data["amount"]) if data["voided"] else None
            return VoidResult(reference, data["voided"], amount)

        return _build(result)

    def health(self) -> bool:
        """True when the API answers ``UP`` with the configured key; never raises."""
        try:
            response = self._send("GET", "/v1/health", None, attempts=1)
            return response.status_code == 200 and response.json().get("status") == "UP"
        except (ProviderUnavailable, ValueError, AttributeError):
            return False

    def _call(
        self,
        method: str,
        path: str,
        body: dict,
        *,
        card: GiftCard | None = None,
        balance: bool = False,
    ) -> dict[str, Any]:
        return _read(self._send(method, path, body), card=card, balance=balance)

    def _prepare(self, method: str, path: str, body: dict | None) -> requests.PreparedRequest:
        """The request as ``Session.send`` takes it (see ``BASE_HEADERS``)."""
        prepared = requests.PreparedRequest()
        prepared.method = method
        prepared.url = self.base_url + path
        headers = CaseInsensitiveDict(BASE_HEADERS)
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        if body is not None:
            prepared.body = json.dumps(body, allow_nan=False).encode()
            headers["Content-Type"] = "application/json"
            headers["Content-Length"] = str(len(prepared.body))
        prepared.headers = headers
        return prepared

    def _send(
        self, method: str, path: str, body: dict | None, *, attempts: int = 1 + MAX_RETRIES
    ) -> requests.Response:
        prepared = self._prepare(method, path, body)
        attempt = 1
        while True:
            try:
                response = self._http.send(prepared, timeout=self._timeout)
            except requests.ConnectionError as exc:
                if attempt >= attempts:
                    raise ProviderUnavailable("mock provider could not be reached") from exc
            except requests.Timeout as exc:
                raise ProviderUnavailable("mock provider did not answer in time") from exc
            except requests.RequestException as exc:
                raise ProviderUnavailable("mock provider request failed") from exc
            else:
                if response.status_code not in RETRY_STATUSES or attempt >= attempts:
                    return response
            attempt += 1
            self._sleep(self._retry_delay)


def _read(response: requests.Response, *, card: GiftCard | None, balance: bool) -> dict:
    """Map one provider response to its JSON body or to the framework's error."""
    status = response.status_code
    try:
        data = response.json()
    except ValueError:
        data = None
    if 200 <= status < 300:
        if isinstance(data, dict):
            return data
        raise ProviderUnavailable(f"mock provider sent an unreadable answer (HTTP {status})")
    error = data.get("error") if isinstance(data, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if balance and status == 500 and code == "GenericError":
        raise GiftCardError("GenericError", code, "Gift card provider error")
    if 400 <= status < 500 and code in DECLINE_STATES:
        raise GiftCardError(DECLINE_STATES[code], code, _decline_message(error, code, card))
    if status in (401, 403):
        raise ProviderUnavailable(
            "mock provider refused the credentials (GIFTCARD_MOCK_API_KEY)", retryable=False
        )
    raise ProviderUnavailable(f"mock provider answered HTTP {status}", retryable=status >= 500)


def _decline_message(error: dict, code: str, card: GiftCard | None) -> str:
    """The provider's message, unless it is missing or repeats the card's code or PIN."""
    message = error.get("message")
    secrets = [secret for secret in (card.code, card.pin) if secret] if card else []
    if not isinstance(message, str) or any(secret in message for secret in secrets):
        return f"Gift card declined: {code}"
    return message


def _build(make: Callable[[], Any]) -> Any:
    try:
        return make()
    except (KeyError, TypeError, ValueError) as exc:
        raise ProviderUnavailable("mock provider sent an unexpected answer") from exc


def _card_fields(card: GiftCard) -> dict[str, str]:
    return {"code": card.code, **({"pin": card.pin} if card.pin else {})}


def _money(data: dict, fraction_digits: int = 2) -> Money:
    cent_amount = data["centAmount"]
    if isinstance(cent_amount, bool) or not isinstance(cent_amount, int):
        raise TypeError("centAmount is not an integer")
    return Money(cent_amount, data["currencyCode"], fraction_digits)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError("expected a non-empty string")
    return value
