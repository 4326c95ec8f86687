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
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import certifi
import requests
import urllib3
from requests.adapters import HTTPAdapter

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


class SteadyCaAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` that asks the file system once whether a CA path is a bundle
    file or a directory of certificates: requests asks on every call whose ``verify`` is
    a path (a ``stat`` per call), and the path does not change while the processor runs."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._ca_locations: dict[str, dict[str, str]] = {}

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        if not isinstance(verify, str):
            return super().build_connection_pool_key_attributes(request, verify, cert)
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, True, cert
        )
        pool_kwargs.pop("ssl_context", None)  # one for the default bundle, if requests made it
        pool_kwargs.update(self._ca_location(verify))
        return host_params, pool_kwargs

    def _ca_location(self, path: str) -> dict[str, str]:
        location = self._ca_locations.get(path)
        if location is None:
            location = self._ca_locations[path] = ca_location(path)
        return location


def pooled_session(environ: Mapping[str, str] | None = None) -> requests.Session:
    """A session whose keep-alive connections are reused by every call of one process.

    ``verify`` is the environment's CA bundle even when a proxy keeps ``trust_env`` on:
    ``Session.send``, which prepared requests go through, never reads the bundle itself.
    """
    environ = os.environ if environ is None else environ
    session = requests.Session()
    adapter = SteadyCaAdapter(pool_maxsize=POOL_SIZE)
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


def commercetools_pools(
    environ: Mapping[str, str] | None = None,
) -> urllib3.PoolManager | ProxyRoutes:
    """Keep-alive urllib3 pools for the commercetools calls, verified against the
    environment's CA bundle (else certifi's, as requests does), through the
    environment's proxies (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``)."""
    environ = os.environ if environ is None else environ
    location = ca_location(ca_bundle(environ) or certifi.where())
    options = dict(num_pools=10, maxsize=POOL_SIZE, cert_reqs="CERT_REQUIRED", **location)
    proxies = environment_proxies(environ)
    if set(proxies) - {"no"}:
        return ProxyRoutes(proxies, **options)
    return urllib3.PoolManager(**options)


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
