"""The code-guessing defence: failed gift card attempts limited per session and per client IP.

Only declines count (flask-limiter's ``deduct_when``), so a shopper whose cards are
accepted is never slowed down. A client over a limit is answered ``429 TooManyRequests``
with ``Retry-After`` before its session is looked up or the provider is asked. The
counts live in memory (one process) or in Redis (``GIFTCARD_RATE_LIMIT_STORAGE``), where
every instance and worker shares them. docs/money-flow.md#code-guessing explains the
limits together with the per-cart one.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_limiter import Limiter, RateLimitExceeded
from limits.errors import ConfigurationError as StorageUnusable
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


def init_rate_limits(app: Flask, settings: Settings) -> Limiter:
    """Limit failed ``/balance`` and ``/redeem`` attempts, per session and per client IP.

    ``X-Forwarded-For`` is trusted only for the ``GIFTCARD_TRUSTED_PROXIES`` nearest hops;
    with none (the default) it is ignored, so a client cannot pick its own address.
    """
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)
    try:
        limiter = Limiter(
            key_func=client_ip,
            app=app,
            storage_uri=settings.rate_limit_storage,
            strategy="moving-window",
            key_prefix=KEY_PREFIX,
            headers_enabled=False,
            # Storage trouble (Redis down) is logged and the request served: the per-cart
            # limit, kept in commercetools, still holds, and shoppers can still pay.
            swallow_errors=True,
        )
    except StorageUnusable as exc:
        raise ConfigurationError(
            f"GIFTCARD_RATE_LIMIT_STORAGE cannot be used ({exc}); a Redis URI needs the "
            "redis client: pip install 'giftcard-connect[redis]'"
        ) from None
    for limit, key, scope in (
        (settings.rate_limit_per_session, session_key, "failed-attempts-per-session"),
        (settings.rate_limit_per_ip, client_ip, "failed-attempts-per-ip"),
    ):
        limiter.shared_limit(
            limit, scope=scope, key_func=key, methods=["POST"], deduct_when=is_failed_attempt
        )(giftcard.bp)

    @app.errorhandler(RateLimitExceeded)
    def too_many_attempts(exc: RateLimitExceeded):
        retry_after = _retry_after(limiter)
        log.warning(
            "too many failed gift card attempts (%s) from %s; refused for %ss",
            exc.limit.limit, request.remote_addr, retry_after,
        )
        return render(ApiError(
            429,
            "TooManyRequests",
            f"Too many failed gift card attempts; try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        ))

    log.info(
        "failed gift card attempts limited to %s per session and %s per client IP "
        "(trusting %d proxies), counted in %s",
        settings.rate_limit_per_session, settings.rate_limit_per_ip,
        settings.trusted_proxies, _storage_name(settings.rate_limit_storage),
    )
    return limiter


def _retry_after(limiter: Limiter) -> int:
    """Seconds until the oldest counted failure leaves the window (at least 1)."""
    breached = limiter.current_limit
    if breached is None:
        return 1
    return max(1, math.ceil(breached.window.reset_time - time.time()))


def _storage_name(uri: str) -> str:
    """Where the counts live, without credentials: ``memory`` or ``redis at host:port``."""
    parts = urlsplit(uri)
    if parts.scheme == "memory":
        return "memory (this process only)"
    hosts = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme} at {hosts or parts.path}"
