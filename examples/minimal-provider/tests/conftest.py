"""The minimal provider, as the framework's conformance suite sees it."""

import secrets

import pytest
from giftcard_connect.testing import CardSample, ProviderUnderTest
from giftcard_connect_minimal import MinimalProvider


@pytest.fixture
def provider() -> MinimalProvider:
    """A fresh card store for every test."""
    return MinimalProvider()


@pytest.fixture
def giftcard_provider_under_test(provider) -> ProviderUnderTest:
    def new_card(cents: int) -> CardSample:
        pin = str(secrets.randbelow(900_000) + 100_000)
        return CardSample(provider.issue(cents, pin=pin), pin)

    with_pin = new_card(5000)
    return ProviderUnderTest(
        name="minimal",
        currency="EUR",
        new_card=new_card,
        balance_at_provider=lambda card: provider.balance_of(card.code),
        declined_cards={
            "NotFound": CardSample("MINI-NEVER-ISSUED"),
            "Invalid": CardSample(with_pin.code, pin="000000"),
            "ZeroBalance": CardSample(provider.issue(0)),
            "CurrencyNotMatch": CardSample(provider.issue(5000, currency="USD")),
        },
        plugin=provider,
    )
