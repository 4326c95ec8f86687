"""What a running processor holds: settings, provider, commercetools client, session check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
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


def current_runtime() -> Runtime:
    """The runtime of the application handling the current request."""
    return current_app.extensions["giftcard_connect"]
