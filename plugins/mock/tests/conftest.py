"""Fixtures for the mock provider's own tests: the app, a helper over its test client,
a real threaded server on a loopback port for client, plugin and concurrency tests, and
the plugin as the framework's conformance suite sees it."""

from __future__ import annotations

import secrets
import threading
import uuid
from dataclasses import dataclass

import pytest
import requests
from flask import Flask
from giftcard_connect import ProviderContext
from giftcard_connect.servers import BackgroundServer
from giftcard_connect.testing import CardSample, ProviderUnderTest
from giftcard_connect_mock import create_app
from werkzeug.serving import make_server


class MockApi:
    """Short calls to the service through Flask's test client."""

    def __init__(self, client, headers=None):
        self.client = client
        self.headers = headers or {}

    def post(self, path, body):
        return self.client.post(path, json=body, headers=self.headers)

    def balance(self, code, pin=None, **extra):
        return self.post("/v1/balance", {"code": code, **({"pin": pin} if pin else {}), **extra})

    def redeem(self, code, cents, currency="EUR", reference="ref-1", pin=None):
        body = {
            "code": code,
            "amount": {"centAmount": cents, "currencyCode": currency},
            "reference": reference,
        }
        return self.post("/v1/redemptions", {**body, **({"pin": pin} if pin else {})})

    def cancel(self, redemption_id, cents, currency="EUR", reference="cancel-1"):
        return self.post(
            f"/v1/redemptions/{redemption_id}/cancellations",
            {"amount": {"centAmount": cents, "currencyCode": currency}, "reference": reference},
        )

    def void(self, reference="ref-1"):
        return self.post("/v1/voids", {"reference": reference})

    def faults(self, **settings):
        return self.client.put("/_admin/faults", json=settings, headers=self.headers)

    def ledger(self):
        return self.client.get("/_admin/ledger", headers=self.headers).get_json()

    def card_balance(self, code):
        return self.ledger()["cards"][code]["amount"]["centAmount"]


@pytest.fixture
def app() -> Flask:
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(client) -> MockApi:
    return MockApi(client)


@pytest.fixture
def api_for():
    """A MockApi over a fresh app with ``config``, sending ``headers`` on every call."""

    def make(config, headers=None) -> MockApi:
        return MockApi(create_app({"TESTING": True, **config}).test_client(), headers)

    return make


@dataclass
class LiveServer:
    url: str
    app: Flask

    @property
    def ledger(self):
        return self.app.extensions["mock_ledger"]

    @property
    def faults(self):
        return self.app.extensions["mock_faults"]


@pytest.fixture
def serve():
    """Start ``create_app(config)`` on 127.0.0.1:<free port>, threaded; stopped after the test."""
    started = []

    def start(config=None) -> LiveServer:
        app = create_app({"TESTING": True, **(config or {})})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
        thread.start()
        started.append((server, thread))
        return LiveServer(f"http://127.0.0.1:{server.server_port}", app)

    yield start
    for server, thread in started:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def live(serve) -> LiveServer:
    return serve()


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture
def make_context(http):
    """A ProviderContext as the framework builds it, for calling the hooks directly."""

    def make(url, **config) -> ProviderContext:
        settings = {"URL": url, **config} if url else config
        return ProviderContext(config=settings, http=http, timeout=(1.0, 2.0), currency="EUR")

    return make


@pytest.fixture(scope="session")
def mock_service():
    """The mock provider service on loopback, shared by the conformance tests."""
    with BackgroundServer(create_app(), name="mock-provider") as server:
        yield server


@pytest.fixture
def giftcard_provider_under_test(mock_service) -> ProviderUnderTest:
    """The installed ``mock`` entry point against the service, with cards seeded through its
    admin API (each with a random code and PIN) and balances read from its ledger."""
    url = mock_service.url

    def seed(cents: int, *, currency: str = "EUR", expired: bool = False) -> CardSample:
        pin = str(secrets.randbelow(900_000) + 100_000)
        card = CardSample(f"CONF-{uuid.uuid4().hex[:16]}", pin)
        body = {"code": card.code, "pin": card.pin, "centAmount": cents, "currencyCode": currency,
                "expired": expired}
        requests.post(f"{url}/_admin/cards", json=body, timeout=5).raise_for_status()
        return card

    def balance_at_provider(card: CardSample) -> int:
        ledger = requests.get(f"{url}/_admin/ledger", timeout=5).json()
        return ledger["cards"][card.code]["amount"]["centAmount"]

    wrong_pin = seed(5000)
    return ProviderUnderTest(
        name="mock",
        currency="EUR",
        settings={"GIFTCARD_MOCK_URL": url},
        new_card=seed,
        balance_at_provider=balance_at_provider,
        declined_cards={
            "NotFound": CardSample("NotFound"),
            "Expired": seed(5000, expired=True),
            "ZeroBalance": seed(0),
            "CurrencyNotMatch": seed(5000, currency="USD"),
            "Invalid": CardSample(wrong_pin.code, pin="000000"),
            "GenericError": CardSample("GenericError"),
        },
    )
