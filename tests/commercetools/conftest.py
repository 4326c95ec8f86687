"""Fixtures for the commercetools client tests: mocked HTTP, a fake clock, recorded sleeps."""

from __future__ import annotations

import pytest
import responses
from ct_helpers import API, AUTH, CLIENT_ID, PK, SECRET, SESSION
from giftcard_connect.commercetools import CommercetoolsClient
from giftcard_connect.commercetools.transport import Transport


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


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
def make_client(clock, sleeps):
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
        )
        options.update(overrides)
        return CommercetoolsClient(**options)

    return make


@pytest.fixture
def client(make_client):
    return make_client()
