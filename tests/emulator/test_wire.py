"""Wire details every answer shares: X-Correlation-ID, and InvalidJsonInput's detail."""

from __future__ import annotations

import re

import pytest

from .helpers import cart_draft

GENERATED = re.compile(r"^projects-demo-[0-9a-f-]{36}$")


@pytest.mark.parametrize("method,path", [
    ("get", "/demo/carts"), ("post", "/demo/orders"), ("get", "/demo/payments/ghost"),
    ("get", "/no/such/route"), ("get", "/_emulator/stats"),
])
def test_every_answer_echoes_the_correlation_id(api, method, path):
    given = {"X-Correlation-ID": "checkout-4f1c"}
    response = getattr(api.client, method)(path, headers={**api.headers, **given})
    assert response.headers["X-Correlation-ID"] == "checkout-4f1c"


def test_a_correlation_id_is_generated_when_none_is_sent(api, client):
    first = api.get("/demo/carts").headers["X-Correlation-ID"]
    second = client.post("/oauth/token").headers["X-Correlation-ID"]
    assert GENERATED.match(first) and GENERATED.match(second)
    assert first != second


def test_an_unusable_correlation_id_is_replaced(api):
    odd = api.client.get("/demo/carts", headers={**api.headers,
                                                 "X-Correlation-ID": "x" * 300})
    assert GENERATED.match(odd.headers["X-Correlation-ID"])


def test_injected_faults_carry_the_correlation_id(api, client):
    client.post("/_emulator/faults", json={"route": "GET /<projectKey>/carts", "status": 503})
    response = api.client.get("/demo/carts", headers={**api.headers,
                                                      "X-Correlation-ID": "retry-1"})
    assert response.status_code == 503
    assert response.headers["X-Correlation-ID"] == "retry-1"
    client.post("/_emulator/faults", json={"route": "POST /<projectKey>/carts", "status": 500,
                                           "after": True})
    lost = api.client.post("/demo/carts", json=cart_draft((1, 1)),
                           headers={**api.headers, "X-Correlation-ID": "lost-1"})
    assert lost.status_code == 500
    assert lost.headers["X-Correlation-ID"] == "lost-1"


@pytest.mark.parametrize("data", ["{not json", "[1, 2]"])
def test_invalid_json_names_what_is_wrong(api, data):
    response = api.post("/demo/carts", data=data, content_type="application/json")
    assert response.status_code == 400
    error = response.json["errors"][0]
    assert error["code"] == "InvalidJsonInput"
    assert error["message"] == "Request body does not contain valid JSON."
    assert error["detailedErrorMessage"]
