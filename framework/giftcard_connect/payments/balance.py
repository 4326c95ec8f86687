"""Balance: what a gift card can pay of the session's cart."""

from __future__ import annotations

import threading

from cachetools import LRUCache

from ..auth.session import CheckoutSession
from ..errors import GiftCardError, ProviderUnavailable
from ..journal import cart_total
from ..models import Balance, GiftCard
from ..runtime import Runtime


class CartCurrencies:
    """The currency of carts seen before. A cart's currency never changes, so a balance
    check on a known cart asks only the provider; the cache is bounded (least recently
    used carts are forgotten first)."""

    def __init__(self, maxsize: int = 10_000):
        self._cache: LRUCache = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    def get(self, cart_id: str) -> str | None:
        with self._lock:
            return self._cache.get(cart_id)

    def remember(self, cart_id: str, currency: str) -> str:
        with self._lock:
            self._cache[cart_id] = currency
        return currency


def ensure_connector_currency(runtime: Runtime, currency: str) -> None:
    """One deployment serves one currency; anything else is CurrencyNotMatch."""
    if currency != runtime.settings.currency:
        raise GiftCardError(
            "CurrencyNotMatch",
            "CurrencyNotMatch",
            f"This gift card connector accepts {runtime.settings.currency}, not {currency}.",
        )


def check_balance(runtime: Runtime, session: CheckoutSession, card: GiftCard) -> Balance:
    """The usable balance of ``card`` for the session's cart.

    The cart's currency comes from the cache of known carts, or the cart is read beside
    the provider call: a balance moves no money, so the provider need not wait for the
    cart. Raises GiftCardError for every state other than Valid, ProviderUnavailable when
    the provider cannot answer.
    """
    known = runtime.cart_currencies.get(session.cart_id)
    if known is not None:
        ensure_connector_currency(runtime, known)
        balance = runtime.provider.balance(card)
    else:
        balance = _balance_beside_cart(runtime, session.cart_id, card)
    ensure_connector_currency(runtime, balance.amount.currency_code)
    if balance.amount.cent_amount <= 0:
        raise GiftCardError("ZeroBalance", "ZeroBalance", "The gift card has no balance left.")
    return balance


def _balance_beside_cart(runtime: Runtime, cart_id: str, card: GiftCard) -> Balance:
    reading = runtime.in_parallel(
        lambda: runtime.cart_currencies.remember(
            cart_id, cart_total(runtime.commercetools.get_cart(cart_id)).currency_code
        )
    )
    try:
        balance = runtime.provider.balance(card)
    except (GiftCardError, ProviderUnavailable):
        ensure_connector_currency(runtime, reading.result())  # the cart's answer comes first
        raise
    ensure_connector_currency(runtime, reading.result())
    return balance
