"""The services a test needs on loopback: the commercetools emulator, a processor, Checkout.

Shared by the conformance suite and the framework's own tests, so that both run the
processor the same way: ``create_app`` with emulator URLs, served by ``BackgroundServer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from ..commercetools import CommercetoolsClient

PROJECT_KEY = "test"
MERCHANT = ("merchant", "merchant-secret")
PROCESSOR = ("processor", "processor-secret")
PROCESSOR_SCOPES = "manage_payments view_sessions manage_orders introspect_oauth_tokens"


def emulator_config() -> dict[str, Any]:
    """An emulator project with two API clients: the merchant's (all of the project) and
    the processor's (what it needs to take payments and check Checkout's tokens)."""
    return {
        "PROJECT_KEY": PROJECT_KEY,
        "CLIENTS": {
            MERCHANT[0]: {"secret": MERCHANT[1], "scope": f"manage_project:{PROJECT_KEY}"},
            PROCESSOR[0]: {
                "secret": PROCESSOR[1],
                "scope": " ".join(f"{s}:{PROJECT_KEY}" for s in PROCESSOR_SCOPES.split()),
            },
        },
    }


def reset_emulator(emulator_url: str) -> None:
    """Empty the emulator's project and switch its faults off."""
    requests.post(f"{emulator_url}/_emulator/reset", timeout=5).raise_for_status()
    requests.delete(f"{emulator_url}/_emulator/faults", timeout=5).raise_for_status()


def processor_config(emulator_url: str, provider: str, **overrides: Any) -> dict[str, Any]:
    """``create_app`` settings for a processor of ``provider`` against the emulator.

    Timeouts are short, so a test that hits one fails in seconds rather than minutes.
    """
    return {
        "CTP_PROJECT_KEY": PROJECT_KEY,
        "CTP_CLIENT_ID": PROCESSOR[0],
        "CTP_CLIENT_SECRET": PROCESSOR[1],
        "CTP_AUTH_URL": emulator_url,
        "CTP_API_URL": emulator_url,
        "CTP_SESSION_URL": emulator_url + "/",
        "GIFTCARD_CURRENCY": "EUR",
        "GIFTCARD_PROVIDER": provider,
        "GIFTCARD_PROVIDER_TIMEOUT": "2",
        "CTP_TIMEOUT": "2",
        "TESTING": True,
        **overrides,
    }


def merchant_client(emulator_url: str) -> CommercetoolsClient:
    """commercetools as the merchant (and Checkout) sees it."""
    return CommercetoolsClient(
        project_key=PROJECT_KEY,
        client_id=MERCHANT[0],
        client_secret=MERCHANT[1],
        auth_url=emulator_url,
        api_url=emulator_url,
        session_url=emulator_url,
    )


def merchant_token(emulator_url: str) -> str:
    """A bearer token as Checkout holds it (manage_project for this project)."""
    response = requests.post(
        f"{emulator_url}/oauth/token",
        auth=MERCHANT,
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    response.raise_for_status()
    return response.json()["access_token"]


@dataclass
class Checkout:
    """Creates carts and sessions, as commercetools Checkout does before the Enabler loads."""

    merchant: CommercetoolsClient
    payment_interface: str
    currency: str = "EUR"

    def cart(self, cent_amount: int = 10_000, currency: str | None = None) -> dict:
        currency = currency or self.currency
        return self.merchant.create_cart(
            {
                "currency": currency,
                "anonymousId": "shopper-1",
                "customLineItems": [
                    {
                        "name": {"en": "Teapot"},
                        "money": {"centAmount": cent_amount, "currencyCode": currency},
                        "quantity": 1,
                        "slug": "teapot",
                    }
                ],
            }
        )

    def session(self, cart: dict | None = None, **metadata: Any) -> str:
        cart = cart or self.cart()
        body = self.merchant.create_session(
            cart["id"],
            {
                "paymentInterface": self.payment_interface,
                "allowedPaymentMethods": ["giftcard"],
                **metadata,
            },
        )
        return body["id"]
