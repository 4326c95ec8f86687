"""The framework's provider conformance suite, run against this plugin."""

from giftcard_connect.testing import ProviderConformance


class TestConformance(ProviderConformance):
    """The provider hook contract, through a processor with the minimal provider."""
