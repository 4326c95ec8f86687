"""Fixtures for the commercetools client tests: scripted urllib3 pools, a fake clock,
recorded sleeps.

The client talks to scripted pools rather than to a loopback server because each
scenario must raise urllib3's own exception (a read timeout, a reset) at exactly the
attempt it names, instantly and without timing; test_ct_loopback.py shows over real
sockets that these are the exceptions real failures raise.
"""

from __future__ import annotations

import pytest
from ct_helpers import API, AUTH, CLIENT_ID, PK, SECRET, SESSION, ScriptedPools
from giftcard_connect.commercetools import CommercetoolsClient
from giftcard_connect.commercetools.transport import Transport


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pools():
    return ScriptedPools()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture(autouse=True)
def no_jitter(monkeypatch):
    """Pin the jitter so backoff delays are exact."""
    monkeypatch.setattr(Transport, "_jitter", lambda self, delay: delay)


@pytest.fixture
def make_client(pools, clock, sleeps):
    def make(**overrides):
        options = dict(
            project_key=PK,
            client_id=CLIENT_ID,
            client_secret=SECRET,
            auth_url=AUTH,
            api_url=API,
            session_url=SESSION,
            clock=clock,
            sleep=sleeps.append,
            http=pools,
        )
        options.update(overrides)
        return CommercetoolsClient(**options)

    return make


@pytest.fixture
def client(make_client):
    return make_client()
