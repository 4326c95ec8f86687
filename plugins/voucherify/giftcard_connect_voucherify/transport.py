"""HTTP to the Voucherify API: credentials, timeouts, retries of replay-safe calls, and the
one place where an answer becomes a body, a refusal or an unknown outcome.

The card code is in the path of ``GET /v1/vouchers/{code}``, so nothing here ever logs or
raises with a URL: log lines and messages name the call ("balance"), and urllib3's own
debug line is masked by :class:`VoucherPathFilter`. Voucherify's error ``details`` can hold
the code as well, so only its ``key`` is kept from an error answer.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import requests
from giftcard_connect import ProviderUnavailable

from .settings import PREFIX, VoucherifySettings

log = logging.getLogger(__name__)

API_NAME = "Voucherify API"
CHANNEL = "giftcard-connect-voucherify"
ATTEMPTS = 2  # of a replay-safe call: the first one and one retry
BACKOFF = 0.25  # seconds before a retry when the answer names no time
MAX_RETRY_AFTER = 2.0  # a longer wait is not taken: a shopper is waiting
MIN_CALL_TIME = 1.0  # seconds a request needs at least, or it is not started
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class Call:
    """One Voucherify operation. ``replay_safe``: sending it twice does what once does."""

    name: str  # for log lines and messages, so it never holds card data
    method: str
    replay_safe: bool


class Refused(Exception):
    """A 4xx answer with Voucherify's error envelope: the request was not carried out.

    Only the HTTP status and the ``key`` are kept (``details`` may hold the card code).
    """

    def __init__(self, call: str, status: int, key: str | None):
        super().__init__(f"{API_NAME}: {call} refused with HTTP {status} ({key or 'no key'})")
        self.call, self.status, self.key = call, status, key


class Ambiguous(ProviderUnavailable):
    """No usable answer after the request may have reached Voucherify (a timeout, a broken
    connection, a 5xx, a body that is not JSON): it may or may not have been carried out."""


def segment(value: str) -> str:
    """``value`` as one path segment: every reserved character encoded, so that no code can
    reach another path or the query string. (A segment of dots alone cannot be sent:
    requests resolves it; callers refuse those first.)"""
    return quote(value, safe="")


class Transport:
    """Calls with the processor's pooled session, within the processor's provider timeout.

    One transport serves one hook call, and that call ends within ``connect + read``
    seconds however many requests it makes: each request gets what is left of that time
    (the processor's money flow counts on a hook taking no longer), and none is started
    with less than MIN_CALL_TIME left. ``sleep`` and ``clock`` are arguments for tests.
    """

    def __init__(
        self,
        settings: VoucherifySettings,
        *,
        http: requests.Session,
        timeout: tuple[float, float],
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        install_log_filter()
        self._settings = settings
        self._http = http
        self._connect, self._read = timeout
        self._sleep = sleep or time.sleep
        self._clock = clock
        self._deadline = clock() + self._connect + self._read
        self._headers = {
            "X-App-Id": settings.app_id,
            "X-App-Token": settings.app_token,
            "Accept": "application/json",
            "X-Voucherify-Channel": CHANNEL,
        }

    def __repr__(self) -> str:
        return f"Transport({self._settings.base_url!r})"

    def time_left(self) -> float:
        return self._deadline - self._clock()

    def pause(self, seconds: float) -> bool:
        """Wait before asking again, if that leaves time to ask; False when it would not."""
        if self.time_left() - seconds < min(MIN_CALL_TIME, self._read):
            return False
        self._sleep(seconds)
        return True

    def send(
        self,
        call: Call,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The JSON object of a 2xx answer. Raises Refused for a refusal, Ambiguous when the
        request may have been carried out, ProviderUnavailable when it was not."""
        url = self._settings.base_url + path
        attempt = 1
        while True:
            left = self.time_left()
            if left < min(MIN_CALL_TIME, self._read):
                raise ProviderUnavailable(
                    f"{API_NAME}: no time left for {call.name} (the provider timeout)")
            try:
                response = self._http.request(
                    call.method, url, json=body, params=params, headers=self._headers,
                    timeout=(min(self._connect, left), min(self._read, left)),
                )
            except requests.ConnectTimeout:
                failure = ProviderUnavailable(f"{API_NAME}: {call.name} could not connect")
                delay: float | None = BACKOFF
            except requests.RequestException as exc:  # not chained: its text holds the URL
                failure = Ambiguous(f"{API_NAME}: {call.name} got no answer ({type(exc).__name__})")
                delay = BACKOFF
            else:
                delay = retry_delay(response)
                if response.status_code not in RETRY_STATUSES or delay is None:
                    return answer(call.name, response)
                failure = _failure(call.name, response)
            retry = call.replay_safe and attempt < ATTEMPTS and delay is not None
            if not (retry and self.pause(delay)):
                raise failure
            log.warning("%s: %s failed (%s); asked again after %.2fs", API_NAME, call.name,
                        failure.message, delay)
            attempt += 1


def answer(call: str, response: requests.Response) -> dict[str, Any]:
    """The JSON object of a 2xx answer, or the exception for any other answer."""
    status = response.status_code
    body = _json(response)
    if 200 <= status < 300:
        if isinstance(body, dict):
            return body
        raise Ambiguous(f"{API_NAME}: {call} answered HTTP {status} without a JSON object")
    raise _failure(call, response, body)


def _failure(call: str, response: requests.Response, body: Any = ...) -> Exception:
    status = response.status_code
    body = _json(response) if body is ... else body
    key = body.get("key") if isinstance(body, dict) and isinstance(body.get("key"), str) else None
    if status in (401, 403):
        return ProviderUnavailable(
            f"{API_NAME} refused the credentials (HTTP {status}; check {PREFIX}APP_ID and "
            f"{PREFIX}APP_TOKEN)", retryable=False)
    if status == 402:
        return ProviderUnavailable(f"{API_NAME}: the project's plan limit is used up (HTTP 402)",
                                   retryable=False)
    if status == 429:
        return ProviderUnavailable(f"{API_NAME} is limiting the request rate (HTTP 429)")
    if 400 <= status < 500 and key:
        return Refused(call, status, key)
    if 400 <= status < 500:
        return ProviderUnavailable(
            f"{API_NAME}: {call} answered HTTP {status} without an error key")
    return Ambiguous(f"{API_NAME}: {call} answered HTTP {status}", retryable=status >= 500)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:  # an HTML error page from a proxy, an empty body...
        return None


def retry_delay(response: requests.Response, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait before retrying: ``Retry-After`` (seconds or an HTTP date), else
    ``X-Rate-Limit-Retry`` (epoch seconds), else BACKOFF; None when longer than we wait,
    or for a 429 that names no time (retrying at once would only spend more quota)."""
    retry_after = response.headers.get("Retry-After", "").strip()
    limit_retry = response.headers.get("X-Rate-Limit-Retry", "").strip()
    seconds: float | None = None
    if retry_after.isdigit():
        seconds = float(retry_after)
    elif retry_after:
        try:
            seconds = parsedate_to_datetime(retry_after).timestamp() - now()
        except (TypeError, ValueError):
            seconds = None
    elif limit_retry.isdigit():
        seconds = float(limit_retry) - now()
    if seconds is None:
        return None if response.status_code == 429 else BACKOFF
    seconds = max(seconds, 0.0)
    return seconds if seconds <= MAX_RETRY_AFTER else None


class VoucherPathFilter(logging.Filter):
    """Masks the code in ``/v1/vouchers/<code>`` in the records of urllib3's connection pool,
    whose debug line names every request path."""

    PATH = re.compile(r"(/v1/vouchers/)[^/\s?\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.PATH.sub(r"\1****", message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


_FILTER = VoucherPathFilter()
_FILTER_LOCK = threading.Lock()
URLLIB3_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry")


def install_log_filter() -> None:
    """Put the mask on urllib3's loggers, once: it then applies to every handler."""
    with _FILTER_LOCK:
        for name in URLLIB3_LOGGERS:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
