"""Demo gift cards: new ones for every cart, so that every walkthrough can be done again.

The mock provider keeps balances, as a real one does: a magic code such as
``Valid-4000-EUR`` paid once has less left on the next cart. Each cart of the demo
therefore gets cards of its own, seeded through the mock service's admin API.
"""

from __future__ import annotations

import secrets
from typing import Any

import requests

# Readable and unambiguous when typed: no 0/O, 1/I/L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
DEMO_PIN = "1234"


def money(cents: int, currency: str) -> dict[str, Any]:
    return {"centAmount": cents, "currencyCode": currency}


class MockCards:
    """Seeds cards at the mock provider service at ``provider_url``."""

    def __init__(self, provider_url: str, currency: str, *, http: requests.Session | None = None):
        self.provider_url = provider_url.rstrip("/")
        self.currency = currency
        self._http = http or requests.Session()

    def for_page(self) -> list[dict[str, Any]]:
        """What the checkout page's walkthrough uses: 40.00 and 50.00, and 50.00 with a PIN."""
        tag = _tag()
        return [
            self._seed(f"DEMO-{tag}-4000", 4000),
            self._seed(f"DEMO-{tag}-5000", 5000),
            self._seed(f"DEMO-{tag}-PIN", 5000, pin=DEMO_PIN),
        ]

    def for_terminal(self) -> dict[str, Any]:
        """The card of the printed curl walkthrough: 50.00."""
        return self._seed(f"DEMO-{_tag()}-5000", 5000)

    def declined_codes(self) -> list[str]:
        """The mock's magic codes that are always declined, each for another reason."""
        return ["Expired", "NotFound", f"Valid-0-{self.currency}"]

    def any_balance_code(self) -> str:
        """The mock's magic code for a card of any balance (which it then remembers)."""
        return f"Valid-<cents>-{self.currency}"

    def _seed(self, code: str, cents: int, pin: str | None = None) -> dict[str, Any]:
        body = {"code": code, "centAmount": cents, "currencyCode": self.currency}
        if pin:
            body["pin"] = pin
        response = self._http.post(f"{self.provider_url}/_admin/cards", json=body, timeout=5)
        response.raise_for_status()
        card = {"code": code, "amount": money(cents, self.currency)}
        return {**card, "pin": pin} if pin else card


def _tag() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(4))
