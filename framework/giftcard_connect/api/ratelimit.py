"""The code-guessing defence: failed gift card attempts limited per session and per client IP.

Only declines count, so a shopper whose cards are accepted is never slowed down. A client
over a limit is answered ``429 TooManyRequests`` with ``Retry-After`` before its session
is looked up or the provider is asked. The counts live in memory (one process) or in
Redis (``GIFTCARD_RATE_LIMIT_STORAGE``), where every instance and worker shares them.
docs/money-flow.md#code-guessing explains the limits together with the per-cart one.

The ``limits`` library keeps the moving windows and their storage; the two checks around
the gift card views are this module's, because they are all the processor needs.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, Response, request
from limits import RateLimitItem, parse
from limits.errors import ConfigurationError as StorageUnusable
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

from ..auth.session import SESSION_HEADER
from ..config import Settings
from ..errors import GIFT_CARD_STATES, ApiError, ConfigurationError
from . import giftcard
from .errors import render

log = logging.getLogger(__name__)

# A decline says something about the code that was tried; GenericError (the provider did
# not answer) says nothing, and a Valid answer is no failure.
COUNTED_STATES = frozenset(GIFT_CARD_STATES) - {"Valid", "GenericError"}
KEY_PREFIX = "giftcard-connect"
EXTENSION = "giftcard_connect_attempt_limits"


def is_failed_attempt(response: Response) -> bool:
    """A balance or redeem answer that declined the card (its ``status.state``)."""
    body = response.get_json(silent=True)
    status = body.get("status") if isinstance(body, dict) else None
    return isinstance(status, dict) and status.get("state") in COUNTED_STATES


def session_key() -> str:
    """The Checkout session, hashed: the raw id must not reach the storage or its logs."""
    session_id = request.headers.get(SESSION_HEADER, "")
    return "session:" + hashlib.sha256(session_id.encode()).hexdigest()[:32]


def client_ip() -> str:
    """The client's address; behind ``GIFTCARD_TRUSTED_PROXIES`` proxies, the one they saw."""
    return "ip:" + (request.remote_addr or "unknown")


@dataclass(frozen=True)
class AttemptLimit:
    limit: RateLimitItem
    scope: str
    key: Callable[[], str]

    def identifiers(self) -> tuple[str, str, str]:
        return KEY_PREFIX, self.scope, self.key()


class FailedAttemptLimits:
    """Moving windows of declined attempts, per session and per client address.

    Storage trouble (Redis down) is logged and the request served: the per-cart limit,
    kept in commercetools, still holds, and shoppers can still pay.
    """

    def __init__(self, storage_uri: str, per_session: str, per_ip: str):
        self.storage = storage_from_string(storage_uri)
        self._windows = MovingWindowRateLimiter(self.storage)
        self._limits = (
            AttemptLimit(parse(per_session), "failed-attempts-per-session", session_key),
            AttemptLimit(parse(per_ip), "failed-attempts-per-ip", client_ip),
        )

    def refusal(self) -> tuple[AttemptLimit, int] | None:
        """The first limit this request's client has used up, and the seconds to wait."""
        try:
            for attempt_limit in self._limits:
                identifiers = attempt_limit.identifiers()
                if not self._windows.test(attempt_limit.limit, *identifiers):
                    stats = self._windows.get_window_stats(attempt_limit.limit, *identifiers)
                    return attempt_limit, max(1, math.ceil(stats.reset_time - time.time()))
        except Exception:
            log.exception("failed-attempt limits unavailable; serving the request without them")
        return None

    def count_failure(self) -> None:
        """Count one declined attempt against every limit of this request's client."""
        try:
            for attempt_limit in self._limits:
                self._windows.hit(attempt_limit.limit, *attempt_limit.identifiers())
        except Exception:
            log.exception("failed-attempt limits unavailable; a declined attempt went uncounted")

    def reset(self) -> None:
        """Forget every count (tests and demos that replay the same shoppers)."""
        self.storage.reset()


def init_rate_limits(app: Flask, settings: Settings) -> FailedAttemptLimits:
    """Limit failed ``/balance`` and ``/redeem`` attempts, per session and per client IP.

    ``X-Forwarded-For`` is trusted only for the ``GIFTCARD_TRUSTED_PROXIES`` nearest hops;
    with none (the default) it is ignored, so a client cannot pick its own address.
    """
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)
    try:
        limits = FailedAttemptLimits(
            settings.rate_limit_storage, settings.rate_limit_per_session, settings.rate_limit_per_ip
        )
    except StorageUnusable as exc:
        raise ConfigurationError(
            f"GIFTCARD_RATE_LIMIT_STORAGE cannot be used ({exc}); a Redis URI needs the "
            "redis client: pip install 'giftcard-connect[redis]'"
        ) from None
    app.extensions[EXTENSION] = limits

    def limited() -> bool:
        return request.method == "POST" and request.blueprint == giftcard.bp.name

    @app.before_request
    def refuse_clients_over_a_limit():
        if not limited():
            return None
        refusal = limits.refusal()
        if refusal is None:
            return None
        attempt_limit, retry_after = refusal
        log.warning(
            "too many failed gift card attempts (%s, %s) from %s; refused for %ss",
            attempt_limit.scope, attempt_limit.limit, request.remote_addr, retry_after,
        )
        return render(ApiError(
            429,
            "TooManyRequests",
            f"Too many failed gift card attempts; try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        ))

    @app.after_request
    def count_declines(response: Response) -> Response:
        if limited() and is_failed_attempt(response):
            limits.count_failure()
        return response

    log.info(
        "failed gift card attempts limited to %s per session and %s per client IP "
        "(trusting %d proxies), counted in %s",
        settings.rate_limit_per_session, settings.rate_limit_per_ip,
        settings.trusted_proxies, _storage_name(settings.rate_limit_storage),
    )
    return limits


def _storage_name(uri: str) -> str:
    """Where the counts live, without credentials: ``memory`` or ``redis at host:port``."""
    parts = urlsplit(uri)
    if parts.scheme == "memory":
        return "memory (this process only)"
    hosts = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme} at {hosts or parts.path}"
