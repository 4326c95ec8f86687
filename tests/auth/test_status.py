"""GET /operations/status: JWT-protected, bounded checks, no secrets in the body."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from giftcard_connect import hookimpl
from giftcard_connect.models import HealthCheck

from ..conftest import PROJECT_KEY, FakeProvider
from .conftest import ALL_PROCESSOR_SCOPES

CLOSED_PORT = "http://127.0.0.1:9"


@pytest.fixture
def status(dev_jwt):
    """``status(app)``: the status body, asserting the authenticated call answers 200."""

    def call(app) -> dict:
        response = app.test_client().get(
            "/operations/status", headers={"Authorization": f"Bearer {dev_jwt()}"}
        )
        assert response.status_code == 200, response.json
        return response.json

    return call


def by_name(body: dict) -> dict:
    return {check["name"]: check for check in body["checks"]}


def test_status_ok(make_processor, status):
    body = status(make_processor())
    assert body["status"] == "OK"
    assert body["version"] == "0.1.0"
    assert body["metadata"] == {
        "name": "giftcard-connect",
        "description": "Make any gift card provider a payment method in commercetools Checkout",
    }
    assert body["timestamp"].endswith("Z")
    assert body["checks"] == [
        {"name": "commercetools permissions", "status": "UP"},
        {"name": "mock provider API", "status": "UP"},
    ]


def test_status_ok_with_manage_project(make_processor, status):
    body = status(make_processor(scope=f"manage_project:{PROJECT_KEY}"))
    assert by_name(body)["commercetools permissions"]["status"] == "UP"


def test_status_needs_a_jwt(make_processor):
    response = make_processor().test_client().get("/operations/status")
    assert response.status_code == 401 and response.json["error"] == "invalid_token"


def test_status_partially_available_when_the_provider_is_unreachable(make_processor, status):
    body = status(make_processor(GIFTCARD_MOCK_URL=CLOSED_PORT))
    assert body["status"] == "Partially Available"
    assert by_name(body)["mock provider API"]["status"] == "DOWN"


def test_status_partially_available_when_the_provider_fails(make_processor, status, mock_provider):
    requests.put(f"{mock_provider.url}/_admin/faults", json={"error_rate": 1}, timeout=5)
    body = status(make_processor())
    assert body["status"] == "Partially Available"
    assert by_name(body)["commercetools permissions"]["status"] == "UP"


def test_status_permissions_down_lists_missing_scopes(make_processor, status):
    scope = f"manage_payments:{PROJECT_KEY} view_sessions:{PROJECT_KEY} manage_orders:{PROJECT_KEY}"
    body = status(make_processor(scope=scope))
    assert body["status"] == "Partially Available"
    assert by_name(body)["commercetools permissions"] == {
        "name": "commercetools permissions",
        "status": "DOWN",
        "details": {"missingScopes": [f"view_api_clients:{PROJECT_KEY}",
                                      f"manage_checkout_payment_intents:{PROJECT_KEY}",
                                      f"introspect_oauth_tokens:{PROJECT_KEY}"]},
    }


def test_status_permissions_of_another_project_do_not_count(make_processor, status):
    body = status(make_processor(scope=ALL_PROCESSOR_SCOPES.replace(f":{PROJECT_KEY}", ":other")
                                 + " manage_project:other"))
    check = by_name(body)["commercetools permissions"]
    assert check["status"] == "DOWN" and len(check["details"]["missingScopes"]) == 6


def test_status_unavailable_when_everything_is_down(make_processor, status):
    app = make_processor(scope=f"view_sessions:{PROJECT_KEY}", GIFTCARD_MOCK_URL=CLOSED_PORT)
    body = status(app)
    assert body["status"] == "Unavailable"
    assert {check["status"] for check in body["checks"]} == {"DOWN"}


def test_status_commercetools_unreachable_is_a_down_check(make_processor, status):
    body = status(make_processor(CTP_AUTH_URL=CLOSED_PORT, CTP_CONNECT_TIMEOUT="0.5"))
    check = by_name(body)["commercetools permissions"]
    assert check == {"name": "commercetools permissions", "status": "DOWN",
                     "details": {"message": "The check failed."}}
    assert body["status"] == "Partially Available"


class HangingProvider(FakeProvider):
    """A provider whose health check blocks until released."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    @hookimpl
    def giftcard_health(self, context):
        self.release.wait(10)
        return HealthCheck(name="fake", status="UP")


class FailingProvider(FakeProvider):
    @hookimpl
    def giftcard_health(self, context):
        raise RuntimeError("boom with api-key=SUPERSECRET and card 6006-1234")


class ChattyProvider(FakeProvider):
    @hookimpl
    def giftcard_health(self, context):
        details = {"latencyMs": 12, "error": RuntimeError("raw"), "cards": [{"x": 1}]}
        return HealthCheck(name="fake API", status="maybe", details=details)


def fake_processor(make_processor, provider, **settings):
    return make_processor(GIFTCARD_PROVIDER="fake", PLUGINS={"fake": provider},
                          LOAD_ENTRYPOINTS=False, **settings)


def test_status_hanging_provider_is_bounded_by_the_timeout(make_processor, status):
    provider = HangingProvider()
    app = fake_processor(make_processor, provider, GIFTCARD_STATUS_TIMEOUT="0.5")
    try:
        started = time.monotonic()
        body = status(app)
        assert time.monotonic() - started < 3
    finally:
        provider.release.set()
    assert body["status"] == "Partially Available"
    assert by_name(body)["fake API"] == {
        "name": "fake API",
        "status": "DOWN",
        "details": {"message": "The check did not answer in time."},
    }


def test_status_raising_provider_is_down_without_the_error(make_processor, status):
    body = status(fake_processor(make_processor, FailingProvider()))
    assert by_name(body)["fake API"]["details"] == {"message": "The check failed."}
    assert "SUPERSECRET" not in str(body) and "6006" not in str(body) and "boom" not in str(body)


def test_status_keeps_only_plain_details_and_clear_states(make_processor, status):
    body = status(fake_processor(make_processor, ChattyProvider()))
    assert by_name(body)["fake API"] == {"name": "fake API", "status": "DOWN",
                                         "details": {"latencyMs": 12}}


def test_status_body_holds_no_secrets(make_processor, dev_jwt, api_client):
    client = api_client(ALL_PROCESSOR_SCOPES)
    app = make_processor(
        scope=None,
        CTP_CLIENT_ID=client["clientId"],
        CTP_CLIENT_SECRET=client["secret"],
        GIFTCARD_MOCK_API_KEY="mock-api-key-123",
    )
    token = dev_jwt()
    text = app.test_client().get(
        "/operations/status", headers={"Authorization": f"Bearer {token}"}
    ).get_data(as_text=True)
    for secret in (client["secret"], client["clientId"], "mock-api-key-123", token):
        assert secret not in text
