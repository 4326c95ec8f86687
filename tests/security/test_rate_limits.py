"""Failed gift card attempts, limited per session and per client IP (in-memory storage)."""

from __future__ import annotations

import logging

import pytest

from giftcard_connect import GiftCardError, ProviderUnavailable
from giftcard_connect.api.ratelimit import EXTENSION
from giftcard_connect.app import create_app
from giftcard_connect.config import Settings
from giftcard_connect.errors import ConfigurationError

from ..conftest import processor_config

ORIGIN = "https://shop.example"
DECLINE = GiftCardError("NotFound", "NotFound", "No such card")
AMOUNT = {"centAmount": 100, "currencyCode": "EUR"}


@pytest.fixture
def limited(emulator, fake_provider):
    """``limited(**settings)``: a test client of a processor with these limits."""

    def make(**settings):
        config = {
            "GIFTCARD_RATE_LIMIT_PER_SESSION": "3 per minute",
            "GIFTCARD_RATE_LIMIT_PER_IP": "100 per minute",
            "GIFTCARD_ALLOWED_ORIGINS": ORIGIN,
            **settings,
        }
        app = create_app(processor_config(
            emulator.url, GIFTCARD_PROVIDER="fake", GIFTCARD_PAYMENT_INTERFACE="mock",
            PLUGINS={"fake": fake_provider}, LOAD_ENTRYPOINTS=False, **config,
        ))
        return app.test_client()

    return make


def balance(client, session, **headers):
    return client.post("/balance", json={"code": "GUESS-1", "pin": "0000"},
                       headers={"X-Session-Id": session, **headers})


def redeem(client, session, **headers):
    return client.post("/redeem", json={"code": "GUESS-2", "redeemAmount": AMOUNT},
                       headers={"X-Session-Id": session, **headers})


def provider_calls(fake_provider) -> int:
    return len([c for c in fake_provider.calls if c[0] in ("balance", "redeem")])


def assert_limited(response):
    assert response.status_code == 429
    body = response.json
    assert body["statusCode"] == 429
    assert body["errors"][0]["code"] == "TooManyRequests"
    assert body["message"] == body["errors"][0]["message"]
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 60
    assert f"try again in {seconds} seconds" in body["message"]


def test_declines_are_limited_per_session_before_the_provider_is_asked(
    limited, checkout, fake_provider
):
    client = limited()
    fake_provider.balance_result = fake_provider.redeem_result = DECLINE
    session = checkout.session()
    answers = [balance(client, session), redeem(client, session), balance(client, session)]
    assert [a.status_code for a in answers] == [400, 200, 400]  # balance and redeem count together
    asked = provider_calls(fake_provider)
    assert_limited(balance(client, session))
    assert_limited(redeem(client, session))
    assert provider_calls(fake_provider) == asked  # refused before the provider (or commercetools)
    assert balance(client, checkout.session()).status_code == 400  # another session goes on


def test_successful_checks_are_never_counted(limited, checkout, fake_provider):
    client = limited()
    session = checkout.session(checkout.cart(100_000))
    for _ in range(10):
        assert balance(client, session).status_code == 200
    assert all(redeem(client, session).json["result"] == "Success" for _ in range(4))
    fake_provider.balance_result = DECLINE
    assert [balance(client, session).status_code for _ in range(4)] == [400, 400, 400, 429]


@pytest.mark.parametrize("failure", [
    ProviderUnavailable("provider down"),  # GenericError: says nothing about the code
    KeyError("plugin bug"),
])
def test_provider_trouble_is_not_a_failed_attempt(limited, checkout, fake_provider, failure):
    client = limited()
    fake_provider.balance_result = failure
    session = checkout.session()
    assert {balance(client, session).status_code for _ in range(6)} == {502}


def test_bad_input_and_missing_sessions_are_not_failed_attempts(limited, checkout):
    client = limited()
    session = checkout.session()
    for _ in range(5):
        assert client.post("/balance", json={"code": ""},
                           headers={"X-Session-Id": session}).status_code == 400
        assert client.post("/balance", json={"code": "x"}).status_code == 401
    assert balance(client, session).status_code == 200


def test_declines_are_limited_per_client_ip_across_sessions(limited, checkout, fake_provider):
    client = limited(GIFTCARD_RATE_LIMIT_PER_SESSION="100 per minute",
                     GIFTCARD_RATE_LIMIT_PER_IP="4 per minute")
    fake_provider.balance_result = DECLINE
    sessions = [checkout.session() for _ in range(5)]
    assert [balance(client, s).status_code for s in sessions[:4]] == [400] * 4
    assert_limited(balance(client, sessions[4]))
    # A client cannot pick a fresh address: X-Forwarded-For is not trusted by default.
    assert_limited(balance(client, sessions[4], **{"X-Forwarded-For": "203.0.113.9"}))
    other = client.post("/balance", json={"code": "x"}, headers={"X-Session-Id": sessions[0]},
                        environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 400


def test_behind_trusted_proxies_the_address_they_saw_is_limited(limited, checkout, fake_provider):
    client = limited(GIFTCARD_RATE_LIMIT_PER_SESSION="100 per minute",
                     GIFTCARD_RATE_LIMIT_PER_IP="2 per minute", GIFTCARD_TRUSTED_PROXIES="1")
    fake_provider.balance_result = DECLINE
    session = checkout.session()

    def from_shopper(address, spoofed="198.51.100.1"):
        # The client may send anything; the one trusted proxy appends what it saw.
        return balance(client, session, **{"X-Forwarded-For": f"{spoofed}, {address}"})

    assert [from_shopper("203.0.113.1").status_code for _ in range(2)] == [400, 400]
    assert_limited(from_shopper("203.0.113.1", spoofed="192.0.2.77"))
    assert from_shopper("203.0.113.2").status_code == 400


def test_a_limited_browser_can_read_the_429(limited, checkout, fake_provider):
    client = limited(GIFTCARD_RATE_LIMIT_PER_SESSION="1 per minute")
    fake_provider.balance_result = DECLINE
    session = checkout.session()
    balance(client, session, Origin=ORIGIN)
    refused = balance(client, session, Origin=ORIGIN)
    assert_limited(refused)
    assert refused.headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = refused.headers["Access-Control-Expose-Headers"].lower().replace(" ", "").split(",")
    assert "retry-after" in exposed
    preflight = client.options("/balance", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-session-id"})
    assert preflight.status_code == 200  # a preflight is never limited


def test_session_ids_are_hashed_in_the_limiter_and_its_logs(
    limited, checkout, fake_provider, caplog
):
    caplog.set_level(logging.DEBUG)
    client = limited(GIFTCARD_RATE_LIMIT_PER_SESSION="1 per minute")
    fake_provider.balance_result = DECLINE
    session = checkout.session()
    balance(client, session)
    assert_limited(balance(client, session))
    text = "\n".join(r.getMessage() for r in caplog.records
                     if r.name.startswith("giftcard_connect"))
    assert "too many failed gift card attempts (failed-attempts-per-session" in text
    assert session not in text
    storage = client.application.extensions[EXTENSION].storage
    keys = " ".join(storage.events)  # the moving windows of the in-memory storage
    assert "failed-attempts-per-session" in keys and session not in keys


def test_redis_storage_password_never_reaches_the_log(limited, checkout, caplog):
    caplog.set_level(logging.INFO)
    limited(GIFTCARD_RATE_LIMIT_STORAGE="redis://:s3cret-pw@127.0.0.1:1/0")
    (line,) = [r.getMessage() for r in caplog.records if "counted in" in r.getMessage()]
    assert line.endswith("counted in redis at 127.0.0.1:1")
    assert "s3cret-pw" not in caplog.text


def test_unreachable_storage_serves_shoppers_and_logs_the_trouble(
    limited, checkout, fake_provider, caplog
):
    """Redis down: the per-cart limit still holds; shoppers can still pay."""
    client = limited(GIFTCARD_RATE_LIMIT_STORAGE="redis://127.0.0.1:1/0")
    fake_provider.balance_result = DECLINE
    session = checkout.session()
    assert [balance(client, session).status_code for _ in range(5)] == [400] * 5
    fake_provider.balance_result = fake_provider.__class__().balance_result
    assert balance(client, session).status_code == 200
    assert any(r.levelno == logging.ERROR and "limits unavailable" in r.getMessage()
               for r in caplog.records)


BASE_ENV = {
    "CTP_PROJECT_KEY": "p", "CTP_CLIENT_ID": "c", "CTP_CLIENT_SECRET": "s",
    "CTP_AUTH_URL": "http://a", "CTP_API_URL": "http://a",
    "GIFTCARD_PROVIDER": "mock", "GIFTCARD_CURRENCY": "EUR",
}


def test_limit_defaults():
    settings = Settings.from_env(BASE_ENV, dotenv_path=None)
    assert settings.rate_limit_per_session == "10 per 15 minutes"
    assert settings.rate_limit_per_ip == "50 per hour"
    assert settings.rate_limit_storage == "memory://"
    assert settings.trusted_proxies == 0
    assert "memory" not in repr(settings)  # the storage URI may hold a password


@pytest.mark.parametrize("name, value", [
    ("GIFTCARD_RATE_LIMIT_PER_SESSION", "ten a minute"),
    ("GIFTCARD_RATE_LIMIT_PER_IP", "5 per fortnight"),
    ("GIFTCARD_RATE_LIMIT_STORAGE", "memcached://127.0.0.1:11211"),
    ("GIFTCARD_RATE_LIMIT_STORAGE", "127.0.0.1:6379"),
    ("GIFTCARD_TRUSTED_PROXIES", "-1"),
    ("GIFTCARD_TRUSTED_PROXIES", "two"),
])
def test_malformed_limit_settings_refuse_to_start(name, value):
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_env({**BASE_ENV, name: value}, dotenv_path=None)


def test_a_bad_storage_uri_is_not_echoed():
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env(
            {**BASE_ENV, "GIFTCARD_RATE_LIMIT_STORAGE": "mongodb://u:pw-secret@db/x"},
            dotenv_path=None,
        )
    assert "pw-secret" not in str(caught.value)
