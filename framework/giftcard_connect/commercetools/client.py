"""The few commercetools calls the processor needs, over urllib3's keep-alive pools.

Only calls that are safe to replay are retried: reads, the OAuth POSTs, versioned
updates (a replayed update that was already applied fails with 409 instead of applying
twice, which the ``*_on_conflict`` helpers resolve) and payment creation with a ``key``
(a replay answers DuplicateField). Keyless creations and session creation are sent once:
a timeout may hide a request that was applied.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..connections import commercetools_pools
from .auth import ClientCredentialsToken
from .errors import CommercetoolsError
from .transport import Pools, Transport, basic_authorization, join_url, parse_json

log = logging.getLogger(__name__)

Resource = dict[str, Any]
Actions = list[dict[str, Any]]
BuildActions = Callable[[Resource], Actions | None]


class CommercetoolsClient:
    """Sessions, carts, payments and token introspection for one project."""

    def __init__(
        self,
        *,
        project_key: str,
        client_id: str,
        client_secret: str,
        auth_url: str,
        api_url: str,
        session_url: str,
        timeout: tuple[float, float] = (3.05, 10.0),
        retries: int = 3,
        backoff_factor: float = 0.2,
        http: Pools | None = None,
        correlation_id: Callable[[], str | None] | None = None,
        scope: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.project_key = project_key
        self._owns_http = http is None
        self._transport = Transport(
            http=http if http is not None else commercetools_pools(),
            timeout=timeout,
            retries=retries,
            backoff_factor=backoff_factor,
            sleep=sleep,
            correlation_id=correlation_id,
        )
        self._token = ClientCredentialsToken(
            self._transport,
            client_id=client_id,
            client_secret=client_secret,
            auth_url=auth_url,
            scope=scope,
            clock=clock,
        )
        self._basic_auth = basic_authorization(client_id, client_secret)
        self._introspect_url = join_url(auth_url, "oauth", "introspect")
        self._api = join_url(api_url, project_key)
        self._sessions = join_url(session_url, project_key, "sessions")

    # Checkout sessions

    def get_session(self, session_id: str) -> Resource:
        return self._call("GET", join_url(self._sessions, session_id), retry=True)

    def create_session(self, cart_id: str, metadata: dict[str, Any]) -> Resource:
        body = {"cart": {"cartRef": {"id": cart_id}}, "metadata": metadata}
        return self._call("POST", self._sessions, retry=False, json_body=body)

    # Carts

    def get_cart(self, cart_id: str, *, expand: Sequence[str] = ()) -> Resource:
        """The cart; ``expand`` paths (e.g. ``paymentInfo.payments[*]``) add each
        referenced resource as the reference's ``obj``."""
        url = join_url(self._api, "carts", cart_id)
        return self._call("GET", url, retry=True, params=[("expand", e) for e in expand])

    def create_cart(self, draft: dict[str, Any]) -> Resource:
        url = join_url(self._api, "carts")
        return self._call("POST", url, retry=bool(draft.get("key")), json_body=draft)

    def update_cart(self, cart_id: str, version: int, actions: Actions) -> Resource:
        return self._update(join_url(self._api, "carts", cart_id), version, actions)

    def update_cart_on_conflict(
        self,
        cart_id: str,
        build_actions: BuildActions,
        *,
        cart: Resource | None = None,
        attempts: int = 5,
        expand: Sequence[str] = (),
    ) -> Resource:
        """See ``update_payment_on_conflict``; re-reads use ``expand`` (see ``get_cart``)."""
        return self._update_on_conflict(
            lambda cart_id: self.get_cart(cart_id, expand=expand),
            self.update_cart,
            cart_id,
            build_actions,
            cart,
            attempts,
        )

    # Payments

    def create_payment(self, draft: dict[str, Any]) -> Resource:
        url = join_url(self._api, "payments")
        return self._call("POST", url, retry=bool(draft.get("key")), json_body=draft)

    def get_payment(self, payment_id: str) -> Resource:
        return self._call("GET", join_url(self._api, "payments", payment_id), retry=True)

    def get_payment_by_key(self, key: str) -> Resource | None:
        url = join_url(self._api, "payments", f"key={key}")
        return self._call("GET", url, retry=True, missing_ok=True)

    def query_payments(
        self,
        where: Sequence[str],
        *,
        limit: int = 100,
        offset: int = 0,
        sort: str | Sequence[str] | None = None,
    ) -> Resource:
        """One page of payments matching every predicate (a PagedQueryResponse)."""
        where = [where] if isinstance(where, str) else list(where)
        sort = [] if sort is None else [sort] if isinstance(sort, str) else list(sort)
        params: list[tuple[str, str | int]] = [("where", w) for w in where]
        params += [("limit", limit), ("offset", offset), ("withTotal", "false")]
        params += [("sort", s) for s in sort]
        url = join_url(self._api, "payments")
        return self._call("GET", url, retry=True, params=params)

    def update_payment(self, payment_id: str, version: int, actions: Actions) -> Resource:
        return self._update(join_url(self._api, "payments", payment_id), version, actions)

    def update_payment_on_conflict(
        self,
        payment_id: str,
        build_actions: BuildActions,
        *,
        payment: Resource | None = None,
        attempts: int = 5,
        on_lost_answer: Callable[[Resource], None] | None = None,
    ) -> Resource:
        """Apply ``build_actions(payment)``, re-reading and re-building on 409.

        ``build_actions`` sees the current payment and returns the actions still needed;
        None or ``[]`` means nothing is left to do, and the payment is returned as is.
        That makes the update idempotent, including after a replayed request.
        ``on_lost_answer(payment)`` is called with the payment an update was built from
        when that update was replayed and then met a conflict: it may have been applied.
        """
        return self._update_on_conflict(
            self.get_payment,
            self.update_payment,
            payment_id,
            build_actions,
            payment,
            attempts,
            on_lost_answer,
        )

    # OAuth

    def introspect(self, token: str) -> Resource:
        """RFC 7662 introspection of a caller's bearer token, with our own credentials."""
        response = self._transport.send(
            "POST",
            self._introspect_url,
            retry=True,
            headers=self._basic_auth,
            form={"token": token},
        )
        return parse_json(response)

    def granted_scopes(self) -> frozenset[str]:
        """The scopes of the processor's own token, as commercetools granted them."""
        return self._token.granted_scopes()

    def close(self) -> None:
        if self._owns_http:
            self._transport.http.clear()

    def __repr__(self) -> str:
        return f"CommercetoolsClient(project_key={self.project_key!r}, api_url={self._api!r})"

    # Internals

    def _update(self, url: str, version: int, actions: Actions) -> Resource:
        if not actions:
            raise ValueError("an update needs at least one action")
        body = {"version": version, "actions": actions}
        return self._call("POST", url, retry=True, json_body=body)

    def _update_on_conflict(
        self,
        read: Callable[[str], Resource],
        update: Callable[[str, int, Actions], Resource],
        resource_id: str,
        build_actions: BuildActions,
        current: Resource | None,
        attempts: int,
        on_lost_answer: Callable[[Resource], None] | None = None,
    ) -> Resource:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        if current is None:
            current = read(resource_id)
        elif current.get("id") != resource_id:
            raise ValueError("the given resource does not have the given id")
        attempt = 1
        while True:
            actions = build_actions(current)
            if not actions:
                return current
            try:
                return update(resource_id, current["version"], actions)
            except CommercetoolsError as exc:
                if not exc.is_conflict or attempt >= attempts:
                    raise
                if exc.replayed and on_lost_answer is not None:
                    on_lost_answer(current)
                log.info(
                    "commercetools version conflict on %s (had %s, now %s); re-reading, "
                    "attempt %d/%d [correlation id %s]",
                    resource_id,
                    current["version"],
                    exc.current_version,
                    attempt,
                    attempts,
                    exc.correlation_id,
                )
            attempt += 1
            current = read(resource_id)

    def _call(
        self, method: str, url: str, *, retry: bool, missing_ok: bool = False, **kwargs: Any
    ) -> Any:
        """Send with our bearer; on 401 fetch a fresh token and send once more."""
        for fresh_token in (False, True):
            token = self._token.get()
            response = self._transport.send(
                method, url, retry=retry, headers={"Authorization": f"Bearer {token}"}, **kwargs
            )
            if response.status_code != 401 or fresh_token:
                break
            log.info("commercetools answered 401; fetching a fresh token")
            self._token.invalidate(token)
        if missing_ok and response.status_code == 404:
            return None
        return parse_json(response)
