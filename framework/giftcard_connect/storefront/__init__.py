"""The local checkout page: a demo shop that pays its cart with gift cards through the Enabler.

It plays the merchant's storefront (and the part of commercetools Checkout that creates
the cart and the session): it holds the merchant's API client server-side and gives the
page only what a browser may see, the Checkout session id and the processor's URL. The
page loads the Enabler from the processor, as Checkout would, and reads the cart's
payments back through ``GET /api/checkout`` to show what was recorded.

Each browser gets its own cart through a signed cookie; without one it sees the page's
first cart. A checkout may come with demo cards (``cards``), which the page lists.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, render_template, request, session

from ..commercetools import CommercetoolsClient, CommercetoolsError
from ..journal import amount_paid, amount_still_to_pay, cart_total, net_paid
from ..payments.cart import EXPAND_PAYMENTS, CartPayments
from .messages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, MESSAGES, resolve_language

log = logging.getLogger(__name__)

NewCheckout = Callable[[], dict[str, Any]]


def create_app(
    *,
    commercetools: CommercetoolsClient,
    processor_url: str,
    new_checkout: NewCheckout,
    checkout: dict[str, Any] | None = None,
    enabler_url: str | None = None,
    declined_codes: Sequence[str] = (),
    any_balance_code: str | None = None,
) -> Flask:
    """The checkout page's Flask app.

    :param commercetools: a client with the merchant's credentials, to read carts and
        payments. It never reaches the page.
    :param processor_url: where the Enabler calls the processor (the session's
        ``processorUrl``).
    :param new_checkout: creates a cart and a Checkout session, answering at least
        ``{"cartId", "sessionId"}`` and optionally ``"cards"``, the demo cards for that cart
        (``[{"code", "amount", "pin"?}]``); called by the "New cart" button.
    :param checkout: the cart and session shown to a browser that has none yet; by default
        one is created on the first visit.
    :param enabler_url: the Enabler module; default ``{processor_url}/enabler/enabler.js``.
    :param declined_codes: codes the page names as declined on purpose.
    :param any_balance_code: a code pattern the page names as "any balance", if the
        provider has one.
    """
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        SESSION_COOKIE_NAME="storefront",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        JSON_SORT_KEYS=False,
    )
    processor_url = processor_url.rstrip("/")
    enabler_url = enabler_url or f"{processor_url}/enabler/enabler.js"
    processor_origin = _origin(processor_url)
    enabler_origin = _origin(enabler_url)
    first = {"checkout": None}
    cards: dict[str, list[dict[str, Any]]] = {}  # cart id → its demo cards
    lock = threading.RLock()

    def remember(made: dict[str, Any]) -> dict[str, str]:
        with lock:
            cards[made["cartId"]] = list(made.get("cards") or [])
        return _ids(made)

    if checkout:
        first["checkout"] = remember(checkout)

    def first_checkout() -> dict[str, str]:
        with lock:
            if first["checkout"] is None:
                first["checkout"] = remember(new_checkout())
            return first["checkout"]

    def describe(ids: dict[str, str]) -> dict[str, Any]:
        state = _describe(commercetools, ids, processor_url, _language())
        with lock:
            state["demoCards"] = cards.get(ids["cartId"], [])
        return state

    def current_checkout() -> dict[str, str]:
        return session.get("checkout") or first_checkout()

    @app.after_request
    def security_headers(response):
        sources = " ".join(sorted({"'self'", processor_origin, enabler_origin}))
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'none'; script-src {sources}; connect-src {sources}; "
            f"style-src {sources}; img-src 'self' data:; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")  # browsers without CSP 2
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    def page():
        language = resolve_language(request.args.get("locale"))
        messages = MESSAGES[language]
        return render_template(
            "checkout.html",
            language=language,
            languages=LANGUAGE_NAMES,
            m=messages,
            messages_json=json.dumps(messages, ensure_ascii=False),
            enabler_url=enabler_url,
            declined_codes=", ".join(declined_codes),
            any_balance_code=any_balance_code,
        )

    @app.get("/api/checkout")
    def read_checkout():
        """The cart, what is still to pay, and its payments with their transactions."""
        try:
            return jsonify(describe(current_checkout()))
        except CommercetoolsError as exc:
            if exc.status_code != 404 or "checkout" not in session:
                return _unavailable(exc)
        session.pop("checkout")  # a cart from an earlier run of the demo: show the first one
        try:
            return jsonify(describe(first_checkout()))
        except CommercetoolsError as exc:
            return _unavailable(exc)

    @app.post("/api/checkout")
    def create_checkout():
        """A new cart and Checkout session for this browser (the "New cart" button)."""
        if not request.is_json:  # a JSON body cannot be sent cross-site without CORS
            abort(415)
        try:
            ids = remember(new_checkout())
            session["checkout"] = ids
            return jsonify(describe(ids)), 201
        except CommercetoolsError as exc:
            return _unavailable(exc)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _ids(checkout: dict[str, Any]) -> dict[str, str]:
    return {"cartId": checkout["cartId"], "sessionId": checkout["sessionId"]}


def _language() -> str:
    return resolve_language(request.args.get("locale") or request.headers.get("Accept-Language"))


def _unavailable(exc: CommercetoolsError):
    log.warning("storefront: commercetools call failed: %r", exc)
    return jsonify(message="commercetools could not be reached", statusCode=502), 502


def _money(amount: dict[str, Any]) -> dict[str, Any]:
    return {
        "centAmount": amount["centAmount"],
        "currencyCode": amount["currencyCode"],
        "fractionDigits": amount.get("fractionDigits", 2),
    }


def _name(names: dict[str, str] | str, language: str) -> str:
    if isinstance(names, str):
        return names
    return names.get(language) or names.get(DEFAULT_LANGUAGE) or next(iter(names.values()), "")


def _describe(
    client: CommercetoolsClient, ids: dict[str, str], processor_url: str, language: str
) -> dict[str, Any]:
    cart = client.get_cart(ids["cartId"], expand=EXPAND_PAYMENTS)
    payments = CartPayments.expanded(cart).payments
    total = cart_total(cart)
    still = amount_still_to_pay(cart, payments)
    fraction_digits = total.fraction_digits
    items = [
        {
            "name": _name(item.get("name", {}), language),
            "quantity": item.get("quantity", 1),
            "unitPrice": _money(item.get("money") or item["price"]["value"]),
            "total": _money(item["totalPrice"]),
        }
        for item in [*cart.get("lineItems", []), *cart.get("customLineItems", [])]
    ]
    return {
        "cartId": cart["id"],
        "sessionId": ids["sessionId"],
        "processorUrl": processor_url,
        "currency": total.currency_code,
        "items": items,
        "total": {**total.to_dict(), "fractionDigits": fraction_digits},
        "paid": {**amount_paid(cart, payments).to_dict(), "fractionDigits": fraction_digits},
        "stillToPay": {**still.to_dict(), "fractionDigits": fraction_digits},
        "payments": [
            {
                "id": payment["id"],
                "key": payment.get("key"),
                "createdAt": payment.get("createdAt"),
                "amountPlanned": _money(payment["amountPlanned"]),
                "netPaid": {
                    "centAmount": net_paid(payment, total.currency_code),
                    "currencyCode": total.currency_code,
                    "fractionDigits": fraction_digits,
                },
                "paymentInterface": (payment.get("paymentMethodInfo") or {}).get("paymentInterface"),
                "method": (payment.get("paymentMethodInfo") or {}).get("method"),
                "interfaceId": payment.get("interfaceId"),
                "transactions": [
                    {
                        "id": transaction["id"],
                        "type": transaction["type"],
                        "state": transaction["state"],
                        "amount": _money(transaction["amount"]),
                        "timestamp": transaction.get("timestamp"),
                    }
                    for transaction in payment.get("transactions", [])
                ],
            }
            for payment in sorted(payments, key=lambda p: p.get("createdAt") or "")
        ],
    }
