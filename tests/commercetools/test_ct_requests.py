"""URLs, headers and timeouts: what every request the client sends looks like."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from ct_helpers import (
    API,
    AUTH,
    CARTS,
    PAYMENTS,
    SESSIONS,
    TOKEN_URL,
    add_token,
    payment,
)


def test_session_url_has_no_double_slash(pools, client):
    add_token(pools)
    pools.get("https://session.example.test/demo/sessions/s-1", json={"id": "s-1"})

    assert client.get_session("s-1") == {"id": "s-1"}
    url = pools.calls[-1].request.url
    assert url == "https://session.example.test/demo/sessions/s-1"
    assert "//" not in urlsplit(url).path


@pytest.mark.parametrize("suffix", ["", "/", "//"])
def test_base_urls_with_or_without_trailing_slash(pools, make_client, suffix):
    pools.post(TOKEN_URL, json={"access_token": "t", "expires_in": 172800})
    pools.get(f"{CARTS}/c-1", json={"id": "c-1"})
    client = make_client(auth_url=AUTH + suffix, api_url=API + suffix)

    assert client.get_cart("c-1") == {"id": "c-1"}
    assert [c.request.url for c in pools.calls] == [TOKEN_URL, f"{CARTS}/c-1"]


@pytest.mark.parametrize("bad_id", ["", ".", ".."])
def test_unusable_ids_are_refused_before_any_request(pools, client, bad_id):
    with pytest.raises(ValueError):
        client.get_session(bad_id)
    assert len(pools.calls) == 0


def test_ids_are_escaped_into_one_path_segment(pools, client):
    add_token(pools)
    pools.get(f"{SESSIONS}/..%2Fcarts%2Fc-1", json={"id": "x"})

    client.get_session("../carts/c-1")

    assert pools.calls[-1].request.url == f"{SESSIONS}/..%2Fcarts%2Fc-1"


def test_headers_bearer_accept_json_and_correlation_id(pools, make_client):
    add_token(pools, token="tok-abc")
    pools.post(PAYMENTS, json=payment(), status=201)
    client = make_client(correlation_id=lambda: "corr-1")

    client.create_payment({"amountPlanned": {"centAmount": 100, "currencyCode": "EUR"}})

    headers = pools.calls[-1].request.headers
    assert headers["Authorization"] == "Bearer tok-abc"
    assert headers["Accept"] == "application/json"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Correlation-ID"] == "corr-1"
    assert pools.calls[0].request.headers["X-Correlation-ID"] == "corr-1"  # the token call too


def test_no_correlation_header_when_the_provider_returns_none(pools, make_client):
    add_token(pools)
    pools.get(f"{PAYMENTS}/p-1", json=payment())
    client = make_client(correlation_id=lambda: None)

    client.get_payment("p-1")

    assert "X-Correlation-ID" not in pools.calls[-1].request.headers


def test_every_call_passes_the_timeout_pair(pools, make_client):
    add_token(pools)
    pools.get(f"{PAYMENTS}/p-1", json=payment())
    pools.post(f"{PAYMENTS}/p-1", json=payment(2))
    pools.post(f"{AUTH}/oauth/introspect", json={"active": False})
    client = make_client(timeout=(1.5, 7.0))

    client.get_payment("p-1")
    client.update_payment("p-1", 1, [{"action": "setKey", "key": "k"}])
    client.introspect("their-token")

    assert len(pools.calls) == 4
    assert all(c.request.timeout == (1.5, 7.0) for c in pools.calls)


def test_default_timeout_reaches_every_call(pools, client):
    add_token(pools)
    pools.get(f"{PAYMENTS}/p-1", json=payment())

    client.get_payment("p-1")

    assert [(c.request.method, c.request.url) for c in pools.calls] == [
        ("POST", TOKEN_URL),
        ("GET", f"{PAYMENTS}/p-1"),
    ]
    assert all(c.request.timeout == (3.05, 10.0) for c in pools.calls)


def test_urllib3_neither_retries_nor_follows_redirects_on_its_own(pools, client):
    """Replays are the transport's decision alone: urllib3 must hand back every failure."""
    add_token(pools)
    pools.get(f"{PAYMENTS}/p-1", json=payment())

    client.get_payment("p-1")

    assert [c.request.options for c in pools.calls] == [{"retries": False, "redirect": False}] * 2


@pytest.mark.parametrize("timeout", [(0, 10), (3, None), (3,)])
def test_unusable_timeouts_are_refused(make_client, timeout):
    with pytest.raises(ValueError):
        make_client(timeout=timeout)
