"""The processor's outbound HTTP sessions: keep-alive pools, the environment read once.

With ``trust_env`` on, requests reads the environment again on every call: all of
``os.environ`` twice for proxies and ``NO_PROXY``, the CA bundle variables, and the file
system for ``~/.netrc``. That was over a third of the processor's CPU per remote call.
The environment does not change while the processor runs, so it is read once here: the
CA bundle becomes the session's ``verify``, and the per-call lookups stay on only when a
proxy or a netrc file is configured, whose per-host rules requests applies per call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import requests
from requests.adapters import HTTPAdapter

# Connections kept per host: more than the threads that can call one host at once
# (gunicorn's threads per worker, 8 by default, and the status checks' 4).
POOL_SIZE = 32
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")  # in requests' order


def needs_per_call_environment(environ: Mapping[str, str]) -> bool:
    """Whether a proxy or a netrc file is configured: then requests must resolve them
    for each URL (``NO_PROXY``, per-host credentials)."""
    if environ.get("NETRC"):
        return True
    if any(
        value and name.lower().endswith("_proxy") and name.lower() != "no_proxy"
        for name, value in environ.items()
    ):
        return True
    home = environ.get("HOME") or os.path.expanduser("~")
    return any(os.path.exists(os.path.join(home, name)) for name in (".netrc", "_netrc"))


def pooled_session(environ: Mapping[str, str] | None = None) -> requests.Session:
    """A session whose keep-alive connections are reused by every call of one process."""
    environ = os.environ if environ is None else environ
    session = requests.Session()
    adapter = HTTPAdapter(pool_maxsize=POOL_SIZE)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = needs_per_call_environment(environ)
    if not session.trust_env:
        bundle = next((environ[name] for name in CA_BUNDLE_VARIABLES if environ.get(name)), None)
        if bundle:
            session.verify = bundle
    return session
