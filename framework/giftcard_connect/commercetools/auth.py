"""The processor's own OAuth token (client credentials), fetched once and shared.

A token lives two days; fetching one per call would double latency and hit the auth
rate limits, and a burst of concurrent first calls must not stampede the auth server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .errors import CommercetoolsError
from .transport import Transport, basic_authorization, join_url, parse_json


class ClientCredentialsToken:
    """A thread-safe cache of one client-credentials access token."""

    def __init__(
        self,
        transport: Transport,
        *,
        client_id: str,
        client_secret: str,
        auth_url: str,
        scope: str | None = None,
        margin: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        if margin < 0:
            raise ValueError("margin must not be negative")
        self._transport = transport
        self._auth = basic_authorization(client_id, client_secret)
        self._url = join_url(auth_url, "oauth", "token")
        self._scope = scope
        self._margin = margin
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self._granted: frozenset[str] = frozenset()
        self.client_id = client_id

    def get(self) -> str:
        """A valid access token; the first caller fetches it while the others wait."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                self._token = None
                self._token, self._expires_at = self._fetch()
            return self._token

    def granted_scopes(self) -> frozenset[str]:
        """The scopes commercetools granted with the current token (fetched if needed)."""
        self.get()
        with self._lock:
            return self._granted

    def invalidate(self, token: str | None = None) -> None:
        """Forget the token (the API answered 401).

        Pass the token that was rejected: if another thread already replaced it, the
        fresh one is kept.
        """
        with self._lock:
            if token is None or token == self._token:
                self._token = None

    def _fetch(self) -> tuple[str, float]:
        data = {"grant_type": "client_credentials"}
        if self._scope:
            data["scope"] = self._scope
        started = self._clock()
        response = self._transport.send(
            "POST", self._url, retry=True, headers=self._auth, form=data
        )
        body = parse_json(response)
        token, expires_in = body.get("access_token"), body.get("expires_in")
        lifetime_ok = isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool)
        if not isinstance(token, str) or not token or not lifetime_ok:
            raise CommercetoolsError.from_response(
                response, message="token answer lacks access_token or expires_in"
            )
        self._granted = frozenset(str(body.get("scope") or "").split())
        return token, started + max(0.0, expires_in - self._margin)

    def __repr__(self) -> str:
        cached = self._token is not None
        return f"ClientCredentialsToken(client_id={self.client_id!r}, cached={cached})"
