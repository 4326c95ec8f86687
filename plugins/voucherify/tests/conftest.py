"""Fixtures: the Voucherify fake on loopback, provider contexts for calling the hooks
directly, and the plugin as giftcard-connect's conformance suite sees it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests
from giftcard_connect import ProviderContext
from giftcard_connect.servers import BackgroundServer
from giftcard_connect.testing import CardSample, ProviderUnderTest
from giftcard_connect_voucherify import plugin, rollbacks
from giftcard_connect_voucherify.fake import APP_ID, APP_TOKEN, Behaviour, VoucherifyFake
from giftcard_connect_voucherify.fake import create_app as create_fake_app
from voucherify_fixtures import BASE_URL, random_code

CONFIG = {"APP_ID": APP_ID, "APP_TOKEN": APP_TOKEN, "CURRENCIES": "EUR"}


@dataclass
class LiveFake:
    """The fake's state and the URL it answers on."""

    state: VoucherifyFake
    url: str

    def settings(self, **extra: str) -> dict[str, str]:
        """The processor's GIFTCARD_VOUCHERIFY_* settings for this fake."""
        settings = {"BASE_URL": self.url, **CONFIG, **extra}
        return {f"GIFTCARD_VOUCHERIFY_{name}": value for name, value in settings.items()}


@pytest.fixture(autouse=True)
def quick_void_recheck(monkeypatch):
    """A void looks for a missing order twice, a second apart; tests need not wait that
    long (test_voucherify_reversals checks the second)."""
    assert rollbacks.NOT_FOUND_RECHECK == 1.0
    monkeypatch.setattr(rollbacks, "NOT_FOUND_RECHECK", 0.05)


@pytest.fixture(autouse=True)
def fresh_health_cache():
    """Each test sees health answers of its own."""
    plugin.HEALTH.clear()
    yield
    plugin.HEALTH.clear()


@pytest.fixture(scope="session")
def voucherify_server():
    state = VoucherifyFake()
    with BackgroundServer(create_fake_app(state), name="voucherify-fake") as server:
        yield LiveFake(state, server.url)


@pytest.fixture
def voucherify_behaviour() -> Behaviour:
    """How the fake answers where Voucherify's behaviour is not documented; a test module
    may override it (the conformance module runs every variant)."""
    return Behaviour()


@pytest.fixture
def voucherify(voucherify_server, voucherify_behaviour) -> LiveFake:
    """The fake on a free loopback port, emptied for each test."""
    voucherify_server.state.reset(voucherify_behaviour)
    return voucherify_server


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The plugin's waits before retries, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr("giftcard_connect_voucherify.transport.time.sleep", recorded.append)
    return recorded


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture
def context(http) -> ProviderContext:
    """A ProviderContext as the processor builds it, for `responses` tests."""
    return ProviderContext(config={**CONFIG, "BASE_URL": BASE_URL}, http=http,
                           timeout=(1.0, 2.0), currency="EUR")


@pytest.fixture
def live_context(http, voucherify) -> ProviderContext:
    """A ProviderContext for the fake on loopback."""
    return ProviderContext(config={**CONFIG, "BASE_URL": voucherify.url}, http=http,
                           timeout=(1.0, 2.0), currency="EUR")


@pytest.fixture
def giftcard_provider_under_test(voucherify) -> ProviderUnderTest:
    """The installed ``voucherify`` entry point against the fake, with cards issued there."""
    fake = voucherify.state

    def issue(cents: int, **fields) -> CardSample:
        return CardSample(fake.issue(cents, code=random_code(), **fields).code)

    return ProviderUnderTest(
        name="voucherify",
        currency="EUR",
        settings=voucherify.settings(),
        new_card=issue,
        balance_at_provider=lambda card: fake.balance_of(card.code),
        declined_cards={
            "NotFound": CardSample(random_code("VF-UNKNOWN")),
            "Expired": issue(5000, expired=True),
            "ZeroBalance": issue(0),
            "Invalid": issue(5000, active=False),
        },
    )
