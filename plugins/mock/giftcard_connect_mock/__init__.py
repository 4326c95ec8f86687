"""giftcard-connect-mock: a mock gift card provider service and the plugin that talks to it."""

from .client import MockProviderClient
from .service import create_app

__all__ = ["MockProviderClient", "create_app"]
