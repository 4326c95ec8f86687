"""The local demo: emulator, mock provider and processor on loopback, with a ready session."""

from __future__ import annotations

import functools
import json
import secrets
import shlex
from dataclasses import dataclass, field
from typing import Any

from .app import create_app
from .commercetools import CommercetoolsClient
from .config import PROCESSOR_SCOPES
from .emulator import create_app as create_emulator_app
from .errors import ConfigurationError
from .servers import BackgroundServer
from .storefront import create_app as create_storefront_app

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
            "the demo needs the mock provider: pip install giftcard-connect-mock"
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
) -> DemoStack:
    """Start the three services, create a demo cart and a Checkout session, then the
    local checkout page (the storefront) that pays it through the Enabler."""
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
    try:
        emulator = BackgroundServer(emulator_app, host, emulator_port, "emulator").start()
        stack.servers.append(emulator)
        provider = BackgroundServer(_mock_provider_app(), host, provider_port, "mock-provider")
        stack.servers.append(provider.start())
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
                "GIFTCARD_PROVIDER": "mock",
                "GIFTCARD_CURRENCY": currency,
                "GIFTCARD_MOCK_URL": provider.url,
            }
        )
        processor_server = BackgroundServer(processor_app, host, processor_port, "processor")
        stack.servers.append(processor_server.start())
        merchant_client = _merchant_client(emulator.url, project_key, merchant)
        new_checkout = functools.partial(
            _create_checkout, merchant_client, currency, processor_server.url
        )
        stack.info = new_checkout()
        storefront_app = create_storefront_app(
            commercetools=merchant_client,
            processor_url=processor_server.url,
            new_checkout=new_checkout,
            checkout=stack.info,
        )
        storefront = BackgroundServer(storefront_app, host, storefront_port, "storefront")
        stack.servers.append(storefront.start())
        stack.info.update(
            storefrontUrl=storefront.url,
            emulatorUrl=emulator.url,
            providerUrl=provider.url,
            processorUrl=processor_server.url,
            projectKey=project_key,
            clientId=merchant["clientId"],
            clientSecret=merchant["secret"],
            currency=currency,
        )
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


def _create_checkout(client: CommercetoolsClient, currency, processor_url) -> dict:
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
            "paymentInterface": "mock",
            "allowedPaymentMethods": ["giftcard"],
        },
    )
    return {
        "cartId": cart["id"],
        "cartTotal": cart["totalPrice"],
        "sessionId": session["id"],
    }


def walkthrough(info: dict[str, Any]) -> str:
    """Copy-paste curl commands against the running demo."""
    url, session = info["processorUrl"], info["sessionId"]
    currency = info["currency"]

    def post(path: str, body: str, *headers: str) -> str:
        extra = "".join(f" -H {shlex.quote(header)}" for header in headers)
        return (
            f"curl -s -X POST {url}{path} -H 'Content-Type: application/json' "
            f"-H 'X-Session-Id: {session}'{extra} -d {shlex.quote(body)}"
        )

    redeem = f'{{"code":"Valid-5000-{currency}","redeemAmount":{{"centAmount":2000,"currencyCode":"{currency}"}}}}'

    return "\n".join(
        [
            "# What the Enabler needs to know (PIN field, currency):",
            f"curl -s {url}/operations/config -H 'X-Session-Id: {session}'",
            "# Balance of a valid card (magic code Valid-<cents>-<currency>):",
            post("/balance", f'{{"code":"Valid-5000-{currency}"}}'),
            "# Pay 20.00 of the cart with it (repeat it: the Idempotency-Key makes it charge once):",
            post("/redeem", redeem, "Idempotency-Key: demo-submit-1"),
            "# The card now has 30.00 left:",
            post("/balance", f'{{"code":"Valid-5000-{currency}"}}'),
            "# An expired card:",
            post("/balance", '{"code":"Expired"}'),
            "",
            OPERATIONS_HEADING,
            *_operations(info, post("/redeem", redeem, "Idempotency-Key: demo-submit-1")),
        ]
    )


OPERATIONS_HEADING = "# Checkout's side (OAuth token of the merchant): refund 5.00 of that payment"


def _operations(info: dict[str, Any], redeem_again: str) -> list[str]:
    """Checkout's and the Merchant Center's calls, as one copy-paste shell block."""
    emulator, url, currency = info["emulatorUrl"], info["processorUrl"], info["currency"]
    field = "python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])'"
    credentials = shlex.quote(f"{info['clientId']}:{info['clientSecret']}")
    refund = json.dumps({"actions": [{
        "action": "refundPayment",
        "amount": {"centAmount": 500, "currencyCode": currency},
        "merchantReference": "demo-refund-1",
    }]}, separators=(",", ":"))
    return [
        f"TOKEN=$(curl -s -u {credentials} -d grant_type=client_credentials "
        f"{emulator}/oauth/token | {field} access_token)",
        f"PAYMENT=$({redeem_again} | {field} paymentReference)",
        f"curl -s -X POST {url}/operations/payment-intents/$PAYMENT "
        f"-H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' "
        f"-d {shlex.quote(refund)}",
        "# The Merchant Center's status view (a JWT from the emulator's dev issuer):",
        f"JWT=$(curl -s -X POST {emulator}/_emulator/jwt -H 'Content-Type: application/json' "
        f"-d '{{}}' | {field} token)",
        f"curl -s {url}/operations/status -H \"Authorization: Bearer $JWT\"",
    ]


def describe(info: dict[str, Any]) -> str:
    """The demo's banner: URLs, credentials, ids, then the walkthrough."""
    total = info["cartTotal"]
    lines = [
        "giftcard-connect demo is running (Ctrl-C stops it)",
        f"  checkout page:  {info['storefrontUrl']}  <- open this in a browser",
        f"  processor:      {info['processorUrl']}",
        f"  mock provider:  {info['providerUrl']}",
        f"  commercetools:  {info['emulatorUrl']} (emulator)",
        f"  project key:    {info['projectKey']}",
        f"  client id:      {info['clientId']}",
        f"  client secret:  {info['clientSecret']}",
        f"  cart id:        {info['cartId']} "
        f"(total {total['centAmount']} {total['currencyCode']} in cents)",
        f"  session id:     {info['sessionId']}",
        "",
        walkthrough(info),
    ]
    return "\n".join(lines)
