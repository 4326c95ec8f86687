"""A thin urllib3 client for the commercetools calls the processor makes."""

from .client import CommercetoolsClient
from .errors import CommercetoolsError

__all__ = ["CommercetoolsClient", "CommercetoolsError"]
