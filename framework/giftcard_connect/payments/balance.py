"""Balance: what a gift card can pay of the session's cart."""

from __future__ import annotations

from ..auth.session import CheckoutSession
from ..errors import GiftCardError, ProviderUnavailable
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

    The cart (for its currency) and the provider are asked at once: a balance moves no
    money, so the provider need not wait for the cart. Raises GiftCardError for every
    state other than Valid, ProviderUnavailable when the provider cannot answer.
    """
    reading = runtime.in_parallel(lambda: runtime.commercetools.get_cart(session.cart_id))

    def check_cart() -> None:  # a cart that cannot be read or paid here comes first
        ensure_connector_currency(runtime, cart_total(reading.result()).currency_code)

    try:
        balance = runtime.provider.balance(card)
    except (GiftCardError, ProviderUnavailable):
        check_cart()
        raise
    check_cart()
    ensure_connector_currency(runtime, balance.amount.currency_code)
    if balance.amount.cent_amount <= 0:
        raise GiftCardError("ZeroBalance", "ZeroBalance", "The gift card has no balance left.")
    return balance
