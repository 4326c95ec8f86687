"""OAuth2 bearer authentication of Checkout: the token is introspected at commercetools.

Checkout calls the payment-intents operations with a commercetools access token. The
processor asks commercetools whether it is active (RFC 7662) and which scopes it holds,
and requires one of the authorities **for this project key**: unlike the upstream SDK, a
token of another project is refused. Active answers are cached briefly (bounded, keyed
by a hash of the token, never past the token's ``exp``) so that a burst of operations
costs one introspection. When commercetools cannot answer, the CommercetoolsError
propagates (503): a token is never authorised by default.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cachetools import TTLCache
from flask import g, request

from ..commercetools import CommercetoolsClient
from ..errors import AuthError
from ..runtime import current_runtime

AUTHORITIES = ("manage_checkout_payment_intents", "manage_project")
# RFC 6750 b64token, with a length bound so nobody makes us introspect megabytes.
BEARER = re.compile(r"^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\-._~+/]{1,4096}=*)$")
MISSING = (
    "This endpoint requires an access token. Please provide a valid access token "
    "via HTTP header 'Authorization: Bearer <token>'."
)
MALFORMED = "The Authorization header must be 'Bearer <token>'."
INACTIVE = "The access token is invalid or has expired."


@dataclass(frozen=True)
class Introspection:
    """What commercetools says about an active token (never the token itself)."""

    client_id: str | None
    scopes: frozenset[str]
    expires_at: float | None


def _challenge(code: str | None = None) -> dict[str, str]:
    """RFC 6750 §3: a 401 names the scheme, and the error once a token was sent."""
    return {"WWW-Authenticate": f'Bearer error="{code}"' if code else "Bearer"}


def bearer_token(headers: list[str]) -> str:
    """The token of exactly one ``Authorization: Bearer <token>`` header, or AuthError."""
    if not headers or not headers[0].strip():
        raise AuthError(MISSING, "access_denied", headers=_challenge())
    match = BEARER.match(headers[0].strip()) if len(headers) == 1 else None
    if match is None:
        raise AuthError(MALFORMED, "invalid_request", headers=_challenge("invalid_request"))
    return match.group(1)


class TokenIntrospector:
    """Introspects bearer tokens with the processor's client, caching active answers."""

    def __init__(
        self,
        client: CommercetoolsClient,
        project_key: str,
        *,
        ttl: float = 10.0,
        maxsize: int = 10_000,
        clock: Callable[[], float] = time.time,
    ):
        self._client = client
        self.project_key = project_key
        self._clock = clock
        self._cache: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl, timer=time.monotonic)
        self._lock = threading.Lock()

    def introspect(self, token: str) -> Introspection:
        """The active token's client and scopes, or AuthError 401 ``invalid_token``."""
        key = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            found = self._cache.get(key)
        if found is None:
            found = self._fetch(token)
            with self._lock:
                self._cache[key] = found
        if found.expires_at is not None and found.expires_at <= self._clock():
            with self._lock:
                self._cache.pop(key, None)
            raise AuthError(INACTIVE, headers=_challenge("invalid_token"))
        return found

    def authorize(self, found: Introspection, authorities: Iterable[str] = AUTHORITIES) -> None:
        """Require one of ``authorities`` for this project, or AuthError 403."""
        wanted = [f"{authority}:{self.project_key}" for authority in authorities]
        if not found.scopes.intersection(wanted):
            raise AuthError(
                f"Insufficient scope. One of the following scopes is missing: {wanted[0]}",
                "insufficient_scope",
                403,
                headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
            )

    def _fetch(self, token: str) -> Introspection:
        body = self._client.introspect(token)
        exp = body.get("exp")
        exp_ok = exp is None or (isinstance(exp, (int, float)) and not isinstance(exp, bool))
        if body.get("active") is not True or not exp_ok:
            raise AuthError(INACTIVE, headers=_challenge("invalid_token"))
        client_id = body.get("client_id")
        return Introspection(
            client_id=client_id if isinstance(client_id, str) else None,
            scopes=frozenset(str(body.get("scope") or "").split()),
            expires_at=None if exp is None else float(exp),
        )


def oauth_required(view=None, *, authorities: Iterable[str] = AUTHORITIES):
    """Require a commercetools bearer token with one of ``authorities`` for this project.

    Use as ``@oauth_required`` (manage_checkout_payment_intents or manage_project) or
    ``@oauth_required(authorities=(...))``. The view then finds ``g.oauth``, an
    :class:`Introspection` (client id, scopes, expiry).
    """
    authorities = tuple(authorities)
    if not authorities:
        raise ValueError("oauth_required needs at least one authority")

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            introspector = current_runtime().introspector
            token = bearer_token(request.headers.getlist("Authorization"))
            found = introspector.introspect(token)
            introspector.authorize(found, authorities)
            g.oauth = found
            return view(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
