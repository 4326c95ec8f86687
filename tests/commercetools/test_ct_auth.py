"""The client-credentials token: caching, expiry, 401 refresh, concurrency, secrecy."""

from __future__ import annotations

import base64
import threading
import time
from urllib.parse import parse_qs

import pytest
import requests
from ct_helpers import AUTH, CLIENT_ID, PAYMENTS, SECRET, TOKEN_URL, add_token, calls_to, payment
from giftcard_connect.commercetools import CommercetoolsError
from giftcard_connect.commercetools.auth import ClientCredentialsToken
from giftcard_connect.commercetools.transport import Transport


def make_token(clock, **overrides):
    transport = Transport(
        http=requests.Session(), timeout=(3.05, 10.0), retries=0, backoff_factor=0.0
    )
    options = dict(client_id=CLIENT_ID, client_secret=SECRET, auth_url=AUTH, clock=clock)
    options.update(overrides)
    return ClientCredentialsToken(transport, **options)


def test_token_request_shape(rsps, clock):
    add_token(rsps, token="tok-1")
    token = make_token(clock, scope="manage_payments:demo view_sessions:demo")

    assert token.get() == "tok-1"

    request = rsps.calls[0].request
    expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert request.method == "POST" and request.url == TOKEN_URL
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert parse_qs(request.body) == {
        "grant_type": ["client_credentials"],
        "scope": ["manage_payments:demo view_sessions:demo"],
    }
    assert rsps.calls[0].request.req_kwargs["timeout"] == (3.05, 10.0)


def test_no_scope_field_without_a_scope(rsps, clock):
    add_token(rsps)
    make_token(clock).get()
    assert parse_qs(rsps.calls[0].request.body) == {"grant_type": ["client_credentials"]}


def test_one_token_request_for_many_calls(rsps, client):
    add_token(rsps)
    rsps.get(f"{PAYMENTS}/p-1", json=payment())

    for _ in range(5):
        client.get_payment("p-1")

    assert len(calls_to(rsps, "POST", TOKEN_URL)) == 1
    assert len(calls_to(rsps, "GET", f"{PAYMENTS}/p-1")) == 5


def test_token_is_refreshed_margin_seconds_before_expiry(rsps, clock):
    add_token(rsps, token="tok-1", expires_in=1000)
    add_token(rsps, token="tok-2", expires_in=1000)
    token = make_token(clock, margin=300)

    assert token.get() == "tok-1"
    clock.now += 699
    assert token.get() == "tok-1"
    assert len(rsps.calls) == 1
    clock.now += 1
    assert token.get() == "tok-2"
    assert len(rsps.calls) == 2


def test_expired_token_is_refreshed_by_the_client(rsps, client, clock):
    add_token(rsps, token="tok-1", expires_in=172800)
    add_token(rsps, token="tok-2", expires_in=172800)
    rsps.get(f"{PAYMENTS}/p-1", json=payment())

    client.get_payment("p-1")
    clock.now += 172800 - 300
    client.get_payment("p-1")

    bearers = [c.request.headers["Authorization"] for c in calls_to(rsps, "GET", f"{PAYMENTS}/p-1")]
    assert bearers == ["Bearer tok-1", "Bearer tok-2"]


def test_a_lifetime_shorter_than_the_margin_is_not_reused(rsps, clock):
    add_token(rsps, token="tok-1", expires_in=60)
    add_token(rsps, token="tok-2", expires_in=60)
    token = make_token(clock, margin=300)

    assert token.get() == "tok-1"
    assert token.get() == "tok-2"


def test_negative_margin_is_refused(clock):
    with pytest.raises(ValueError):
        make_token(clock, margin=-1)


def test_401_invalidates_and_retries_once_with_a_fresh_token(rsps, client):
    add_token(rsps, token="old")
    add_token(rsps, token="new")
    url = f"{PAYMENTS}/p-1"
    rsps.get(url, json={"errors": [{"code": "invalid_token"}]}, status=401)
    rsps.get(url, json=payment())

    assert client.get_payment("p-1") == payment()

    bearers = [c.request.headers["Authorization"] for c in calls_to(rsps, "GET", url)]
    assert bearers == ["Bearer old", "Bearer new"]
    assert len(calls_to(rsps, "POST", TOKEN_URL)) == 2


def test_a_second_401_gives_up(rsps, client):
    add_token(rsps, token="old")
    add_token(rsps, token="new")
    url = f"{PAYMENTS}/p-1"
    rsps.get(url, json={"errors": [{"code": "invalid_token"}]}, status=401)

    with pytest.raises(CommercetoolsError) as caught:
        client.get_payment("p-1")

    assert caught.value.status_code == 401
    assert caught.value.codes == ["invalid_token"]
    assert len(calls_to(rsps, "GET", url)) == 2
    assert len(calls_to(rsps, "POST", TOKEN_URL)) == 2


def test_invalidating_a_stale_token_keeps_the_fresh_one(rsps, clock):
    add_token(rsps, token="tok-1")
    add_token(rsps, token="tok-2")
    token = make_token(clock)

    stale = token.get()
    token.invalidate(stale)
    fresh = token.get()
    token.invalidate(stale)  # a second thread reporting the same old token

    assert (stale, fresh, token.get()) == ("tok-1", "tok-2", "tok-2")
    assert len(rsps.calls) == 2
    token.invalidate()
    assert token.get() == "tok-2"  # the mock repeats its last answer
    assert len(rsps.calls) == 3


def test_concurrent_callers_trigger_one_token_request(rsps, client):
    fetches = []

    def slow_token(request):
        fetches.append(threading.current_thread().name)
        time.sleep(0.05)  # keep the others waiting while the first fetch is in flight
        return 200, {}, '{"access_token": "tok", "expires_in": 172800}'

    rsps.add_callback("POST", TOKEN_URL, callback=slow_token)
    rsps.get(f"{PAYMENTS}/p-1", json=payment())
    start = threading.Barrier(10)
    results, failures = [], []

    def work():
        start.wait()
        try:
            results.append(client.get_payment("p-1"))
        except Exception as exc:  # surfaced by the assertions below
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert failures == []
    assert len(results) == 10
    assert len(fetches) == 1


def test_token_answer_without_a_token_raises(rsps, clock):
    rsps.post(TOKEN_URL, json={"token_type": "Bearer", "expires_in": 100})

    with pytest.raises(CommercetoolsError) as caught:
        make_token(clock).get()
    assert "access_token" in caught.value.message


def test_a_failed_fetch_is_not_cached(rsps, clock):
    rsps.post(TOKEN_URL, json={"error": "invalid_client"}, status=401)
    add_token(rsps, token="tok-1")
    token = make_token(clock)

    with pytest.raises(CommercetoolsError) as caught:
        token.get()
    assert caught.value.codes == ["invalid_client"]
    assert token.get() == "tok-1"


def test_secrets_never_shown(rsps, clock):
    rsps.post(TOKEN_URL, json={"error": "invalid_client"}, status=401)
    add_token(rsps, token="the-access-token")
    token = make_token(clock)

    with pytest.raises(CommercetoolsError) as caught:
        token.get()
    token.get()

    shown = repr(token) + str(token) + str(caught.value) + repr(caught.value)
    assert CLIENT_ID in repr(token)
    assert SECRET not in shown
    assert "the-access-token" not in shown
