"""Outbound sessions: connections are reused, the environment is read once and honoured."""

import pytest

from giftcard_connect.connections import POOL_SIZE, needs_per_call_environment, pooled_session


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


def test_pooled_session_with_a_proxy_resolves_the_environment_per_call(tmp_path):
    session = pooled_session({"HOME": str(tmp_path), "HTTPS_PROXY": "http://proxy:3128",
                              "REQUESTS_CA_BUNDLE": "/requests.pem"})
    assert session.trust_env is True
    assert session.verify is True  # requests reads the bundle per call itself


def test_pooled_session_sizes_its_pools(tmp_path):
    session = pooled_session({"HOME": str(tmp_path)})
    for prefix in ("http://", "https://"):
        assert session.get_adapter(prefix + "example.com")._pool_maxsize == POOL_SIZE
