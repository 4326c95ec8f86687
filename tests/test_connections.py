"""Outbound connections: pools are sized, the environment is read once and honoured."""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import certifi
import pytest
import requests
import responses
import urllib3

from giftcard_connect.connections import (
    POOL_SIZE,
    OriginPools,
    ProxyRoutes,
    bypasses_proxy,
    commercetools_pools,
    environment_proxies,
    needs_per_call_environment,
    pooled_session,
)
from giftcard_connect.errors import ConfigurationError


@pytest.mark.parametrize(
    "environ, needed",
    [
        ({}, False),
        ({"NO_PROXY": "localhost"}, False),
        ({"REQUESTS_CA_BUNDLE": "/etc/ssl/bundle.pem"}, False),
        ({"HTTPS_PROXY": "http://proxy:3128"}, True),
        ({"http_proxy": "http://proxy:3128"}, True),
        ({"ALL_PROXY": "socks5://proxy:1080"}, True),
        ({"HTTPS_PROXY": ""}, False),
        ({"NETRC": "/run/secrets/netrc"}, True),
    ],
)
def test_per_call_environment_only_for_proxies_and_netrc(environ, needed, tmp_path):
    assert needs_per_call_environment({"HOME": str(tmp_path), **environ}) is needed


def test_a_netrc_file_in_home_keeps_per_call_lookups(tmp_path):
    (tmp_path / ".netrc").write_text("machine example.com login a password b\n")
    assert needs_per_call_environment({"HOME": str(tmp_path)}) is True


def test_pooled_session_takes_the_ca_bundle_once(tmp_path):
    session = pooled_session({"HOME": str(tmp_path), "CURL_CA_BUNDLE": "/curl.pem",
                              "REQUESTS_CA_BUNDLE": "/requests.pem"})
    assert session.trust_env is False
    assert session.verify == "/requests.pem"  # requests' own order of precedence


def test_ssl_cert_file_is_the_last_resort_for_sessions_too(tmp_path):
    assert pooled_session({"HOME": str(tmp_path), "SSL_CERT_FILE": "/o.pem"}).verify == "/o.pem"
    both = pooled_session({"HOME": str(tmp_path), "SSL_CERT_FILE": "/o.pem",
                           "CURL_CA_BUNDLE": "/curl.pem"})
    assert both.verify == "/curl.pem"


def test_pooled_session_with_a_proxy_resolves_the_environment_per_call(tmp_path):
    session = pooled_session({"HOME": str(tmp_path), "HTTPS_PROXY": "http://proxy:3128",
                              "REQUESTS_CA_BUNDLE": "/requests.pem"})
    assert session.trust_env is True
    assert session.verify == "/requests.pem"


def test_a_prepared_request_keeps_the_ca_bundle_when_a_proxy_is_set(tmp_path):
    """Session.send never reads REQUESTS_CA_BUNDLE: with a proxy configured, a prepared
    request used to be verified against certifi's bundle instead of the configured one."""
    session = pooled_session({"HOME": str(tmp_path), "HTTPS_PROXY": "http://proxy:3128",
                              "REQUESTS_CA_BUNDLE": "/requests.pem"})
    with responses.RequestsMock() as mock:
        mock.get("https://provider.example.test/balance", json={})
        session.send(requests.Request("GET", "https://provider.example.test/balance").prepare())
        assert mock.calls[0].request.req_kwargs["verify"] == "/requests.pem"


def test_pooled_session_sizes_its_pools(tmp_path):
    session = pooled_session({"HOME": str(tmp_path)})
    for prefix in ("http://", "https://"):
        assert session.get_adapter(prefix + "example.com")._pool_maxsize == POOL_SIZE


@pytest.mark.parametrize("kind", ["bundle file", "certificate directory", "no such path"])
def test_the_sessions_adapter_finds_a_pool_once_per_origin_as_requests_would(
    tmp_path, monkeypatch, kind
):
    ca_path = {"bundle file": tmp_path / "ca.pem", "certificate directory": tmp_path,
               "no such path": tmp_path / "missing.pem"}[kind]
    if kind == "bundle file":
        ca_path.write_text("")
    session = pooled_session({"HOME": str(tmp_path), "REQUESTS_CA_BUNDLE": str(ca_path)})
    adapter = session.get_adapter("https://provider.example.test")
    balance = requests.Request("GET", "https://provider.example.test/v1/balance").prepare()
    redeem = requests.Request("POST", "https://provider.example.test/v1/redeem?x=1").prepare()
    looked_up = []
    real_isdir = os.path.isdir
    monkeypatch.setattr(os.path, "isdir", lambda p: looked_up.append(p) or real_isdir(p))

    pools = [adapter.get_connection_with_tls_context(request, str(ca_path))
             for request in (balance, redeem, balance)]
    assert pools[0] is pools[1] is pools[2]
    assert looked_up == [str(ca_path)]  # the CA path is decided once, with the pool
    expected = requests.adapters.HTTPAdapter().get_connection_with_tls_context(
        balance, str(ca_path))
    assert (pools[0].host, pools[0].port, pools[0].ca_certs, pools[0].ca_cert_dir,
            pools[0].cert_reqs) == (expected.host, expected.port, expected.ca_certs,
                                    expected.ca_cert_dir, expected.cert_reqs)
    unverified = adapter.get_connection_with_tls_context(balance, False)
    assert unverified is not pools[0] and unverified.cert_reqs == "CERT_NONE"
    other = requests.Request("GET", "https://other.example.test/v1/balance").prepare()
    assert adapter.get_connection_with_tls_context(other, str(ca_path)).host == (
        "other.example.test")
    assert adapter.request_url(redeem, {}) == "/v1/redeem?x=1"

    adapter.close()  # closes the pools: the next call gets a new one
    assert adapter.get_connection_with_tls_context(balance, str(ca_path)) is not pools[0]


def test_the_sessions_adapter_leaves_proxied_calls_to_requests(tmp_path):
    adapter = pooled_session({"HOME": str(tmp_path)}).get_adapter("http://provider.test")
    request = requests.Request("GET", "http://provider.example.test/v1/balance").prepare()
    proxies = {"http": "http://proxy.internal:3128"}
    pool = adapter.get_connection_with_tls_context(request, True, proxies)
    assert (pool.host, pool.port) == ("proxy.internal", 3128)  # plain http: to the proxy
    assert adapter.request_url(request, proxies) == "http://provider.example.test/v1/balance"
    direct = adapter.get_connection_with_tls_context(request, True, {"https": proxies["http"]})
    assert (direct.host, direct.port) == ("provider.example.test", 80)


def test_the_provider_session_keeps_one_connection_per_origin(echo_servers, tmp_path):
    first, second = echo_servers
    session = pooled_session({"HOME": str(tmp_path)})
    answers = [session.get(url, timeout=5).json() for url in
               (f"{first}/v1/balance?code=masked", f"{first}/v1/redeem", f"{second}/v1/void")]
    assert [a["server"] for a in answers] == ["first", "first", "second"]
    assert answers[0]["target"] == "/v1/balance?code=masked"
    assert answers[0]["client_port"] == answers[1]["client_port"]


def test_commercetools_pools_verify_against_the_bundle_the_environment_names(tmp_path):
    def pool_options(environ):
        pools = commercetools_pools(environ)
        assert isinstance(pools, OriginPools)
        return pools.manager.connection_pool_kw

    options = pool_options({"REQUESTS_CA_BUNDLE": "/requests.pem", "CURL_CA_BUNDLE": "/c"})
    assert (options["ca_certs"], options["cert_reqs"]) == ("/requests.pem", "CERT_REQUIRED")
    assert options["maxsize"] == POOL_SIZE

    assert pool_options({})["ca_certs"] == certifi.where()
    assert pool_options({"SSL_CERT_FILE": "/openssl.pem"})["ca_certs"] == "/openssl.pem"
    directory = pool_options({"REQUESTS_CA_BUNDLE": str(tmp_path)})
    assert directory["ca_cert_dir"] == str(tmp_path) and "ca_certs" not in directory


def test_commercetools_pools_route_through_the_environments_proxies():
    pools = commercetools_pools({
        "HTTPS_PROXY": "http://user:p%40ss@proxy.internal:3128",
        "NO_PROXY": ".internal.example, 10.0.0.0/8",
        "REQUESTS_CA_BUNDLE": "/requests.pem",
    })
    assert isinstance(pools, ProxyRoutes)

    proxied = pools.manager_for("https://api.europe-west1.gcp.commercetools.com/demo/carts")
    assert isinstance(proxied, urllib3.ProxyManager)
    assert (proxied.proxy.host, proxied.proxy.port) == ("proxy.internal", 3128)
    assert proxied.proxy_headers == urllib3.make_headers(proxy_basic_auth="user:p@ss")
    assert proxied.connection_pool_kw["ca_certs"] == "/requests.pem"
    for direct in ("https://auth.internal.example/oauth/token", "https://10.1.2.3/x",
                   "http://api.commercetools.com/x"):  # no HTTP_PROXY: plain http is direct
        assert not isinstance(pools.manager_for(direct), urllib3.ProxyManager), direct


def test_all_proxy_and_a_bare_proxy_address_apply_to_every_scheme():
    pools = commercetools_pools({"ALL_PROXY": "proxy.internal:8080"})
    manager = pools.manager_for("http://api.example.test/x")
    assert (manager.proxy.scheme, manager.proxy.host, manager.proxy.port) == (
        "http", "proxy.internal", 8080)


def test_a_socks_proxy_without_pysocks_is_refused_at_start(monkeypatch):
    monkeypatch.setitem(sys.modules, "urllib3.contrib.socks", None)  # as if not installed
    with pytest.raises(ConfigurationError, match="PySocks"):
        commercetools_pools({"ALL_PROXY": "socks5://proxy.internal:1080"})


def test_environment_proxies_read_like_urllib():
    assert environment_proxies({
        "HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:1",
        "HTTP_PROXY": "http://upper:2", "http_proxy": "",
        "NO_PROXY": "localhost", "PATH": "/bin",
    }) == {"https": "http://lower:1", "no": "localhost"}


@pytest.mark.parametrize(
    "host, port, no_proxy, bypassed",
    [
        ("api.example.test", None, "*", True),
        ("api.example.test", None, "example.test", True),
        ("api.example.test", None, ".example.test", True),
        ("api.example.test", None, "EXAMPLE.test", True),
        ("api.example.test", 443, "example.test:443", True),
        ("api.example.test", 443, "example.test:8443", False),
        ("notexample.test", None, "example.test", False),
        ("api.example.test", None, "", False),
        ("10.1.2.3", None, "10.0.0.0/8", True),
        ("11.1.2.3", None, "10.0.0.0/8", False),
        ("127.0.0.1", None, "localhost, 127.0.0.1", True),
        ("::1", None, "::1", True),
    ],
)
def test_no_proxy_rules(host, port, no_proxy, bypassed):
    assert bypasses_proxy(host, port, no_proxy) is bypassed


class EchoHandler(BaseHTTPRequestHandler):
    """Answers, on a kept-alive connection, which server it is, the request target as
    it arrived and the caller's port (one port per TCP connection)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = json.dumps({"server": self.server.name, "target": self.path,
                           "client_port": self.client_address[1]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_servers():
    servers = []
    for name in ("first", "second"):
        server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
        server.name = name
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
    yield [f"http://127.0.0.1:{server.server_port}" for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


def test_origin_pools_keep_one_connection_per_origin_and_send_the_target_as_given(echo_servers):
    first, second = echo_servers
    pools = OriginPools(maxsize=2)

    def get(url):
        answer = pools.urlopen("GET", url, retries=False, redirect=False)
        assert answer.status == 200
        return json.loads(answer.data)

    carts = get(f"{first}/demo/carts/c-1?expand=paymentInfo.payments%5B%2A%5D&where=a%3D1")
    assert carts["target"] == "/demo/carts/c-1?expand=paymentInfo.payments%5B%2A%5D&where=a%3D1"
    again = get(f"{first}/demo/payments")
    other = get(f"{second}/oauth/token")
    assert (carts["server"], again["server"], other["server"]) == ("first", "first", "second")
    assert again["client_port"] == carts["client_port"]  # the connection was kept
    assert get(second)["target"] == "/"

    pools.clear()  # closes every connection; the next call opens a new one
    after = get(f"{first}/demo/payments")
    assert after["server"] == "first" and after["client_port"] != carts["client_port"]


def test_the_provider_session_never_sends_a_redemption_again_unseen(scripted_server, tmp_path):
    """A redemption lost on a kept connection reaches the plugin as a connection error,
    sent once: some HTTP clients send it again on a new connection by themselves, and the
    plugin would take the second answer for the only one."""
    scripted_server.behaviours = ["answer", "drop", "answer"]
    url = f"{scripted_server.url}/v1/redemptions"
    session = pooled_session({"HOME": str(tmp_path)})

    assert session.post(url, data=b'{"reference": "r-1"}', timeout=5).status_code == 200
    with pytest.raises(requests.ConnectionError):
        session.post(url, data=b'{"reference": "r-2"}', timeout=5)
    assert scripted_server.bodies == [b'{"reference": "r-1"}', b'{"reference": "r-2"}']
