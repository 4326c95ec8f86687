"""The local demo: emulator, provider and processor on loopback, a checkout page, and a
cart with its own Checkout session for the printed curl walkthrough.

With the mock provider (the default) the demo also runs the mock provider service and
gives every cart new demo cards. With any other installed provider it runs no provider
service: the plugin reads its own settings (``GIFTCARD_<PROVIDER>_*``) from the
environment and ``.env``, and talks to its sandbox.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, field
from typing import Any

from ..app import create_app
from ..commercetools import CommercetoolsClient
from ..config import PROCESSOR_SCOPES
from ..emulator import create_app as create_emulator_app
from ..errors import ConfigurationError
from ..servers import BackgroundServer
from ..storefront import create_app as create_storefront_app
from .banner import OPERATIONS_HEADING, describe, walkthrough
from .cards import MockCards

__all__ = ["OPERATIONS_HEADING", "DemoStack", "describe", "start_demo", "walkthrough"]

MOCK = "mock"
DEMO_CART_ITEMS = (
    ("Loose-leaf tea, 250 g", 1450, 2),
    ("Ceramic teapot", 3100, 1),
)


@dataclass
class DemoStack:
    """The running demo: its servers and what a person needs to use it."""

    servers: list[BackgroundServer]
    info: dict[str, Any] = field(default_factory=dict)

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()


def _mock_provider_app():
    try:
        from giftcard_connect_mock.service import create_app as create_mock_app
    except ImportError:
        raise ConfigurationError(
            "the demo's default provider is the mock: pip install -e plugins/mock "
            "(or choose an installed provider with --provider NAME)"
        ) from None
    return create_mock_app()


def start_demo(
    *,
    host: str = "127.0.0.1",
    emulator_port: int = 0,
    provider_port: int = 0,
    processor_port: int = 0,
    storefront_port: int = 0,
    project_key: str = "demo",
    currency: str = "EUR",
    provider: str = MOCK,
    access_log: bool = False,
) -> DemoStack:
    """Start the services, create a cart and a Checkout session for the terminal's
    walkthrough, then the local checkout page (the storefront), which makes its own."""
    merchant = {"clientId": "merchant", "secret": secrets.token_urlsafe(24)}
    processor = {"clientId": "processor", "secret": secrets.token_urlsafe(24)}
    emulator_app = create_emulator_app(
        {
            "PROJECT_KEY": project_key,
            "CLIENTS": {
                merchant["clientId"]: {
                    "secret": merchant["secret"],
                    "scope": f"manage_project:{project_key}",
                },
                processor["clientId"]: {
                    "secret": processor["secret"],
                    "scope": " ".join(f"{s}:{project_key}" for s in PROCESSOR_SCOPES),
                },
            },
        }
    )
    stack = DemoStack(servers=[])

    def serve(app, port: int, name: str) -> BackgroundServer:
        server = BackgroundServer(app, host, port, name, access_log=access_log)
        stack.servers.append(server.start())
        return server

    try:
        emulator = serve(emulator_app, emulator_port, "emulator")
        provider_settings, cards = {}, None
        if provider == MOCK:
            mock = serve(_mock_provider_app(), provider_port, "mock-provider")
            provider_settings = {"GIFTCARD_MOCK_URL": mock.url}
            cards = MockCards(mock.url, currency)
        # The checkout page's address comes first: the processor allows only its origin.
        storefront = BackgroundServer(None, host, storefront_port, "storefront",
                                      access_log=access_log)
        stack.servers.append(storefront)
        processor_app = create_app(
            {
                "CTP_PROJECT_KEY": project_key,
                "CTP_CLIENT_ID": processor["clientId"],
                "CTP_CLIENT_SECRET": processor["secret"],
                "CTP_AUTH_URL": emulator.url,
                "CTP_API_URL": emulator.url,
                "CTP_SESSION_URL": emulator.url + "/",
                "CTP_JWKS_URL": emulator.url + "/.well-known/jwks.json",
                "CTP_JWT_ISSUER": emulator.url,
                "GIFTCARD_PROVIDER": provider,
                "GIFTCARD_CURRENCY": currency,
                "GIFTCARD_ACCESS_LOG": "true" if access_log else "false",
                "GIFTCARD_ALLOWED_ORIGINS": storefront.url,
                **provider_settings,
            }
        )
        processor_server = serve(processor_app, processor_port, "processor")
        merchant_client = _merchant_client(emulator.url, project_key, merchant)
        new_checkout = functools.partial(
            _create_checkout,
            merchant_client,
            currency,
            processor_server.url,
            processor_app.extensions["giftcard_connect"].settings.payment_interface,
        )
        terminal = new_checkout()
        if cards:
            terminal["card"] = cards.for_terminal()

        def page_checkout() -> dict:
            """A cart for the checkout page, with demo cards of its own when they are known."""
            checkout = new_checkout()
            if cards:
                checkout["cards"] = cards.for_page()
            return checkout

        storefront.app = create_storefront_app(
            commercetools=merchant_client,
            processor_url=processor_server.url,
            new_checkout=page_checkout,
            declined_codes=cards.declined_codes() if cards else (),
            any_balance_code=cards.any_balance_code() if cards else None,
        )
        storefront.start()
        stack.info = {
            "storefrontUrl": storefront.url,
            "processorUrl": processor_server.url,
            "emulatorUrl": emulator.url,
            **({"providerUrl": provider_settings["GIFTCARD_MOCK_URL"]} if cards else {}),
            "provider": provider,
            "projectKey": project_key,
            "clientId": merchant["clientId"],
            "clientSecret": merchant["secret"],
            "currency": currency,
            "walkthrough": terminal,
        }
        if cards:
            stack.info["declinedCodes"] = cards.declined_codes()
    except BaseException:
        stack.stop()
        raise
    return stack


def _merchant_client(emulator_url, project_key, merchant) -> CommercetoolsClient:
    return CommercetoolsClient(
        project_key=project_key,
        client_id=merchant["clientId"],
        client_secret=merchant["secret"],
        auth_url=emulator_url,
        api_url=emulator_url,
        session_url=emulator_url,
    )


def _create_checkout(
    client: CommercetoolsClient, currency: str, processor_url: str, payment_interface: str
) -> dict:
    """What commercetools Checkout does before loading the Enabler: a cart and a session."""
    cart = client.create_cart(
        {
            "currency": currency,
            "anonymousId": "demo-shopper",
            "customLineItems": [
                {
                    "name": {"en": name},
                    "money": {"centAmount": price, "currencyCode": currency},
                    "quantity": quantity,
                    "slug": f"item-{index}",
                }
                for index, (name, price, quantity) in enumerate(DEMO_CART_ITEMS)
            ],
        }
    )
    session = client.create_session(
        cart["id"],
        {
            "processorUrl": processor_url,
            "paymentInterface": payment_interface,
            "allowedPaymentMethods": ["giftcard"],
        },
    )
    return {
        "cartId": cart["id"],
        "cartTotal": cart["totalPrice"],
        "sessionId": session["id"],
    }
