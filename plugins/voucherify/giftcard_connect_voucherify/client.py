"""The Voucherify gift card API over HTTP.

The one module that knows the API's wire format. It is written for the example API that
README.md describes ("The example API"). To connect the real API, change the calls below
(paths, request bodies, what is read from answers) and DECLINES; keep the rules that make
money safe:

- every call has the framework's (connect, read) timeouts;
- only replay-safe calls are retried. A redeem never is: when its outcome is unknown the
  framework voids it by the same reference, which is the safe direction;
- the framework's reference is sent as the idempotency key and merchant transaction id,
  unchanged, so a repeated call never charges or gives back twice;
- card numbers and PINs travel only in JSON bodies: never in a URL, a log line or an
  error message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
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

log = logging.getLogger(__name__)

API_NAME = "Voucherify API"
API_KEY_SETTING = "GIFTCARD_VOUCHERIFY_API_KEY"

# Error codes of a 4xx answer (``{"error": {"code": ...}}``) that are definite declines:
# nothing was charged or given back. Code -> (gift card state, reason the processor reports).
# Any other error leaves the outcome unknown and becomes ProviderUnavailable.
# Adapt: your provider's error codes.
DECLINES = {
    "card_not_found": ("NotFound", "NotFound"),
    "card_expired": ("Expired", "Expired"),
    "card_blocked": ("Invalid", "CardBlocked"),
    "zero_balance": ("ZeroBalance", "ZeroBalance"),
    "insufficient_funds": ("Invalid", "InsufficientBalance"),
    "currency_mismatch": ("CurrencyNotMatch", "CurrencyNotMatch"),
    "pin_required": ("Invalid", "InvalidPin"),
    "pin_invalid": ("Invalid", "InvalidPin"),
    "transaction_voided": ("Invalid", "Voided"),
    "redemption_voided": ("Invalid", "Voided"),
    "redemption_not_found": ("Invalid", "RedemptionNotFound"),
    "amount_exceeds_redemption": ("Invalid", "AmountExceedsRedemption"),
    "partial_refund_not_supported": ("Invalid", "PartialCancelNotSupported"),
    "idempotency_conflict": ("Invalid", "ReferenceConflict"),
    "invalid_request": ("Invalid", "InvalidRequest"),
}
RETRY_STATUSES = frozenset({429, 502, 503, 504})
ATTEMPTS = 2  # of a replay-safe call: the first one and one retry
BACKOFF = 0.25  # seconds before a retry, unless the answer's Retry-After says otherwise
MAX_RETRY_AFTER = 2.0  # a longer Retry-After is not waited for: a shopper is waiting


@dataclass(frozen=True)
class Call:
    """One operation of the API. ``replay_safe``: sending it twice does what once does."""

    name: str  # for log lines, so it never holds card data
    method: str
    path: str
    replay_safe: bool


# Adapt: your provider's paths, and whether each call may be sent twice.
BALANCE = Call("balance", "POST", "/v1/balance-inquiries", replay_safe=True)  # only reads
REDEEM = Call("redeem", "POST", "/v1/redemptions", replay_safe=False)  # voided instead
REFUND = Call("refund", "POST", "/v1/redemptions/{id}/refunds", replay_safe=True)  # by its key
VOID = Call("void", "POST", "/v1/voids", replay_safe=True)  # by merchantTransactionId
HEALTH = Call("health", "GET", "/v1/health", replay_safe=True)


class GiftCardApi:
    """The provider's API with the framework's pooled session and timeouts.

    ``sleep`` is an argument so that tests need not wait for retries.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        http: requests.Session,
        timeout: tuple[float, float],
        correlation_id: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._http = http
        self._timeout = timeout
        self._correlation_id = correlation_id
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"GiftCardApi({self._base_url!r})"

    def balance(self, card: GiftCard) -> Balance:
        body = self._call(BALANCE, _card(card))
        return _parse(lambda: Balance(_money(body, "balance")))

    def redeem(self, card: GiftCard, amount: Money, reference: str) -> Redemption:
        request = {**_card(card), **_amount(amount), "merchantTransactionId": reference}
        body = self._call(REDEEM, request, idempotency_key=reference)
        return _parse(
            lambda: Redemption(_text(body["id"]), _money(body, "amount", amount.fraction_digits))
        )

    def refund(self, redemption_id: str, amount: Money, reference: str) -> Cancellation:
        request = {**_amount(amount), "merchantTransactionId": reference}
        body = self._call(REFUND, request, idempotency_key=reference, path_id=redemption_id)
        return _parse(
            lambda: Cancellation(_text(body["id"]), _money(body, "amount", amount.fraction_digits))
        )

    def void(self, reference: str) -> VoidResult:
        body = self._call(VOID, {"merchantTransactionId": reference})

        def result() -> VoidResult:
            if body["merchantTransactionId"] != reference or not isinstance(body["voided"], bool):
                raise ValueError("not the void that was asked for")
            amount = _money(body, "amount") if body["voided"] else None
            return VoidResult(reference, body["voided"], amount)

        return _parse(result)

    def health(self) -> bool:
        """True when the API answers with these credentials; never raises."""
        try:
            return self._call(HEALTH, None).get("status") == "ok"
        except (GiftCardError, ProviderUnavailable):
            return False

    def _call(
        self,
        call: Call,
        body: dict[str, Any] | None,
        *,
        idempotency_key: str | None = None,
        path_id: str | None = None,
    ) -> dict[str, Any]:
        """Send ``call`` (retried only when replay-safe) and read its answer."""
        url = self._base_url + call.path.format(id=quote(path_id or "", safe=""))
        headers = {"Accept": "application/json", "Authorization": f"Bearer {self._api_key}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if self._correlation_id:
            headers["X-Correlation-ID"] = self._correlation_id
        attempts, attempt = (ATTEMPTS if call.replay_safe else 1), 1
        while True:
            try:
                response = self._http.request(
                    call.method, url, json=body, headers=headers, timeout=self._timeout
                )
            except requests.RequestException as exc:
                if attempt == attempts:
                    raise ProviderUnavailable(
                        f"{API_NAME}: {call.name} got no answer ({type(exc).__name__})"
                    ) from exc
                delay, reason = BACKOFF, type(exc).__name__
            else:
                delay = _retry_delay(response)
                retry = response.status_code in RETRY_STATUSES and delay is not None
                if not retry or attempt == attempts:
                    return answer(response)
                reason = f"HTTP {response.status_code}"
            log.warning("%s: %s failed (%s); retrying in %.2fs", API_NAME, call.name, reason, delay)
            self._sleep(delay)
            attempt += 1


def answer(response: requests.Response) -> dict[str, Any]:
    """The JSON object of a 2xx answer, or the framework's error for any other answer.

    The one place where the provider's errors become gift card states: a definite decline
    is GiftCardError; anything that leaves the outcome unknown is ProviderUnavailable.
    """
    status = response.status_code
    try:
        body = response.json()
    except ValueError:  # an HTML error page from a proxy, an empty body...
        body = None
    if 200 <= status < 300:
        if isinstance(body, dict):
            return body
        raise ProviderUnavailable(f"{API_NAME} answered HTTP {status} without a JSON object")
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if 400 <= status < 500 and code in DECLINES:
        state, reason = DECLINES[code]
        raise GiftCardError(state, reason)
    if status in (401, 403):
        raise ProviderUnavailable(
            f"{API_NAME} refused the credentials (check {API_KEY_SETTING})", retryable=False
        )
    if status == 429:
        raise ProviderUnavailable(f"{API_NAME} is limiting the request rate (HTTP 429)")
    if body is None:
        raise ProviderUnavailable(f"{API_NAME} answered HTTP {status} with a body that is not JSON")
    raise ProviderUnavailable(
        f"{API_NAME} answered HTTP {status} ({code or 'no error code'})", retryable=status >= 500
    )


def _retry_delay(response: requests.Response) -> float | None:
    """Seconds to wait before a retry: Retry-After when given (None if too long), else BACKOFF."""
    header = response.headers.get("Retry-After", "")
    if not header.strip().isdigit():
        return BACKOFF
    seconds = float(header.strip())
    return seconds if seconds <= MAX_RETRY_AFTER else None


def _parse(build: Callable[[], Any]) -> Any:
    """Build a result from a 2xx body; a body of the wrong shape leaves the outcome unknown."""
    try:
        return build()
    except (KeyError, TypeError, ValueError) as exc:
        raise ProviderUnavailable(f"{API_NAME} sent an answer of an unexpected shape") from exc


def _card(card: GiftCard) -> dict[str, str]:
    return {"cardNumber": card.code, **({"pin": card.pin} if card.pin else {})}


def _amount(amount: Money) -> dict[str, Any]:
    return {"amount": amount.cent_amount, "currency": amount.currency_code}


def _money(body: dict[str, Any], key: str, fraction_digits: int = 2) -> Money:
    """``body[key]`` minor units in ``body["currency"]``; never a float."""
    cents = body[key]
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"{key} is not an integer of minor units")
    return Money(cents, body["currency"], fraction_digits)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError("expected a non-empty string")
    return value
