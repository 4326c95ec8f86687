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
    RecordingHttp,
    add_token,
    payment,
)


def test_session_url_has_no_double_slash(rsps, client):
    add_token(rsps)
    rsps.get("https://session.example.test/demo/sessions/s-1", json={"id": "s-1"})

    assert client.get_session("s-1") == {"id": "s-1"}
    url = rsps.calls[-1].request.url
    assert url == "https://session.example.test/demo/sessions/s-1"
    assert "//" not in urlsplit(url).path


@pytest.mark.parametrize("suffix", ["", "/", "//"])
def test_base_urls_with_or_without_trailing_slash(rsps, make_client, suffix):
    rsps.post(TOKEN_URL, json={"access_token": "t", "expires_in": 172800})
    rsps.get(f"{CARTS}/c-1", json={"id": "c-1"})
    client = make_client(auth_url=AUTH + suffix, api_url=API + suffix)

    assert client.get_cart("c-1") == {"id": "c-1"}
    assert [c.request.url for c in rsps.calls] == [TOKEN_URL, f"{CARTS}/c-1"]


@pytest.mark.parametrize("bad_id", ["", ".", ".."])
def test_unusable_ids_are_refused_before_any_request(rsps, client, bad_id):
    with pytest.raises(ValueError):
        client.get_session(bad_id)
    assert len(rsps.calls) == 0


def test_ids_are_escaped_into_one_path_segment(rsps, client):
    add_token(rsps)
    rsps.get(f"{SESSIONS}/..%2Fcarts%2Fc-1", json={"id": "x"})

    client.get_session("../carts/c-1")

    assert rsps.calls[-1].request.url == f"{SESSIONS}/..%2Fcarts%2Fc-1"


def test_headers_bearer_accept_json_and_correlation_id(rsps, make_client):
    add_token(rsps, token="tok-abc")
    rsps.post(PAYMENTS, json=payment(), status=201)
    client = make_client(correlation_id=lambda: "corr-1")

    client.create_payment({"amountPlanned": {"centAmount": 100, "currencyCode": "EUR"}})

    headers = rsps.calls[-1].request.headers
    assert headers["Authorization"] == "Bearer tok-abc"
    assert headers["Accept"] == "application/json"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Correlation-ID"] == "corr-1"
    assert rsps.calls[0].request.headers["X-Correlation-ID"] == "corr-1"  # the token call too


def test_no_correlation_header_when_the_provider_returns_none(rsps, make_client):
    add_token(rsps)
    rsps.get(f"{PAYMENTS}/p-1", json=payment())
    client = make_client(correlation_id=lambda: None)

    client.get_payment("p-1")

    assert "X-Correlation-ID" not in rsps.calls[-1].request.headers


def test_every_call_passes_the_timeout_pair(rsps, make_client):
    add_token(rsps)
    rsps.get(f"{PAYMENTS}/p-1", json=payment())
    rsps.post(f"{PAYMENTS}/p-1", json=payment(2))
    rsps.post(f"{AUTH}/oauth/introspect", json={"active": False})
    client = make_client(timeout=(1.5, 7.0))

    client.get_payment("p-1")
    client.update_payment("p-1", 1, [{"action": "setKey", "key": "k"}])
    client.introspect("their-token")

    assert len(rsps.calls) == 4
    assert all(c.request.req_kwargs["timeout"] == (1.5, 7.0) for c in rsps.calls)


def test_default_timeout_reaches_a_custom_http_session(make_client):
    http = RecordingHttp()
    client = make_client(http=http)

    client.get_payment("p-1")

    assert [(m, u) for m, u, _ in http.requests] == [
        ("POST", TOKEN_URL),
        ("GET", f"{PAYMENTS}/p-1"),
    ]
    assert all(kwargs["timeout"] == (3.05, 10.0) for _, _, kwargs in http.requests)


@pytest.mark.parametrize("timeout", [(0, 10), (3, None), (3,)])
def test_unusable_timeouts_are_refused(make_client, timeout):
    with pytest.raises(ValueError):
        make_client(timeout=timeout)
