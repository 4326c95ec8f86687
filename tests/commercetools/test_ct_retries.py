"""Which calls are replayed on transient failures, how often, and how long we wait."""

from __future__ import annotations

import json

import pytest
from ct_helpers import (
    AUTH,
    CARTS,
    PAYMENTS,
    SESSIONS,
    TOKEN_URL,
    ScriptedPools,
    add_token,
    calls_to,
    payment,
    read_timeout,
    refused,
    reset,
    unresolved,
)
from giftcard_connect.commercetools import CommercetoolsError
from giftcard_connect.commercetools.transport import Transport
from urllib3.exceptions import DecodeError

URL = f"{PAYMENTS}/p-1"
DRAFT = {"amountPlanned": {"centAmount": 100, "currencyCode": "EUR"}}
UNAVAILABLE = [
    pytest.param({"status": 503, "body": "<html>busy</html>"}, id="503"),
    pytest.param({"body": read_timeout()}, id="read-timeout"),
    pytest.param({"body": refused()}, id="connection-error"),
]


def test_read_timeout_on_get_is_retried_then_raises_without_status(pools, make_client, sleeps):
    add_token(pools)
    pools.get(URL, body=read_timeout())
    client = make_client(correlation_id=lambda: "corr-7")

    with pytest.raises(CommercetoolsError) as caught:
        client.get_payment("p-1")

    error = caught.value
    assert error.status_code is None and error.is_unavailable
    assert error.correlation_id == "corr-7"  # the one we sent: no answer carried one
    assert "ReadTimeout" in error.message and "4 attempts" in error.message
    assert len(calls_to(pools, "GET", URL)) == 4  # 1 + retries=3
    assert sleeps == [0.2, 0.4, 0.8]  # backoff_factor * 2**n, jitter pinned


@pytest.mark.parametrize("status", [502, 503, 504])
def test_get_is_retried_on_gateway_errors(pools, client, sleeps, status):
    add_token(pools)
    pools.get(URL, status=status, body="<html>oops</html>")
    pools.get(URL, json=payment())

    assert client.get_payment("p-1") == payment()
    assert len(calls_to(pools, "GET", URL)) == 2
    assert sleeps == [0.2]


def test_gateway_errors_exhaust_retries_then_raise_the_last_answer(pools, make_client, sleeps):
    add_token(pools)
    pools.get(URL, status=503, body="<html>down</html>")
    client = make_client(retries=2, backoff_factor=1.0)

    with pytest.raises(CommercetoolsError) as caught:
        client.get_payment("p-1")

    assert caught.value.status_code == 503 and caught.value.is_unavailable
    assert len(calls_to(pools, "GET", URL)) == 3
    assert sleeps == [1.0, 2.0]


def test_500_is_not_retried(pools, client, sleeps):
    add_token(pools)
    pools.get(URL, status=500, json={"errors": [{"code": "General"}]})

    with pytest.raises(CommercetoolsError) as caught:
        client.get_payment("p-1")
    assert caught.value.status_code == 500
    assert caught.value.replayed is False
    assert len(calls_to(pools, "GET", URL)) == 1
    assert sleeps == []


def test_versioned_update_is_retried_with_the_same_body(pools, make_client, sleeps):
    add_token(pools)
    pools.post(URL, status=502, body="bad gateway")
    pools.post(URL, body=reset())
    pools.post(URL, json=payment(2))
    client = make_client(correlation_id=lambda: "corr-1")
    actions = [{"action": "setInterfaceId", "interfaceId": "r-1"}]

    assert client.update_payment("p-1", 1, actions) == payment(2)

    posts = calls_to(pools, "POST", URL)
    assert [json.loads(c.request.body) for c in posts] == [{"version": 1, "actions": actions}] * 3
    assert {c.request.headers["X-Correlation-ID"] for c in posts} == {"corr-1"}
    assert sleeps == [0.2, 0.4]


def test_cart_update_is_retried(pools, client):
    add_token(pools)
    pools.post(f"{CARTS}/c-1", status=504, body="")
    pools.post(f"{CARTS}/c-1", json={"id": "c-1", "version": 2})

    assert client.update_cart("c-1", 1, [{"action": "recalculate"}])["version"] == 2


@pytest.mark.parametrize("failure", UNAVAILABLE)
def test_keyless_payment_creation_is_sent_once(pools, client, sleeps, failure):
    add_token(pools)
    pools.post(PAYMENTS, **failure)
    pools.post(PAYMENTS, json=payment(), status=201)  # must never be reached

    with pytest.raises(CommercetoolsError) as caught:
        client.create_payment(DRAFT)

    assert caught.value.is_unavailable
    assert len(calls_to(pools, "POST", PAYMENTS)) == 1
    assert sleeps == []


@pytest.mark.parametrize("failure", UNAVAILABLE)
def test_session_creation_is_sent_once(pools, client, sleeps, failure):
    add_token(pools)
    pools.post(SESSIONS, **failure)
    pools.post(SESSIONS, json={"id": "s-1"}, status=201)

    with pytest.raises(CommercetoolsError):
        client.create_session("c-1", {"processorUrl": "https://p.example"})

    assert len(calls_to(pools, "POST", SESSIONS)) == 1
    assert sleeps == []


def test_keyless_cart_creation_is_sent_once(pools, client):
    add_token(pools)
    pools.post(CARTS, body=read_timeout())

    with pytest.raises(CommercetoolsError):
        client.create_cart({"currency": "EUR"})
    assert len(calls_to(pools, "POST", CARTS)) == 1


@pytest.mark.parametrize("failure", UNAVAILABLE)
def test_keyed_payment_creation_is_retried(pools, client, failure):
    add_token(pools)
    pools.post(PAYMENTS, **failure)
    pools.post(PAYMENTS, json=payment(), status=201)

    assert client.create_payment({**DRAFT, "key": "redeem-r-1"}) == payment()
    assert len(calls_to(pools, "POST", PAYMENTS)) == 2


def test_keyed_replay_answers_duplicate_field(pools, client):
    """The first attempt was applied but its answer lost: the caller sees DuplicateField."""
    add_token(pools)
    pools.post(PAYMENTS, body=read_timeout())
    duplicate = {"errors": [{"code": "DuplicateField", "field": "key", "duplicateValue": "k"}]}
    pools.post(PAYMENTS, json=duplicate, status=400)

    with pytest.raises(CommercetoolsError) as caught:
        client.create_payment({**DRAFT, "key": "k"})
    assert caught.value.has_code("DuplicateField")
    assert caught.value.replayed is True  # the caller knows the first attempt may have applied
    assert len(calls_to(pools, "POST", PAYMENTS)) == 2


def test_connection_error_on_get_is_retried_then_raises(pools, client, sleeps):
    add_token(pools)
    pools.get(URL, body=unresolved())

    with pytest.raises(CommercetoolsError) as caught:
        client.get_payment("p-1")
    assert caught.value.status_code is None
    assert "NameResolutionError" in caught.value.message
    assert len(calls_to(pools, "GET", URL)) == 4


def test_token_and_introspection_posts_are_retried(pools, client):
    pools.post(TOKEN_URL, status=503, body="")
    add_token(pools)
    pools.post(f"{AUTH}/oauth/introspect", body=read_timeout())
    pools.post(f"{AUTH}/oauth/introspect", json={"active": False})
    pools.get(URL, json=payment())

    assert client.get_payment("p-1") == payment()
    assert client.introspect("their-token") == {"active": False}
    assert len(calls_to(pools, "POST", TOKEN_URL)) == 2
    assert len(calls_to(pools, "POST", f"{AUTH}/oauth/introspect")) == 2


def test_retry_after_is_honoured(pools, client, sleeps):
    add_token(pools)
    pools.get(URL, status=503, headers={"Retry-After": "2"}, body="")
    pools.get(URL, json=payment())

    client.get_payment("p-1")
    assert sleeps == [2.0]


def test_a_long_retry_after_fails_fast(pools, client, sleeps):
    add_token(pools)
    pools.get(URL, status=503, headers={"Retry-After": "120"}, body="")

    with pytest.raises(CommercetoolsError) as caught:
        client.get_payment("p-1")
    assert caught.value.status_code == 503
    assert len(calls_to(pools, "GET", URL)) == 1
    assert sleeps == []


def test_retries_zero_sends_once(pools, make_client, sleeps):
    add_token(pools)
    pools.get(URL, status=503, body="")

    with pytest.raises(CommercetoolsError):
        make_client(retries=0).get_payment("p-1")
    assert len(calls_to(pools, "GET", URL)) == 1
    assert sleeps == []


def test_backoff_is_capped(pools, make_client, sleeps):
    add_token(pools)
    pools.get(URL, status=503, body="")

    with pytest.raises(CommercetoolsError):
        make_client(retries=6, backoff_factor=2.0).get_payment("p-1")
    assert sleeps == [2.0, 4.0, 8.0, 10.0, 10.0, 10.0]


def test_jitter_spreads_delays_within_half_to_full(monkeypatch):
    monkeypatch.undo()  # the real _jitter, not the pinned one
    transport = Transport(http=ScriptedPools(), timeout=(1, 1), retries=1, backoff_factor=1.0)
    delays = [transport._jitter(0.8) for _ in range(200)]
    assert all(0.4 <= d <= 0.8 for d in delays)
    assert len(set(delays)) > 1


def test_a_non_network_request_error_is_not_retried(pools, client, sleeps):
    add_token(pools)
    pools.get(URL, body=DecodeError("Received response with content-encoding: gzip, but failed"))

    with pytest.raises(CommercetoolsError) as caught:
        client.get_payment("p-1")
    assert caught.value.status_code is None
    assert len(calls_to(pools, "GET", URL)) == 1
    assert sleeps == []


def test_session_ids_never_reach_retry_warnings_or_errors(pools, client, sleeps, caplog):
    """The session id is a credential of the shopper: logged paths show it masked."""
    add_token(pools)
    url = f"{SESSIONS}/sess-secret-4711"
    pools.get(url, status=503, body="busy")
    with pytest.raises(CommercetoolsError) as caught:
        client.get_session("sess-secret-4711")
    warnings = [r.getMessage() for r in caplog.records if r.name.endswith("transport")]
    assert len(warnings) == 3
    assert all("/sessions/**** failed (HTTP 503)" in line for line in warnings)
    assert "sess-secret-4711" not in str(caught.value) + repr(caught.value) + "".join(warnings)
    assert "/sessions/****" in str(caught.value)
