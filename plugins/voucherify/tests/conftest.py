"""Fixtures: the example API fake on loopback, a provider context, and the provider under
test that giftcard-connect's conformance suite (tests/test_conformance.py) runs against."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests
from example_api import API_KEY, CURRENCY, ExampleApi, create_app
from giftcard_connect import ProviderContext
from giftcard_connect.servers import BackgroundServer
from giftcard_connect.testing import CardSample, ProviderUnderTest

from giftcard_connect_voucherify.plugin import NAME, PIN

PREFIX = "GIFTCARD_VOUCHERIFY_"
OTHER_CURRENCY = "USD" if CURRENCY != "USD" else "EUR"


@dataclass
class LiveApi:
    """The fake's state and the URL it answers on."""

    state: ExampleApi
    url: str


@pytest.fixture(scope="session")
def example_api_server():
    state = ExampleApi()
    with BackgroundServer(create_app(state), name="example-api") as server:
        yield LiveApi(state, server.url)


@pytest.fixture
def example_api(example_api_server) -> LiveApi:
    """The example API fake on a free loopback port, emptied for each test."""
    example_api_server.state.reset()
    return example_api_server


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture
def context(http) -> ProviderContext:
    """A ProviderContext as the processor builds it, for calling the hooks directly."""
    return ProviderContext(
        config={
            "BASE_URL": "https://api.voucherify.io",
            "API_KEY": API_KEY,
        },
        http=http,
        timeout=(1.5, 4.0),
        currency=CURRENCY,
        correlation_id="corr-1",
    )


def _sample(card) -> CardSample:
    return CardSample(card.number, card.pin)


@pytest.fixture
def giftcard_provider_under_test(example_api) -> ProviderUnderTest:
    """This plugin, configured for the fake, with the cards the conformance suite uses.

    Adapt: to run the suite against your sandbox instead, issue and read cards there.
    """
    api = example_api.state
    unknown_pin = "0000" if PIN == "required" else None
    return ProviderUnderTest(
        name=NAME,
        currency=CURRENCY,
        settings={f"{PREFIX}BASE_URL": example_api.url, f"{PREFIX}API_KEY": API_KEY},
        new_card=lambda cents: _sample(api.issue_card(cents)),
        balance_at_provider=lambda card: api.balance_of(card.code),
        declined_cards={
            "NotFound": CardSample("0000000000000000", unknown_pin),
            "Expired": _sample(api.issue_card(1000, expired=True)),
            "ZeroBalance": _sample(api.issue_card(0)),
            "Invalid": _sample(api.issue_card(1000, blocked=True)),
            "CurrencyNotMatch": _sample(api.issue_card(1000, OTHER_CURRENCY)),
        },
    )
