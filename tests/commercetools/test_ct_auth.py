"""The client-credentials token: caching, expiry, 401 refresh, concurrency, secrecy."""

from __future__ import annotations

import base64
import threading
import time
from urllib.parse import parse_qs

import pytest
from ct_helpers import AUTH, CLIENT_ID, PAYMENTS, SECRET, TOKEN_URL, add_token, calls_to, payment
from giftcard_connect.commercetools import CommercetoolsError
from giftcard_connect.commercetools.auth import ClientCredentialsToken
from giftcard_connect.commercetools.transport import Transport


def make_token(pools, clock, **overrides):
    transport = Transport(http=pools, timeout=(3.05, 10.0), retries=0, backoff_factor=0.0)
    options = dict(client_id=CLIENT_ID, client_secret=SECRET, auth_url=AUTH, clock=clock)
    options.update(overrides)
    return ClientCredentialsToken(transport, **options)


def test_token_request_shape(pools, clock):
    add_token(pools, token="tok-1")
    token = make_token(pools, clock, scope="manage_payments:demo view_sessions:demo")

    assert token.get() == "tok-1"

    request = pools.calls[0].request
    expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert request.method == "POST" and request.url == TOKEN_URL
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert parse_qs(request.body) == {
        "grant_type": ["client_credentials"],
        "scope": ["manage_payments:demo view_sessions:demo"],
    }
    assert pools.calls[0].request.timeout == (3.05, 10.0)


def test_no_scope_field_without_a_scope(pools, clock):
    add_token(pools)
    make_token(pools, clock).get()
    assert parse_qs(pools.calls[0].request.body) == {"grant_type": ["client_credentials"]}


def test_one_token_request_for_many_calls(pools, client):
    add_token(pools)
    pools.get(f"{PAYMENTS}/p-1", json=payment())

    for _ in range(5):
        client.get_payment("p-1")

    assert len(calls_to(pools, "POST", TOKEN_URL)) == 1
    assert len(calls_to(pools, "GET", f"{PAYMENTS}/p-1")) == 5


def test_token_is_refreshed_margin_seconds_before_expiry(pools, clock):
    add_token(pools, token="tok-1", expires_in=1000)
    add_token(pools, token="tok-2", expires_in=1000)
    token = make_token(pools, clock, margin=300)

    assert token.get() == "tok-1"
    clock.now += 699
    assert token.get() == "tok-1"
    assert len(pools.calls) == 1
    clock.now += 1
    assert token.get() == "tok-2"
    assert len(pools.calls) == 2


def test_expired_token_is_refreshed_by_the_client(pools, client, clock):
    add_token(pools, token="tok-1", expires_in=172800)
    add_token(pools, token="tok-2", expires_in=172800)
    pools.get(f"{PAYMENTS}/p-1", json=payment())

    client.get_payment("p-1")
    clock.now += 172800 - 300
    client.get_payment("p-1")

    gets = calls_to(pools, "GET", f"{PAYMENTS}/p-1")
    bearers = [c.request.headers["Authorization"] for c in gets]
    assert bearers == ["Bearer tok-1", "Bearer tok-2"]


def test_a_lifetime_shorter_than_the_margin_is_not_reused(pools, clock):
    add_token(pools, token="tok-1", expires_in=60)
    add_token(pools, token="tok-2", expires_in=60)
    token = make_token(pools, clock, margin=300)

    assert token.get() == "tok-1"
    assert token.get() == "tok-2"


def test_negative_margin_is_refused(pools, clock):
    with pytest.raises(ValueError):
        make_token(pools, clock, margin=-1)


def test_401_invalidates_and_retries_once_with_a_fresh_token(pools, client):
    add_token(pools, token="old")
    add_token(pools, token="new")
    url = f"{PAYMENTS}/p-1"
    pools.get(url, json={"errors": [{"code": "invalid_token"}]}, status=401)
    pools.get(url, json=payment())

    assert client.get_payment("p-1") == payment()

    bearers = [c.request.headers["Authorization"] for c in calls_to(pools, "GET", url)]
    assert bearers == ["Bearer old", "Bearer new"]
    assert len(calls_to(pools, "POST", TOKEN_URL)) == 2


def test_a_second_401_gives_up(pools, client):
    add_token(pools, token="old")
    add_token(pools, token="new")
    url = f"{PAYMENTS}/p-1"
    pools.get(url, json={"errors": [{"code": "invalid_token"}]}, status=401)

    with pytest.raises(CommercetoolsError) as caught:
        client.get_payment("p-1")

    assert caught.value.status_code == 401
    assert caught.value.codes == ["invalid_token"]
    assert len(calls_to(pools, "GET", url)) == 2
    assert len(calls_to(pools, "POST", TOKEN_URL)) == 2


def test_invalidating_a_stale_token_keeps_the_fresh_one(pools, clock):
    add_token(pools, token="tok-1")
    add_token(pools, token="tok-2")
    token = make_token(pools, clock)

    stale = token.get()
    token.invalidate(stale)
    fresh = token.get()
    token.invalidate(stale)  # a second thread reporting the same old token

    assert (stale, fresh, token.get()) == ("tok-1", "tok-2", "tok-2")
    assert len(pools.calls) == 2
    token.invalidate()
    assert token.get() == "tok-2"  # the mock repeats its last answer
    assert len(pools.calls) == 3


def test_concurrent_callers_trigger_one_token_request(pools, client):
    fetches = []

    def slow_token(request):
        fetches.append(threading.current_thread().name)
        time.sleep(0.05)  # keep the others waiting while the first fetch is in flight
        return 200, {}, '{"access_token": "tok", "expires_in": 172800}'

    pools.add_callback("POST", TOKEN_URL, callback=slow_token)
    pools.get(f"{PAYMENTS}/p-1", json=payment())
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


def test_token_answer_without_a_token_raises(pools, clock):
    pools.post(TOKEN_URL, json={"token_type": "Bearer", "expires_in": 100})

    with pytest.raises(CommercetoolsError) as caught:
        make_token(pools, clock).get()
    assert "access_token" in caught.value.message


def test_a_failed_fetch_is_not_cached(pools, clock):
    pools.post(TOKEN_URL, json={"error": "invalid_client"}, status=401)
    add_token(pools, token="tok-1")
    token = make_token(pools, clock)

    with pytest.raises(CommercetoolsError) as caught:
        token.get()
    assert caught.value.codes == ["invalid_client"]
    assert token.get() == "tok-1"


def test_secrets_never_shown(pools, clock):
    pools.post(TOKEN_URL, json={"error": "invalid_client"}, status=401)
    add_token(pools, token="the-access-token")
    token = make_token(pools, clock)

    with pytest.raises(CommercetoolsError) as caught:
        token.get()
    token.get()

    shown = repr(token) + str(token) + str(caught.value) + repr(caught.value)
    assert CLIENT_ID in repr(token)
    assert SECRET not in shown
    assert "the-access-token" not in shown
