"""HTTP plumbing shared by the token cache and the API client: timeouts, retries, parsing.

The calls go straight through urllib3, requests' own HTTP layer: requests' preparation,
cookie handling and response building cost about as much CPU again as urllib3's whole
round trip, for features these calls never use. Bodies and query strings are encoded
here, and each answer is read whole before its connection goes back to the pool.

Retries are an explicit loop rather than urllib3's ``Retry``: the caller decides per call
whether a replay is safe (``retry``), a long ``Retry-After`` fails fast, and each retry is
logged with the correlation id. urllib3 itself neither retries nor follows redirects
(``retries=False``), so every failure reaches the loop as urllib3's own exception. An
HTTP client that sends a request again by itself when a kept connection drops (libcurl
does) would hide from the loop that a POST may have been applied twice.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, urlencode, urlsplit

import urllib3
from urllib3.exceptions import HTTPError, ProtocolError, ProxyError, SSLError, TimeoutError

from ..logs import mask_session_path
from .errors import CORRELATION_HEADER, CommercetoolsError

log = logging.getLogger(__name__)

TRANSIENT_STATUSES = frozenset({502, 503, 504})
# Failures after which the request may or may not have reached the server: timeouts and
# refused connections (TimeoutError covers NewConnectionError), resets and cut-off
# answers (ProtocolError), TLS and proxy failures.
_TRANSIENT_EXCEPTIONS = (TimeoutError, ProtocolError, SSLError, ProxyError)
MAX_BACKOFF = 10.0  # seconds; caps the exponential delay
MAX_RETRY_AFTER = 10.0  # a longer Retry-After is not waited for: the call fails instead
USER_AGENT = "giftcard-connect (urllib3)"
BASE_HEADERS = {
    "Accept": "application/json",
    "Accept-Encoding": urllib3.make_headers(accept_encoding=True)["accept-encoding"],
    "User-Agent": USER_AGENT,
}
JSON_TYPE = {"Content-Type": "application/json"}
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}


class Pools(Protocol):
    """What the transport needs of its pools: ``OriginPools`` or ``ProxyRoutes``."""

    def urlopen(self, method: str, url: str, **kwargs: Any) -> urllib3.BaseHTTPResponse: ...

    def clear(self) -> None: ...


@dataclass(slots=True)
class Response:
    """One answer, read whole; ``replayed`` tells whether earlier attempts went
    unanswered (for a POST, one of them may have been applied)."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    method: str
    path: str  # with session ids masked: for messages and logs
    sent_correlation_id: str | None
    replayed: bool = False

    def json(self) -> Any:
        """The decoded body; ValueError when it is empty or not JSON."""
        return json.loads(self.content)


class Transport:
    """Sends one logical request, replaying it on transient failures when allowed."""

    def __init__(
        self,
        *,
        http: Pools,
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
        self.timeout = urllib3.Timeout(connect=float(timeout[0]), read=float(timeout[1]))
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
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        params: Sequence[tuple[str, str | int]] = (),
    ) -> Response:
        """Return the final answer (any status); raise only when no answer arrived."""
        headers = {**BASE_HEADERS, **(headers or {})}
        correlation_id = self._correlation_id() if self._correlation_id else None
        if correlation_id:
            headers[CORRELATION_HEADER] = correlation_id
        path = mask_session_path(urlsplit(url).path)  # for logs and errors
        body = None
        if json_body is not None:
            try:
                body = json.dumps(json_body, allow_nan=False).encode()
            except ValueError as exc:  # NaN or infinity: a bug, and nothing was sent
                raise _no_answer(method, path, exc, 0, correlation_id) from exc
            headers.update(JSON_TYPE)
        elif form is not None:
            body = urlencode(form).encode()
            headers.update(FORM_TYPE)
        if params:
            url = f"{url}?{urlencode(params)}"
        allowed = self.retries if retry else 0
        attempt = 0
        while True:
            try:
                raw = self.http.urlopen(
                    method,
                    url,
                    body=body,
                    headers=headers,
                    timeout=self.timeout,
                    retries=False,
                    redirect=False,
                )
            except _TRANSIENT_EXCEPTIONS as exc:
                if attempt >= allowed:
                    raise _no_answer(method, path, exc, attempt, correlation_id) from exc
                reason, delay = type(exc).__name__, None
            except HTTPError as exc:  # not the network: an unusable URL, an undecodable body
                raise _no_answer(method, path, exc, attempt, correlation_id) from exc
            else:
                content = raw.data or b""  # None when there is no body at all
                response = Response(
                    raw.status, raw.headers, content, method, path, correlation_id, attempt > 0
                )
                if response.status_code not in TRANSIENT_STATUSES or attempt >= allowed:
                    return response
                delay = _retry_after(response)
                if delay is not None and delay > MAX_RETRY_AFTER:
                    return response
                reason = f"HTTP {response.status_code}"
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


def parse_json(response: Response) -> dict[str, Any]:
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


def basic_authorization(client_id: str, client_secret: str) -> dict[str, str]:
    """The Authorization header of the OAuth calls, encoded as requests does (latin-1)."""
    encoded = urllib3.make_headers(basic_auth=f"{client_id}:{client_secret}")
    return {"Authorization": encoded["authorization"]}


def _retry_after(response: Response) -> float | None:
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
