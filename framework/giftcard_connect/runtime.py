"""What a running processor holds: settings, provider, commercetools client, auth checks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from .auth.jwt import JwtVerifier
    from .auth.oauth2 import TokenIntrospector
    from .auth.session import SessionVerifier
    from .commercetools import CommercetoolsClient
    from .config import Settings
    from .provider import Provider


@dataclass(frozen=True)
class Runtime:
    settings: "Settings"
    provider: "Provider"
    commercetools: "CommercetoolsClient"
    sessions: "SessionVerifier"
    introspector: "TokenIntrospector"
    status_checks: ThreadPoolExecutor
    jwt_verifier: "JwtVerifier | None" = None


def current_runtime() -> Runtime:
    """The runtime of the application handling the current request."""
    return current_app.extensions["giftcard_connect"]
