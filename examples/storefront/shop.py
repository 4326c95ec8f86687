"""An example shop server: a gift card payment in a plain merchant page, outside Checkout.

The page (``static/index.html`` and ``static/checkout.js``) shows the Enabler's gift card
fields. Before it can, this server does what commercetools Checkout does: it takes the
shopper's cart (or creates a sample one) and creates a Checkout session for it, naming
the processor (``processorUrl``) and the payment interface the processor records
(``paymentInterface``). The browser gets the session id and the processor's URL, never
the API client's credentials, which stay in this process.

Run it from this directory with ``flask --app shop run``; README.md lists the settings.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from giftcard_connect.commercetools import CommercetoolsClient, CommercetoolsError
from giftcard_connect.errors import ApiError, ConfigurationError
from giftcard_connect.journal import cart_total
from giftcard_connect.models import Money
from giftcard_connect.payments.cart import EXPAND_PAYMENTS, CartPayments

log = logging.getLogger("shop")

HERE = Path(__file__).resolve().parent
REQUIRED = (
    "CTP_PROJECT_KEY",
    "CTP_CLIENT_ID",
    "CTP_CLIENT_SECRET",
    "CTP_AUTH_URL",
    "CTP_API_URL",
    "CTP_SESSION_URL",
    "PROCESSOR_URL",
    "PAYMENT_INTERFACE",
)
CART_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
SAMPLE_CART = (("Loose-leaf tea, 250 g", 1450, 2), ("Ceramic teapot", 3100, 1))


@dataclass(frozen=True)
class ShopSettings:
    """The shop's commercetools API client, and where the browser reaches the processor."""

    project_key: str
    client_id: str
    client_secret: str = field(repr=False)
    auth_url: str
    api_url: str
    session_url: str
    processor_url: str
    payment_interface: str
    currency: str = "EUR"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ShopSettings:
        """Read the settings README.md lists; name every one that is missing or wrong."""
        missing = [name for name in REQUIRED if not env.get(name, "").strip()]
        if missing:
            raise ConfigurationError(f"the shop needs {', '.join(missing)} (see README.md)")
        processor_url = env["PROCESSOR_URL"].strip().rstrip("/")
        parts = urlsplit(processor_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError("PROCESSOR_URL must be an http(s) URL, e.g. https://pay.example")
        currency = env.get("SHOP_CURRENCY", "EUR").strip()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise ConfigurationError("SHOP_CURRENCY must be a three-letter code such as EUR")
        return cls(
            project_key=env["CTP_PROJECT_KEY"].strip(),
            client_id=env["CTP_CLIENT_ID"].strip(),
            client_secret=env["CTP_CLIENT_SECRET"].strip(),
            auth_url=env["CTP_AUTH_URL"].strip(),
            api_url=env["CTP_API_URL"].strip(),
            session_url=env["CTP_SESSION_URL"].strip(),
            processor_url=processor_url,
            payment_interface=env["PAYMENT_INTERFACE"].strip(),
            currency=currency,
        )

    @property
    def processor_origin(self) -> str:
        parts = urlsplit(self.processor_url)
        return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(processor_origin: str) -> str:
    """Scripts and styles only from the shop and the processor (the Enabler), nothing inline."""
    sources = f"'self' {processor_origin}"
    return (
        f"default-src 'none'; script-src {sources}; style-src {sources}; "
        f"connect-src {sources}; img-src data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'"
    )


def create_app(config: Mapping[str, str] | None = None) -> Flask:
    """The shop's Flask app; settings from ``config``, else from the environment."""
    settings = ShopSettings.from_env(os.environ if config is None else config)
    commercetools = CommercetoolsClient(
        project_key=settings.project_key,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        auth_url=settings.auth_url,
        api_url=settings.api_url,
        session_url=settings.session_url,
    )
    app = Flask(__name__, root_path=str(HERE))
    policy = content_security_policy(settings.processor_origin)

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"  # a session id is in the answer
        return response

    @app.get("/")
    def page():
        return app.send_static_file("index.html")

    @app.post("/api/checkout-session")
    def create_checkout_session():
        """A Checkout session for the cart in the body (``{"cartId"}``), or for a new
        sample cart (``{}``): what the page needs to load the Enabler."""
        cart_id = requested_cart_id()
        if cart_id:
            cart = commercetools.get_cart(cart_id, expand=EXPAND_PAYMENTS)
        else:
            cart = commercetools.create_cart(sample_cart(settings.currency))
        still_to_pay = payable(cart)
        session = commercetools.create_session(
            cart["id"],
            {
                "processorUrl": settings.processor_url,
                "paymentInterface": settings.payment_interface,
                "allowedPaymentMethods": ["giftcard"],
            },
        )
        log.info("Checkout session created for cart %s", cart["id"])
        total = cart_total(cart)
        digits = {"fractionDigits": total.fraction_digits}
        return jsonify(
            sessionId=session["id"],
            processorUrl=settings.processor_url,
            cart={
                "id": cart["id"],
                "total": {**total.to_dict(), **digits},
                "stillToPay": {**still_to_pay.to_dict(), **digits},
            },
        ), 201

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return jsonify(exc.to_dict()), exc.status_code

    @app.errorhandler(CommercetoolsError)
    def commercetools_error(exc: CommercetoolsError):
        if exc.status_code == 404 and "ResourceNotFound" in exc.codes:
            missing = ApiError(404, "ResourceNotFound", "There is no cart with this cartId.")
            return api_error(missing)
        # Wrong credentials or scopes, or commercetools unreachable: the operator's to fix.
        log.error("commercetools call failed: %s", exc)
        return api_error(
            ApiError(503, "ServiceUnavailable", "The Checkout session could not be created.")
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = "ResourceNotFound" if exc.code == 404 else exc.name.replace(" ", "")
        allow = {k: v for k, v in exc.get_headers() if k == "Allow"}  # with a 405
        body, status = api_error(ApiError(exc.code or 500, code, exc.description))
        return body, status, allow

    return app


def requested_cart_id() -> str | None:
    """The ``cartId`` of the JSON body, if any.

    A JSON body also keeps other sites' forms out: a cross-site request with
    ``Content-Type: application/json`` needs a CORS preflight, which this server never grants.
    In a real shop, also check that the cart is this shopper's before creating a session.
    """
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise ApiError(
            400,
            "InvalidJsonInput",
            "The body must be a JSON object (Content-Type: application/json).",
        )
    unknown = sorted(set(body) - {"cartId"})
    if unknown:
        message = f"Unknown field '{unknown[0]}'; the body takes only cartId."
        raise ApiError(400, "InvalidInput", message)
    cart_id = body.get("cartId")
    if cart_id is not None and not (isinstance(cart_id, str) and CART_ID.fullmatch(cart_id)):
        raise ApiError(400, "InvalidField", "cartId must be a cart's id.", field="cartId")
    return cart_id


def sample_cart(currency: str) -> dict[str, Any]:
    """A CartDraft for an anonymous shopper: the stand-in for the cart your shop builds."""
    return {
        "currency": currency,
        "anonymousId": str(uuid.uuid4()),
        "customLineItems": [
            {
                "name": {"en": name},
                "money": {"centAmount": price, "currencyCode": currency},
                "quantity": quantity,
                "slug": f"sample-{index}",
            }
            for index, (name, price, quantity) in enumerate(SAMPLE_CART)
        ],
    }


def payable(cart: dict[str, Any]) -> Money:
    """What the cart still has to pay (its payments must be expanded); a cart that is
    ordered or paid in full gets no session."""
    if cart.get("cartState", "Active") != "Active":
        raise ApiError(400, "InvalidOperation", "The cart is not active any more.")
    still_to_pay = CartPayments.expanded(cart).still_to_pay
    if still_to_pay.cent_amount <= 0:
        raise ApiError(400, "InvalidOperation", "The cart is paid in full.")
    return still_to_pay
