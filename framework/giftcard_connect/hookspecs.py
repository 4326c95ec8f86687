"""The plugin contract: the hooks a gift card provider plugin implements.

This is the one file a provider author must read. Every hook takes keyword arguments;
an implementation may accept any subset of them. Never give an implementation's
arguments default values: pluggy does not pass arguments that have defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import pluggy

if TYPE_CHECKING:
    from .models import (
        Balance,
        Cancellation,
        GiftCard,
        HealthCheck,
        Money,
        ProviderContext,
        ProviderInfo,
        Redemption,
        VoidResult,
    )

PROJECT_NAME = "giftcard_connect"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

PROVIDER_HOOKS = (
    "giftcard_provider_info",
    "giftcard_balance",
    "giftcard_redeem",
    "giftcard_cancel",
    "giftcard_void",
    "giftcard_health",
)

# ---------------------------------------------------------------------------
# Provider hooks: exactly one implementation (the active provider); the first
# non-None result is used. Returning None is a plugin bug and is reported as such.
# ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def giftcard_provider_info(config: "Mapping[str, str]") -> "ProviderInfo":
    """Describe the provider, and check its settings.

    Called once when the application starts, and its answer is cached; sent (in part) to
    the Enabler by ``GET /operations/config``.

    :param config: the provider's settings, as ``ProviderContext.config``. Raise
        ``ConfigurationError`` naming the variable when a required one is missing, so
        that the processor refuses to start instead of failing at the first payment.

    :return: a :class:`~giftcard_connect.models.ProviderInfo`: the provider's name, the
        currencies it can redeem in, whether a PIN is ``"none"``, ``"optional"`` or
        ``"required"``, and whether ``giftcard_cancel`` accepts partial amounts.
    """


@hookspec(firstresult=True)
def giftcard_balance(card: "GiftCard", context: "ProviderContext") -> "Balance":
    """Look up the balance of a gift card.

    Called for ``POST /balance``. Must not change anything at the provider.

    :param card: the code and optional PIN; never log or echo them.
    :param context: the provider's config, a pooled HTTP session and the timeouts to use.
    :return: a :class:`~giftcard_connect.models.Balance` for a usable card.
    :raises GiftCardError: the card cannot be used, with ``state`` one of ``NotFound``,
        ``Expired``, ``ZeroBalance``, ``CurrencyNotMatch``, ``Invalid``, ``GenericError``.
    :raises ProviderUnavailable: the provider could not answer (timeout, 5xx, bad body).
    """


@hookspec(firstresult=True)
def giftcard_redeem(
    card: "GiftCard", amount: "Money", reference: str, context: "ProviderContext"
) -> "Redemption":
    """Charge ``amount`` to the gift card.

    Called for ``POST /redeem`` after the framework has recorded a Pending charge in
    commercetools. ``reference`` is the framework's id for this charge: send it to the
    provider as its idempotency key / merchant transaction id, unchanged on every retry,
    so that a repeated call never charges twice and ``giftcard_void`` can find it.

    :return: a :class:`~giftcard_connect.models.Redemption` with the provider's id.
    :raises GiftCardError: a definite decline; nothing was charged.
    :raises ProviderUnavailable: the outcome is unknown (timeout, connection error, 5xx);
        the framework then calls ``giftcard_void(reference)``.
    """


@hookspec(firstresult=True)
def giftcard_cancel(
    redemption_id: str, amount: "Money", reference: str, context: "ProviderContext"
) -> "Cancellation":
    """Give back ``amount`` of a completed redemption (refund or reverse).

    Called for the ``refundPayment`` and ``reversePayment`` operations. ``amount`` may be
    less than the redemption when ``ProviderInfo.supports_partial_cancel`` is true.
    ``reference`` identifies this cancellation; repeated calls with the same reference
    must not give back twice.

    :return: a :class:`~giftcard_connect.models.Cancellation`.
    :raises GiftCardError: the provider refused; nothing was given back.
    :raises ProviderUnavailable: the outcome is unknown.
    """


@hookspec(firstresult=True)
def giftcard_void(reference: str, context: "ProviderContext") -> "VoidResult":
    """Undo whatever the redeem identified by ``reference`` did, if anything.

    Called when a redeem's outcome is unknown, when recording a success in commercetools
    failed (compensation), by ``giftcard-connect reconcile``, and for ``cancelPayment``.
    Must be idempotent and must succeed (``voided=False``) when nothing was redeemed, and
    should make a later redeem with the same reference fail.

    :return: a :class:`~giftcard_connect.models.VoidResult` once the provider confirmed,
        with the amount given back.
    :raises GiftCardError: the provider refuses to void (e.g. past its void window); for
        ``cancelPayment`` this is a ``rejected`` outcome.
    :raises ProviderUnavailable: the void could not be confirmed; it will be retried.
    """


@hookspec(firstresult=True)
def giftcard_health(context: "ProviderContext") -> "HealthCheck":
    """Check that the provider's API can be reached with the configured credentials.

    Called for ``GET /operations/status``, bounded by the context's timeout.

    :return: a :class:`~giftcard_connect.models.HealthCheck`; details must hold neither
        secrets nor provider data (no balances, no card data).
    """


# ---------------------------------------------------------------------------
# Optional provider hooks: not in PROVIDER_HOOKS, so a provider may leave them out.
# ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def giftcard_enabler_directory() -> "str | None":
    """A directory of static files served by the processor at ``/enabler/provider/``.

    Optional: return None (or leave the hook out) to use the base Enabler unchanged.
    The directory's ``enabler.js`` may ``import { Enabler } from "../enabler.js"`` and
    extend it (other fields, other texts); Checkout then loads
    ``{processorUrl}/enabler/provider/enabler.js``. Only ``.js``, ``.mjs``, ``.css``,
    ``.json``, ``.svg``, ``.png`` and ``.woff2`` files are served, with the same cache and
    CORS headers as the base Enabler. Called per request; keep it cheap.

    :return: an absolute path to an existing directory, or None.
    """


# ---------------------------------------------------------------------------
# Observer hooks: every implementation is called; return values are ignored.
# An exception in an observer is logged and never changes a money outcome.
# ---------------------------------------------------------------------------


@hookspec
def giftcard_payment_recorded(payment: dict[str, Any], transaction: dict[str, Any]) -> None:
    """A transaction reached its final state (``Success`` or ``Failure``) in commercetools.

    Called once per final transaction state, after commercetools accepted it: for audit
    logs, metrics or webhooks.

    :param payment: the commercetools Payment as stored.
    :param transaction: the transaction in it that became final.
    """
