"""Shared fixtures: a real emulator and mock provider on loopback, and processors for them;
a scripted HTTP server for the network failures real services do not produce on demand."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from giftcard_connect import hookimpl
from giftcard_connect.app import create_app
from giftcard_connect.commercetools import CommercetoolsClient
from giftcard_connect.models import (
    Balance,
    Cancellation,
    HealthCheck,
    Money,
    ProviderInfo,
    Redemption,
    VoidResult,
)
from giftcard_connect.servers import BackgroundServer
from giftcard_connect.testing import services
from giftcard_connect.testing.services import (  # noqa: F401 - MERCHANT etc. for the tests
    MERCHANT,
    PROCESSOR,
    PROJECT_KEY,
    Checkout,
    reset_emulator,
)
from giftcard_connect_mock.service import create_app as create_mock_app

pytest_plugins = ["pytester"]  # tests/conformance runs the conformance suite on fixtures


@pytest.fixture(scope="session")
def emulator(giftcard_emulator):
    """The commercetools emulator of the test session (the conformance suite's own)."""
    return giftcard_emulator


@pytest.fixture(scope="session")
def mock_provider():
    with BackgroundServer(create_mock_app(), name="mock-provider") as server:
        yield server


@pytest.fixture(autouse=True)
def _reset_services(request):
    """Each test starts with empty stores and no faults in whatever services it uses."""
    if "emulator" in request.fixturenames:
        reset_emulator(request.getfixturevalue("emulator").url)
    if "mock_provider" in request.fixturenames:
        url = request.getfixturevalue("mock_provider").url
        requests.post(f"{url}/_admin/reset", timeout=5).raise_for_status()
        requests.delete(f"{url}/_admin/faults", timeout=5).raise_for_status()


def processor_config(emulator_url: str, **overrides) -> dict:
    """Settings of a processor with the mock provider against the emulator."""
    return services.processor_config(emulator_url, "mock", **overrides)


@pytest.fixture
def merchant(emulator) -> CommercetoolsClient:
    """commercetools as the merchant (and Checkout) sees it."""
    return services.merchant_client(emulator.url)


@pytest.fixture
def checkout(merchant) -> Checkout:
    return Checkout(merchant, "mock")


@pytest.fixture
def processor(emulator, mock_provider):
    """A processor with the mock provider, served over loopback HTTP."""
    app = create_app(processor_config(emulator.url, GIFTCARD_MOCK_URL=mock_provider.url))
    with BackgroundServer(app, name="processor") as server:
        yield server


class FakeProvider:
    """A scripted provider plugin: set ``<hook>_result`` to a value, an exception, or a
    function of the call's arguments."""

    def __init__(self):
        self.balance_result = Balance(Money(5000, "EUR"))
        self.redeem_result = lambda card, amount, reference: Redemption(f"r-{reference}", amount)
        self.void_result = lambda reference: VoidResult(reference, voided=False)
        self.cancel_result = lambda redemption_id, amount, reference: Cancellation(
            f"c-{reference}", amount
        )
        self.calls: list[tuple[str, dict]] = []

    def _answer(self, hook: str, **arguments):
        self.calls.append((hook, arguments))
        result = getattr(self, f"{hook}_result")
        if isinstance(result, Exception):
            raise result
        if callable(result):
            return result(**{k: v for k, v in arguments.items() if k != "context"})
        return result

    @hookimpl
    def giftcard_provider_info(self, config):
        return ProviderInfo(name="fake", currencies=("EUR", "USD"), pin="required")

    @hookimpl
    def giftcard_balance(self, card, context):
        return self._answer("balance", card=card, context=context)

    @hookimpl
    def giftcard_redeem(self, card, amount, reference, context):
        return self._answer("redeem", card=card, amount=amount, reference=reference, context=context)

    @hookimpl
    def giftcard_cancel(self, redemption_id, amount, reference, context):
        return self._answer(
            "cancel", redemption_id=redemption_id, amount=amount, reference=reference, context=context
        )

    @hookimpl
    def giftcard_void(self, reference, context):
        return self._answer("void", reference=reference, context=context)

    @hookimpl
    def giftcard_health(self, context):
        return HealthCheck(name="fake", status="UP")


@pytest.fixture
def fake_provider() -> FakeProvider:
    return FakeProvider()


@pytest.fixture
def app(emulator, fake_provider):
    """A processor whose provider is the scripted ``fake_provider``."""
    return create_app(
        processor_config(
            emulator.url,
            GIFTCARD_PROVIDER="fake",
            GIFTCARD_PAYMENT_INTERFACE="mock",
            PLUGINS={"fake": fake_provider},
            LOAD_ENTRYPOINTS=False,
        )
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def merchant_token(emulator) -> str:
    """A bearer token as Checkout holds it (manage_project for this project)."""
    return services.merchant_token(emulator.url)


@pytest.fixture
def pm(app):
    return app.extensions["giftcard_connect_plugins"]


@pytest.fixture
def all_logs(caplog):
    """Every log record of the test, at every level, for secret-leak assertions."""
    caplog.set_level(logging.DEBUG)
    return caplog


class ScriptedHandler(BaseHTTPRequestHandler):
    """Answers each request as the server's next ``behaviours`` entry says: ``answer``
    (the default), ``drop`` or ``hang``; records request lines, headers and bodies."""

    protocol_version = "HTTP/1.1"  # keeps connections alive, as commercetools does

    def setup(self):
        super().setup()
        self.server.connections += 1

    def _answer_as_scripted(self):
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.seen.append((self.requestline, headers))
        length = int(self.headers.get("Content-Length") or 0)
        self.server.bodies.append(self.rfile.read(length) if length else None)
        behaviour = self.server.behaviours.pop(0) if self.server.behaviours else "answer"
        if behaviour == "drop":  # read the request, close without a word
            self.close_connection = True
        elif behaviour == "hang":  # never answer within the client's read timeout
            self.server.released.wait(10)
            self.close_connection = True
        else:
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    do_GET = do_POST = _answer_as_scripted

    def log_message(self, format, *args):
        """Quiet: the test reads ``seen`` instead."""


@pytest.fixture
def scripted_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedHandler)
    httpd.daemon_threads = True
    httpd.behaviours, httpd.seen, httpd.bodies, httpd.connections = [], [], [], 0
    httpd.released = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.released.set()
    httpd.shutdown()
    httpd.server_close()
