"""Balance: what a gift card can pay of the session's cart."""

from __future__ import annotations

from ..auth.session import CheckoutSession
from ..errors import GiftCardError
from ..journal import cart_total
from ..models import Balance, GiftCard
from ..runtime import Runtime


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

    Raises GiftCardError for every state other than Valid, ProviderUnavailable when the
    provider cannot answer.
    """
    cart = runtime.commercetools.get_cart(session.cart_id)
    ensure_connector_currency(runtime, cart_total(cart).currency_code)
    balance = runtime.provider.balance(card)
    ensure_connector_currency(runtime, balance.amount.currency_code)
    if balance.amount.cent_amount <= 0:
        raise GiftCardError("ZeroBalance", "ZeroBalance", "The gift card has no balance left.")
    return balance
