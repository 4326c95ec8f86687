"""Two processor instances share the failed-attempt limits through a real Redis server.

Real HTTP over loopback: emulator, mock provider, two processors and ``redis-server``.
"""

from __future__ import annotations

import itertools
import shutil

import pytest
import requests

from giftcard_connect.app import create_app
from giftcard_connect.servers import BackgroundServer
from giftcard_connect.testing.redis_server import RedisServer, RedisServerUnavailable

from ..conftest import processor_config

LIMITS = {"GIFTCARD_RATE_LIMIT_PER_SESSION": "4 per minute",
          "GIFTCARD_RATE_LIMIT_PER_IP": "6 per minute"}


@pytest.fixture
def instances(emulator, mock_provider):
    """``instances(storage)``: two processors counting failed attempts in ``storage``."""
    servers = []

    def start(storage: str, limits: dict = LIMITS) -> list[str]:
        for name in ("processor-a", "processor-b"):
            app = create_app(processor_config(
                emulator.url, GIFTCARD_MOCK_URL=mock_provider.url,
                GIFTCARD_RATE_LIMIT_STORAGE=storage, **limits,
            ))
            servers.append(BackgroundServer(app, name=name).start())
        return [server.url for server in servers]

    yield start
    for server in servers:
        server.stop()


def guess(url: str, session: str, path: str = "/balance") -> requests.Response:
    body = {"code": "Guessed-Code-0001", "redeemAmount": {"centAmount": 100, "currencyCode": "EUR"}}
    return requests.post(f"{url}{path}", json=body, headers={"X-Session-Id": session}, timeout=10)


def test_two_instances_share_the_per_session_limit(instances, redis_server, checkout):
    urls = instances(redis_server.url)
    session = checkout.session()
    first = [guess(url, session, path).status_code
             for url, path in zip(itertools.cycle(urls), ["/balance", "/redeem"] * 2)]
    assert first == [400, 200, 400, 200]  # four declines, two on each instance
    for url in urls:
        refused = guess(url, session)
        assert refused.status_code == 429, refused.text
        assert refused.json()["errors"][0]["code"] == "TooManyRequests"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
    keys = [key.decode() for key in redis_server.client().keys("*")]
    assert keys and all(key.startswith("LIMITS:LIMITER/giftcard-connect/") for key in keys)
    assert not [key for key in keys if session in key]  # hashed, never the session id


def test_two_instances_share_the_per_ip_limit(instances, redis_server, checkout):
    urls = instances(redis_server.url)
    sessions = [checkout.session() for _ in range(7)]
    answers = [guess(url, session).status_code
               for url, session in zip(itertools.cycle(urls), sessions)]
    assert answers == [400] * 6 + [429]


def test_in_memory_limits_are_per_instance(instances, checkout):
    """Why several instances need Redis: in memory, each one counts on its own."""
    urls = instances("memory://")
    session = checkout.session()
    answers = [guess(url, session).status_code for url in urls for _ in range(5)]
    assert answers == [400, 400, 400, 400, 429] * 2


def test_shoppers_are_served_while_redis_is_down(instances, redis_server, checkout):
    urls = instances(redis_server.url)
    session = checkout.session()
    assert guess(urls[0], session).status_code == 400
    redis_server.stop()
    answers = [guess(url, session).status_code for url in urls for _ in range(3)]
    assert answers == [400] * 6  # unlimited, not failing: the per-cart limit still holds
    valid = requests.post(f"{urls[1]}/balance", json={"code": "Valid-5000-EUR"},
                          headers={"X-Session-Id": session}, timeout=10)
    assert valid.status_code == 200


def test_without_redis_server_the_tests_fail_naming_the_package(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RedisServerUnavailable, match="apt-get install -y redis-server"):
        RedisServer(tmp_path).start()


@pytest.mark.parametrize("new_session_each_time, reached", [(False, 10), (True, 50)])
def test_an_enumeration_bot_meets_the_default_limits_on_two_instances(
    instances, redis_server, checkout, new_session_each_time, reached
):
    """300 guessed codes from one address, spread over both instances: 10 per session, 50
    per address are answered; the rest is refused before the provider is asked."""
    urls = instances(redis_server.url, limits={})
    session = checkout.session()
    answers = []
    for _, url in zip(range(300), itertools.cycle(urls)):
        if new_session_each_time:
            session = checkout.session(checkout.cart(100))
        answers.append(guess(url, session).status_code)
    assert answers.count(400) == reached  # declines, from the provider
    assert answers.count(429) == 300 - reached  # refused before the provider was asked
    print(f"{300 - reached} of 300 guesses refused with 429 "
          f"({'a new session each' if new_session_each_time else 'one session'})")
