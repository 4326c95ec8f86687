"""What Checkout would have set up before the shopper types a code: carts and sessions.

Also the knobs of the emulator and the mock provider the benchmark turns: latency on
every call, and the emulator's per-route request counters.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from stack import CLIENT_ID, CURRENCY, PROJECT_KEY, Stack

CART_CENTS = 10_000
REDEEM_CENTS = 1_000
CREATORS = 4  # threads creating carts and sessions


class Checkout:
    """Creates carts and sessions through the emulator's API, as the merchant's Checkout."""

    def __init__(self, stack: Stack):
        self._url = stack.emulator.url
        self._local = threading.local()
        token = requests.post(
            f"{self._url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(CLIENT_ID, stack.client_secret),
            timeout=10,
        )
        token.raise_for_status()
        self._bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}

    def _http(self) -> requests.Session:
        if not hasattr(self._local, "http"):
            self._local.http = requests.Session()
        return self._local.http

    def _post(self, path: str, body: dict) -> dict:
        response = self._http().post(
            f"{self._url}/{PROJECT_KEY}/{path}", json=body, headers=self._bearer, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def cart(self, _index: int = 0) -> str:
        item = {
            "name": {"en": "Teapot"},
            "money": {"centAmount": CART_CENTS, "currencyCode": CURRENCY},
            "quantity": 1,
            "slug": "teapot",
        }
        body = {"currency": CURRENCY, "anonymousId": "shopper", "customLineItems": [item]}
        return self._post("carts", body)["id"]

    def session(self, cart_id: str) -> str:
        metadata = {"paymentInterface": "mock", "allowedPaymentMethods": ["giftcard"]}
        return self._post("sessions", {"cart": {"cartRef": {"id": cart_id}}, "metadata": metadata})["id"]

    def fresh_sessions(self, count: int) -> list[str]:
        """``count`` sessions, each on a cart of its own (so each redeem is a first one)."""
        with ThreadPoolExecutor(CREATORS) as pool:
            return list(pool.map(lambda i: self.session(self.cart(i)), range(count)))

    def sessions_on_one_cart(self, count: int) -> list[str]:
        """``count`` sessions of one cart: a balance check never changes it."""
        cart_id = self.cart()
        with ThreadPoolExecutor(CREATORS) as pool:
            return list(pool.map(lambda _: self.session(cart_id), range(count)))


def card_code(index: int) -> str:
    """A distinct mock card per request, with more than enough balance."""
    return f"Valid-{1_000_000 + index}-{CURRENCY}"


def set_latency(stack: Stack, commercetools_ms: float, provider_ms: float) -> None:
    """Delay every commercetools API call and every provider API call (0 clears)."""
    faults = [{"route": "*", "delay": commercetools_ms / 1000}] if commercetools_ms else []
    requests.put(f"{stack.emulator.url}/_emulator/faults", json=faults, timeout=10).raise_for_status()
    requests.put(
        f"{stack.provider.url}/_admin/faults", json={"latency": provider_ms / 1000}, timeout=10
    ).raise_for_status()


def reset_counts(stack: Stack) -> None:
    requests.post(f"{stack.emulator.url}/_emulator/stats/reset", timeout=10).raise_for_status()


def counts(stack: Stack) -> dict[str, int]:
    """commercetools requests per route since the last reset (the token endpoint included)."""
    response = requests.get(f"{stack.emulator.url}/_emulator/stats", timeout=10)
    response.raise_for_status()
    return response.json()["requests"]
