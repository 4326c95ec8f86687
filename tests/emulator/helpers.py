"""Shared data builders for the emulator tests."""

from __future__ import annotations

import base64

CLIENTS = {
    "admin": {"secret": "admin-secret", "scope": "manage_project:demo"},
    "processor": {"secret": "processor-secret",
                  "scope": "manage_payments:demo manage_orders:demo view_sessions:demo "
                           "introspect_oauth_tokens:demo"},
    "checkout": {"secret": "checkout-secret", "scope": "manage_sessions:demo"},
    "shop": {"secret": "shop-secret", "scope": "manage_orders:demo"},
    "viewer": {"secret": "viewer-secret",
               "scope": "view_payments:demo view_orders:demo view_sessions:demo"},
    "stranger": {"secret": "stranger-secret", "scope": "manage_project:other"},
}


def basic(client_id: str, secret: str | None = None) -> dict:
    secret = CLIENTS[client_id]["secret"] if secret is None else secret
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def money(cents: int, currency: str = "EUR") -> dict:
    return {"centAmount": cents, "currencyCode": currency}


def cart_draft(*prices: tuple[int, int], currency: str = "EUR", **extra) -> dict:
    items = [{"name": {"en": f"item {i}"}, "money": money(cents, currency), "quantity": qty,
              "slug": f"item-{i}"} for i, (cents, qty) in enumerate(prices)]
    return {"currency": currency, "customLineItems": items, **extra}


def payment_draft(cents: int = 1000, **extra) -> dict:
    return {"amountPlanned": money(cents),
            "paymentMethodInfo": {"paymentInterface": "mock", "method": "giftcard"}, **extra}


class Api:
    """The test client with a bearer token attached to every call."""

    def __init__(self, client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(path, json=json, headers=self.headers, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.client.delete(path, headers=self.headers, **kwargs)
