"""``X-Session-Id`` authentication: the browser proves its checkout session.

The session is read from commercetools with the processor's own token and must be
ACTIVE with a cart. Active sessions are cached briefly (bounded, never past expiry) so a
balance check followed by a redeem costs one session lookup, not two.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from cachetools import TTLCache
from flask import g, request

from ..commercetools import CommercetoolsClient, CommercetoolsError
from ..errors import AuthError
from ..runtime import current_runtime

SESSION_HEADER = "X-Session-Id"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
NOT_ACTIVE = "Session is not active"


@dataclass(frozen=True)
class CheckoutSession:
    """The parts of a commercetools Checkout session the processor relies on."""

    id: str
    cart_id: str
    payment_interface: str | None
    processor_url: str | None
    customer_id: str | None
    anonymous_id: str | None
    expires_at: float | None


def _timestamp(value: str | None) -> float | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def parse_session(body: dict) -> CheckoutSession | None:
    """The session if it is ACTIVE with a cart, else None."""
    cart_id = ((body.get("activeCart") or {}).get("cartRef") or {}).get("id")
    if body.get("state") != "ACTIVE" or not cart_id:
        return None
    metadata = body.get("metadata") or {}
    customer = body.get("customer") or {}
    return CheckoutSession(
        id=body["id"],
        cart_id=cart_id,
        payment_interface=metadata.get("paymentInterface"),
        processor_url=metadata.get("processorUrl"),
        customer_id=(customer.get("customerRef") or {}).get("id"),
        anonymous_id=customer.get("anonymousId"),
        expires_at=_timestamp(body.get("expiryAt")),
    )


class SessionVerifier:
    """Looks sessions up in commercetools, with a short bounded cache of active ones."""

    def __init__(
        self,
        client: CommercetoolsClient,
        *,
        ttl: float = 10.0,
        maxsize: int = 10_000,
        clock: Callable[[], float] = time.time,
    ):
        self._client = client
        self._clock = clock
        self._cache: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl, timer=time.monotonic)
        self._lock = threading.Lock()

    def verify(self, session_id: str | None) -> CheckoutSession:
        """The active session, or AuthError (401). commercetools failures propagate."""
        if not session_id:
            raise AuthError(f"{SESSION_HEADER} header is required")
        if not SESSION_ID.match(session_id):
            raise AuthError(NOT_ACTIVE)
        with self._lock:
            session = self._cache.get(session_id)
        if session is None:
            session = self._fetch(session_id)
            with self._lock:
                self._cache[session_id] = session
        if session.expires_at is not None and session.expires_at <= self._clock():
            with self._lock:
                self._cache.pop(session_id, None)
            raise AuthError(NOT_ACTIVE)
        return session

    def _fetch(self, session_id: str) -> CheckoutSession:
        try:
            body = self._client.get_session(session_id)
        except CommercetoolsError as exc:
            if exc.status_code == 404:
                raise AuthError(NOT_ACTIVE) from None
            raise
        session = parse_session(body)
        if session is None:
            raise AuthError(NOT_ACTIVE)
        return session


def session_required(view):
    """Require a valid ``X-Session-Id``; the session is then ``g.checkout_session``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.checkout_session = current_runtime().sessions.verify(request.headers.get(SESSION_HEADER))
        return view(*args, **kwargs)

    return wrapper
