"""The framework's provider conformance suite, run against the mock plugin."""

from giftcard_connect.testing import ProviderConformance


class TestConformance(ProviderConformance):
    """The provider hook contract, through a processor with the mock plugin and its service."""
