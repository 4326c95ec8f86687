"""No session id, token, code, PIN or secret in any log line, at any level.

Real flows over loopback HTTP (balance, redeem, declines, payment intents, the status
check, reconcile, commercetools retries and provider faults, rate limits, bad input) run
with every logger at DEBUG. Every record is scanned as the processor's handler writes it
(after ``RedactingFilter``: its message, its arguments, the JSON and the text line,
exception and stack text); the processor's own records are scanned before the filter
too, since the code must not log a secret in the first place.
"""

from __future__ import annotations

import logging
import re
import uuid

import pytest
import requests
from giftcard_connect.app import create_app
from giftcard_connect.logs import LOG_FORMATS, RedactingFilter
from giftcard_connect.reconcile import reconcile
from giftcard_connect.servers import BackgroundServer
from giftcard_connect.testing.services import MERCHANT, PROCESSOR
from giftcard_connect_mock.service import create_app as create_mock_app

from ..conftest import processor_config
from .flows import PAYMENT_UPDATE, clear_emulator_faults, emulator_faults, eur, intent, redeem

API_KEY = "mock-api-key-5c1d7e"
PIN_CARD, PIN, WRONG_PIN = "LOGSCAN-PIN-CARD-7f3a9c", "864213", "135792"
PLAIN_CARD, WRONG_CODE = "Valid-7777-EUR", "WRONG-CODE-55d1e0"
FORMATTERS = [make() for make in LOG_FORMATS.values()]  # the JSON and the text line
OWN = ("giftcard_connect.", "giftcard_connect_mock")


class Scanner(logging.Handler):
    """Keeps, per record, the texts a log line can carry: before and after the scrubber."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.scrubber = RedactingFilter()
        self.written: list[tuple[logging.LogRecord, str]] = []
        self.own_raw: list[tuple[logging.LogRecord, str]] = []

    def handle(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(OWN) and not record.name.startswith("giftcard_connect.emulator"):
            self.own_raw.append((record, self._texts(record, raw=True)))
        self.scrubber.filter(record)
        self.written.append((record, self._texts(record)))
        return True

    @staticmethod
    def _texts(record: logging.LogRecord, raw: bool = False) -> str:
        parts = [record.getMessage(), repr(record.args)]
        if raw:
            if record.exc_info:
                parts.append(logging.Formatter().formatException(record.exc_info))
        else:
            parts += [formatter.format(record) for formatter in FORMATTERS]
        parts += [record.exc_text or "", record.stack_info or ""]
        return "\n".join(parts)

    def emit(self, record):  # handle() does the work
        raise NotImplementedError


def found(texts: list[tuple[logging.LogRecord, str]], secrets: dict[str, str]) -> list[str]:
    patterns = {name: re.compile(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])")
                for value, name in secrets.items()}
    return [f"{name} in a {record.levelname} record of {record.name} ({record.pathname}:"
            f"{record.lineno})" for record, text in texts
            for name, pattern in patterns.items() if pattern.search(text)]


@pytest.fixture
def scanner():
    root = logging.getLogger()
    handler, level = Scanner(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def provider():
    with BackgroundServer(create_mock_app({"API_KEY": API_KEY}), name="mock-with-key") as server:
        admin = requests.Session()
        admin.headers["Authorization"] = f"Bearer {API_KEY}"
        admin.post(f"{server.url}/_admin/cards", json={
            "code": PIN_CARD, "pin": PIN, "centAmount": 9000, "currencyCode": "EUR"},
                   timeout=5).raise_for_status()
        server.admin = admin
        yield server


@pytest.fixture
def processor(scanner, emulator, provider):
    app = create_app(processor_config(
        emulator.url, GIFTCARD_MOCK_URL=provider.url, GIFTCARD_MOCK_API_KEY=API_KEY,
        CTP_JWKS_URL=f"{emulator.url}/.well-known/jwks.json", CTP_JWT_ISSUER=emulator.url,
        GIFTCARD_RATE_LIMIT_PER_SESSION="3 per minute", GIFTCARD_ALLOWED_ORIGINS="https://shop.example",
    ))
    with BackgroundServer(app, name="processor-debug") as server:
        yield server


def test_no_secret_reaches_a_log_line(
    scanner, processor, provider, emulator, checkout, merchant_token
):
    url, sessions = processor.url, []

    def session(cents=20_000):
        sessions.append(checkout.session(checkout.cart(cents)))
        return sessions[-1]

    def balance(session_id, code, pin=None):
        body = {"code": code, **({"pin": pin} if pin else {})}
        return requests.post(f"{url}/balance", json=body, headers={"X-Session-Id": session_id},
                             timeout=30)

    shopper = session()
    assert balance(shopper, PLAIN_CARD).status_code == 200
    assert balance(shopper, PIN_CARD, PIN).status_code == 200
    assert balance(shopper, PIN_CARD, WRONG_PIN).status_code == 400
    assert balance(shopper, WRONG_CODE).status_code == 400
    paid = redeem(url, shopper, PIN_CARD, 3000, pin=PIN, key="submit-1")
    assert paid.json()["result"] == "Success"
    assert redeem(url, shopper, PIN_CARD, 3000, pin=PIN, key="submit-1").json() == paid.json()
    assert redeem(url, session(), WRONG_CODE, 100).json()["result"] == "Failure"
    second = redeem(url, session(), PLAIN_CARD, 2000).json()["paymentReference"]

    guesser = session()  # the rate limit: three declines, then 429
    guesses = [balance(guesser, WRONG_CODE, WRONG_PIN).status_code for _ in range(4)]
    assert guesses == [400, 400, 400, 429]

    # commercetools answers 503 twice (retry warnings), then a payment update fails for good.
    emulator_faults(emulator.url, [{"route": "GET /<projectKey>/sessions/<id>", "status": 503,
                                    "times": 2}])
    assert balance(session(), PLAIN_CARD).status_code == 200
    emulator_faults(emulator.url, [{"route": PAYMENT_UPDATE, "status": 503, "times": 8}])
    assert redeem(url, session(), PLAIN_CARD, 500).status_code in (200, 502, 503)
    clear_emulator_faults(emulator.url)

    # The provider fails: a voided redeem, then one whose void fails too (left for reconcile).
    provider.admin.put(f"{provider.url}/_admin/faults", json={"fail_next": 2}, timeout=5)
    assert redeem(url, session(), PLAIN_CARD, 700).json()["result"] == "Failure"
    provider.admin.put(f"{provider.url}/_admin/faults", json={"fail_next": 4}, timeout=5)
    assert redeem(url, session(), PIN_CARD, 900, pin=PIN).status_code == 502
    provider.admin.delete(f"{provider.url}/_admin/faults", timeout=5)
    rows = reconcile(processor.app.extensions["giftcard_connect"], older_than=0)
    assert rows and all(row.resolved for row in rows)

    token = merchant_token
    assert intent(url, token, paid.json()["paymentReference"], "refundPayment",
                  amount=eur(1000)).json() == {"outcome": "approved"}
    assert intent(url, token, second, "cancelPayment").json()["outcome"] == "approved"
    assert intent(url, "not-a-real-token-9d2f", second, "reversePayment").status_code == 401
    jwt = requests.post(f"{emulator.url}/_emulator/jwt", json={}, timeout=5).json()["token"]
    status = requests.get(f"{url}/operations/status", headers={"Authorization": f"Bearer {jwt}"},
                          timeout=30)
    assert status.status_code == 200

    # Bad input, an expired session, an unknown one.
    expired = session()
    requests.post(f"{emulator.url}/_emulator/sessions/{expired}/expire", timeout=5)
    assert balance(expired, PLAIN_CARD).status_code == 401
    assert balance(f"unknown-{uuid.uuid4()}", PLAIN_CARD).status_code == 401
    deep = requests.post(f"{url}/balance", data="[" * 1000 + "]" * 1000,
                         headers={"X-Session-Id": shopper, "Content-Type": "application/json"})
    assert deep.status_code == 400
    plain = requests.post(f"{url}/redeem", data=f"code={PIN_CARD}&pin={PIN}",
                          headers={"X-Session-Id": shopper, "Content-Type": "text/plain"})
    assert plain.status_code == 415

    tokens = list(emulator.app.extensions["emulator"].tokens)
    secrets = {
        PIN_CARD: "the PIN card's code", PIN: "its PIN", WRONG_PIN: "a wrong PIN",
        PLAIN_CARD: "a card code", WRONG_CODE: "a guessed code", API_KEY: "the provider API key",
        PROCESSOR[1]: "the processor's client secret", MERCHANT[1]: "the merchant's client secret",
        jwt: "a Merchant Center JWT", "not-a-real-token-9d2f": "a refused bearer token",
        **{value: f"session {i}" for i, value in enumerate(sessions)},
        **{value: f"access token {i}" for i, value in enumerate(tokens)},
    }
    assert len(tokens) >= 2 and len(sessions) == 9
    assert found(scanner.written, secrets) == []
    assert found(scanner.own_raw, secrets) == []
    levels = {record.levelname for record, _ in scanner.written}
    assert {"DEBUG", "INFO", "WARNING", "ERROR"} <= levels
    assert len(scanner.written) > 250
    print(f"log records scanned: {len(scanner.written)} ({len(scanner.own_raw)} of the "
          f"processor's own also before the scrubber), secrets searched: {len(secrets)}")
