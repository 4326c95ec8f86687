"""giftcard-connect: any gift card provider as a payment method in commercetools Checkout."""

from importlib import metadata

from .errors import ConfigurationError, GiftCardError, ProviderUnavailable
from .hookspecs import hookimpl
from .models import (
    Balance,
    Cancellation,
    GiftCard,
    HealthCheck,
    Money,
    ProviderContext,
    ProviderInfo,
    Redemption,
    VoidResult,
)

try:
    __version__ = metadata.version("giftcard-connect")
except metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Balance",
    "Cancellation",
    "ConfigurationError",
    "GiftCard",
    "GiftCardError",
    "HealthCheck",
    "Money",
    "ProviderContext",
    "ProviderInfo",
    "ProviderUnavailable",
    "Redemption",
    "VoidResult",
    "hookimpl",
]
