"""What a running processor holds: settings, provider, commercetools client, auth checks."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from flask import current_app

if TYPE_CHECKING:
    from .auth.jwt import JwtVerifier
    from .auth.oauth2 import TokenIntrospector
    from .auth.session import SessionVerifier
    from .commercetools import CommercetoolsClient
    from .config import Settings
    from .payments.balance import CartCurrencies
    from .provider import Provider


T = TypeVar("T")


@dataclass(frozen=True)
class Runtime:
    settings: "Settings"
    provider: "Provider"
    commercetools: "CommercetoolsClient"
    sessions: "SessionVerifier"
    introspector: "TokenIntrospector"
    status_checks: ThreadPoolExecutor
    overlap: ThreadPoolExecutor
    cart_currencies: "CartCurrencies"
    jwt_verifier: "JwtVerifier | None" = None

    def in_parallel(self, task: Callable[[], T]) -> Future[T]:
        """Start ``task`` beside the caller, in the caller's context (the request and its
        correlation id), so that two remote calls of one request overlap."""
        return self.overlap.submit(contextvars.copy_context().run, task)


def current_runtime() -> Runtime:
    """The runtime of the application handling the current request."""
    return current_app.extensions["giftcard_connect"]
