"""HTTP plumbing shared by the token cache and the API client: timeouts, retries, parsing.

Retries are an explicit loop rather than urllib3's ``Retry`` because the ``responses``
test library replays only *status* retries through an adapter's ``max_retries``, not
connection errors or read timeouts, so the loop is the only design whose timeout
retries can be tested. The caller decides per call whether a replay is safe (``retry``).

Requests are prepared here and sent with ``Session.send``: ``Session.request`` merges
session headers, cookies, auth and hooks into every call, which cost a fifth of a call's
CPU for settings this client never uses. The session supplies the connection pool,
``verify`` and proxies; the headers are the Transport's own.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from ..logs import mask_session_path
from .errors import CORRELATION_HEADER, CommercetoolsError

log = logging.getLogger(__name__)

TRANSIENT_STATUSES = frozenset({502, 503, 504})
# Failures after which the request may or may not have reached the server.
_TRANSIENT_EXCEPTIONS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
MAX_BACKOFF = 10.0  # seconds; caps the exponential delay
MAX_RETRY_AFTER = 10.0  # a longer Retry-After is not waited for: the call fails instead
USER_AGENT = "giftcard-connect (python-requests)"
BASE_HEADERS = {
    **requests.utils.default_headers(),
    "Accept": "application/json",
    "User-Agent": USER_AGENT,
}


class Transport:
    """Sends one logical request, replaying it on transient failures when allowed."""

    def __init__(
        self,
        *,
        http: requests.Session,
        timeout: tuple[float, float],
        retries: int,
        backoff_factor: float,
        sleep: Callable[[float], None] = time.sleep,
        correlation_id: Callable[[], str | None] | None = None,
    ):
        if len(timeout) != 2 or any(t is None or t <= 0 for t in timeout):
            raise ValueError("timeout must be a (connect, read) pair of positive seconds")
        if retries < 0 or backoff_factor < 0:
            raise ValueError("retries and backoff_factor must not be negative")
        self.http = http
        self.timeout = (float(timeout[0]), float(timeout[1]))
        self.retries = retries
        self.backoff_factor = backoff_factor
        self._sleep = sleep
        self._correlation_id = correlation_id

    def send(
        self,
        method: str,
        url: str,
        *,
        retry: bool,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Return the final response (any status); raise only when no answer arrived.

        ``response.replayed`` tells whether earlier attempts went unanswered: for a POST,
        one of them may have been applied.
        """
        headers = {**BASE_HEADERS, **(headers or {})}
        correlation_id = self._correlation_id() if self._correlation_id else None
        if correlation_id:
            headers[CORRELATION_HEADER] = correlation_id
        path = mask_session_path(urlsplit(url).path)  # for logs and errors
        try:
            request = requests.Request(method, url, headers=headers, **kwargs).prepare()
        except requests.exceptions.RequestException as exc:  # a bug, not the network
            raise _no_answer(method, path, exc, 0, correlation_id) from exc
        allowed = self.retries if retry else 0
        attempt = 0
        while True:
            try:
                response = self.http.send(request, timeout=self.timeout)
            except _TRANSIENT_EXCEPTIONS as exc:
                if attempt >= allowed:
                    raise _no_answer(method, path, exc, attempt, correlation_id) from exc
                reason, delay = type(exc).__name__, None
            except requests.exceptions.RequestException as exc:  # a bug, not the network
                raise _no_answer(method, path, exc, attempt, correlation_id) from exc
            else:
                response.replayed = attempt > 0
                if response.status_code not in TRANSIENT_STATUSES or attempt >= allowed:
                    return response
                delay = _retry_after(response)
                if delay is not None and delay > MAX_RETRY_AFTER:
                    return response
                reason = f"HTTP {response.status_code}"
                response.close()
            attempt += 1
            if delay is None:
                delay = self._jitter(min(MAX_BACKOFF, self.backoff_factor * 2 ** (attempt - 1)))
            log.warning(
                "commercetools %s %s failed (%s); retry %d/%d in %.2fs [correlation id %s]",
                method,
                path,
                reason,
                attempt,
                allowed,
                delay,
                correlation_id,
            )
            self._sleep(delay)

    def _jitter(self, delay: float) -> float:
        """Spread retries of concurrent callers over [delay/2, delay]."""
        return delay * random.uniform(0.5, 1.0)


def parse_json(response: requests.Response) -> dict[str, Any]:
    """The body of a successful answer as a dict; anything else raises."""
    if response.status_code >= 400:
        raise CommercetoolsError.from_response(response)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise CommercetoolsError.from_response(
            response, message=f"HTTP {response.status_code} with a body that is not a JSON object"
        )
    return body


def join_url(base: str, *segments: str) -> str:
    """``base`` + quoted segments, without ``//`` whether or not ``base`` ends in ``/``."""
    parts = [base.rstrip("/")]
    for segment in segments:
        if not isinstance(segment, str) or segment in ("", ".", ".."):
            raise ValueError(f"invalid URL path segment: {segment!r}")
        parts.append(quote(segment, safe="="))
    return "/".join(parts)


def _retry_after(response: requests.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:  # absent, or an HTTP date: use our own backoff
        return None


def _no_answer(method, path, exc, attempt, correlation_id) -> CommercetoolsError:
    tries = f" after {attempt + 1} attempts" if attempt else ""
    return CommercetoolsError(
        f"{method} {path}: {type(exc).__name__}{tries}",
        correlation_id=correlation_id,
    )
