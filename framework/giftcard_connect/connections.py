"""The processor's outbound connections: keep-alive pools, the environment read once.

The commercetools calls go through urllib3 pools (``commercetools_pools``); the provider
plugins get a ``requests.Session`` (``pooled_session``), which is their contract.

With ``trust_env`` on, requests reads the environment again on every call: all of
``os.environ`` twice for proxies and ``NO_PROXY``, the CA bundle variables, and the file
system for ``~/.netrc``. That was over a third of the processor's CPU per remote call.
The environment does not change while the processor runs, so it is read once here: the
CA bundle becomes the session's ``verify`` (or the pools' CA certificates), and for the
sessions the per-call lookups stay on only when a proxy or a netrc file is configured,
whose per-host rules requests applies per call.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import certifi
import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy

from .errors import ConfigurationError

# Connections kept per host: more than the threads that can call one host at once
# (gunicorn's threads per worker, 8 by default, and the status checks' 4).
POOL_SIZE = 32
# requests' two in its order, then OpenSSL's own (which requests alone would ignore)
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")


def needs_per_call_environment(environ: Mapping[str, str]) -> bool:
    """Whether a proxy or a netrc file is configured: then requests must resolve them
    for each URL (``NO_PROXY``, per-host credentials)."""
    if environ.get("NETRC"):
        return True
    if set(environment_proxies(environ)) - {"no"}:
        return True
    home = environ.get("HOME") or os.path.expanduser("~")
    return any(os.path.exists(os.path.join(home, name)) for name in (".netrc", "_netrc"))


def ca_bundle(environ: Mapping[str, str]) -> str | None:
    """The CA bundle the environment names (``CA_BUNDLE_VARIABLES``, first set wins)."""
    return next((environ[name] for name in CA_BUNDLE_VARIABLES if environ.get(name)), None)


def ca_location(path: str) -> dict[str, str]:
    """urllib3's option for a CA path: a directory of certificates or a bundle file."""
    return {"ca_cert_dir": path} if os.path.isdir(path) else {"ca_certs": path}


def kept_pool(
    pools: dict[Any, urllib3.HTTPConnectionPool],
    key: Any,
    open_pool: Callable[[], urllib3.HTTPConnectionPool],
) -> urllib3.HTTPConnectionPool:
    """The pool kept under ``key``, opened (and kept) when there is none or it was closed
    since. Threads racing to open one get the same pool: its manager keys it the same."""
    pool = pools.get(key)
    if pool is None or pool.pool is None:  # a closed pool has no connection queue
        pool = pools[key] = open_pool()
    return pool


class SteadyAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` that finds the connection pool of an origin once.

    For every call requests selects a proxy, builds the pool key (a ``stat`` of the CA
    path among it) and looks the pool up in its manager, twice parsing the URL: a tenth
    of a provider call's CPU, for an answer that does not change while the processor
    runs. Calls through a proxy keep requests' own path.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._pools: dict[tuple, urllib3.HTTPConnectionPool] = {}

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        if proxies and select_proxy(request.url, proxies):
            return super().get_connection_with_tls_context(request, verify, proxies, cert)
        parts = urlsplit(request.url)
        key = (parts.scheme, parts.netloc, verify, tuple(cert) if isinstance(cert, list) else cert)
        return kept_pool(
            self._pools,
            key,
            lambda: super(SteadyAdapter, self).get_connection_with_tls_context(
                request, verify, proxies, cert
            ),
        )

    def request_url(self, request, proxies):
        if proxies and select_proxy(request.url, proxies):
            return super().request_url(request, proxies)
        return request.path_url

    def close(self) -> None:
        self._pools.clear()
        super().close()


def pooled_session(environ: Mapping[str, str] | None = None) -> requests.Session:
    """A session whose keep-alive connections are reused by every call of one process.

    ``verify`` is the environment's CA bundle even when a proxy keeps ``trust_env`` on:
    ``Session.send``, which prepared requests go through, never reads the bundle itself.
    """
    environ = os.environ if environ is None else environ
    session = requests.Session()
    adapter = SteadyAdapter(pool_maxsize=POOL_SIZE)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = needs_per_call_environment(environ)
    bundle = ca_bundle(environ)
    if bundle:
        session.verify = bundle
    return session


def environment_proxies(environ: Mapping[str, str]) -> dict[str, str]:
    """``{scheme: proxy URL}`` and ``"no"`` from ``*_proxy`` variables, as urllib reads
    them: a lowercase variable wins over its uppercase twin, empty values are unset."""
    found: dict[str, str] = {}
    for name, value in environ.items():
        key = name.lower()
        if key.endswith("_proxy") and (key not in found or name.islower()):
            found[key] = value
    return {key[: -len("_proxy")]: value for key, value in found.items() if value}


def bypasses_proxy(host: str, port: int | None, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` exempts the host: ``*``, a name or domain suffix (with or
    without a leading dot, optionally with the port), an address or a CIDR network."""
    host = host.lower().strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry.strip("[]"), strict=False):
                    return True
            except ValueError:
                pass
        name, _, entry_port = entry.lstrip(".").partition(":")
        if entry_port and entry_port != str(port):
            continue
        if host == name or host.endswith("." + name):
            return True
    return False


class ProxyRoutes:
    """urllib3's ``urlopen`` through the proxy the environment names for each host.

    Decided once per scheme and host, then kept: the environment does not change.
    """

    def __init__(self, proxies: Mapping[str, str], **pool_options: Any):
        self._direct = urllib3.PoolManager(**pool_options)
        self._no_proxy = proxies.get("no", "")
        self._by_scheme = {
            scheme: _proxy_manager(url, pool_options)
            for scheme, url in proxies.items()
            if scheme != "no"
        }
        self._routes: dict[str, urllib3.PoolManager] = {}

    def urlopen(self, method: str, url: str, **kwargs: Any) -> urllib3.BaseHTTPResponse:
        return self.manager_for(url).urlopen(method, url, **kwargs)

    def manager_for(self, url: str) -> urllib3.PoolManager:
        """The manager a call to ``url`` goes through: a proxy's, or the direct one."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        manager = self._routes.get(origin)
        if manager is None:  # the same answer whichever thread stores it first
            manager = self._routes[origin] = self._route(parts.scheme, parts.hostname, parts.port)
        return manager

    def clear(self) -> None:
        for manager in (self._direct, *self._by_scheme.values()):
            manager.clear()

    def _route(self, scheme: str, host: str | None, port: int | None) -> urllib3.PoolManager:
        proxy = self._by_scheme.get(scheme) or self._by_scheme.get("all")
        if proxy is None or bypasses_proxy(host or "", port, self._no_proxy):
            return self._direct
        return proxy


class OriginPools:
    """urllib3's ``urlopen`` straight to the connection pool of the URL's origin.

    ``PoolManager.urlopen`` parses every URL into a pool key, then the pool parses it
    again, and urllib3 checks each byte of the path and query in Python each time: a
    tenth of a commercetools call's CPU. The processor calls at most three origins
    (auth, API, sessions), known at start, so each pool is found by its origin alone.
    """

    def __init__(self, **pool_options: Any):
        self.manager = urllib3.PoolManager(**pool_options)
        self._pools: dict[str, urllib3.HTTPConnectionPool] = {}

    def urlopen(self, method: str, url: str, **kwargs: Any) -> urllib3.BaseHTTPResponse:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        pool = kept_pool(self._pools, origin, lambda: self.manager.connection_from_url(origin))
        return pool.urlopen(method, url[len(origin):] or "/", assert_same_host=False, **kwargs)

    def clear(self) -> None:
        self._pools.clear()
        self.manager.clear()


def commercetools_pools(
    environ: Mapping[str, str] | None = None,
) -> OriginPools | ProxyRoutes:
    """Keep-alive urllib3 pools for the commercetools calls, verified against the
    environment's CA bundle (else certifi's, as requests does), through the
    environment's proxies (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``)."""
    environ = os.environ if environ is None else environ
    location = ca_location(ca_bundle(environ) or certifi.where())
    options = dict(num_pools=10, maxsize=POOL_SIZE, cert_reqs="CERT_REQUIRED", **location)
    proxies = environment_proxies(environ)
    if set(proxies) - {"no"}:
        return ProxyRoutes(proxies, **options)
    return OriginPools(**options)


def _proxy_manager(url: str, pool_options: Mapping[str, Any]) -> urllib3.PoolManager:
    """A manager for one proxy URL; credentials in it become Proxy-Authorization."""
    if "://" not in url:
        url = "http://" + url  # requests' reading of a bare host:port
    parts = urlsplit(url)
    if parts.scheme.startswith("socks"):
        try:
            from urllib3.contrib.socks import SOCKSProxyManager
        except ImportError as exc:
            raise ConfigurationError(
                f"a {parts.scheme} proxy is configured; it needs PySocks "
                "(pip install 'urllib3[socks]')"
            ) from exc
        return SOCKSProxyManager(url, **pool_options)
    headers = {}
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers = urllib3.make_headers(proxy_basic_auth=credentials)
    return urllib3.ProxyManager(url, proxy_headers=headers, **pool_options)
