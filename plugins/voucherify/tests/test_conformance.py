from giftcard_connect.testing import ProviderConformance


class TestConformance(ProviderConformance):
    """The framework's provider conformance suite, run against this plugin."""
