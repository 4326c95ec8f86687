"""A storefront written only against the established Enabler contract, on its own origin.

The shop page below knows ``new Enabler({processorUrl, sessionId, onComplete, onError})``,
``createGiftCardBuilder()``, ``build()``, ``mount()``, ``balance()`` and ``submit({amount})``
and nothing else of this project. Such storefronts treat ``onComplete`` as "the payment
has an answer" and ``onError`` as "something broke": a declined card must therefore reach
``onComplete`` with ``isSuccess`` false, and only an outage ``onError``.
"""

from __future__ import annotations

import pytest
import requests
from flask import Flask, Response
from playwright.sync_api import Route, expect

from giftcard_connect.app import create_app
from giftcard_connect.commercetools import CommercetoolsClient
from giftcard_connect.servers import BackgroundServer

from .conftest import demo_processor_settings, path_of

pytestmark = pytest.mark.browser

SHOP_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><title>Contract shop</title><script type="module" src="/shop.js"></script>
</head>
<body><main><h1>Pay with a gift card</h1><div id="giftcard"></div></main></body>
</html>
"""

# Only the established contract: what a storefront written for the upstream template does.
SHOP_SCRIPT = """
window.shopEvents = [];
window.startShop = async ({ enablerUrl, processorUrl, sessionId }) => {
  const { Enabler } = await import(enablerUrl);
  const enabler = new Enabler({
    processorUrl,
    sessionId,
    onComplete: (result) => window.shopEvents.push({ event: "onComplete", ...result }),
    onError: (error) => window.shopEvents.push({ event: "onError", ...error }),
  });
  const builder = await enabler.createGiftCardBuilder();
  window.shopComponent = builder.build({});
  window.shopComponent.mount("#giftcard");
};
window.shopBalance = () => window.shopComponent.balance();
window.shopPay = (amount) => window.shopComponent.submit({ amount });
"""


def shop_app() -> Flask:
    app = Flask("contract-shop")
    app.add_url_rule("/", "page", lambda: Response(SHOP_PAGE, mimetype="text/html"))
    app.add_url_rule(
        "/shop.js", "script", lambda: Response(SHOP_SCRIPT, mimetype="text/javascript")
    )
    return app


def outage_app() -> Flask:
    """A gift card provider that is down: every call answers 503."""
    app = Flask("provider-outage")

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE"])
    def down(path):
        return {"error": {"code": "Unavailable", "message": "down for maintenance"}}, 503

    return app


@pytest.fixture(scope="module")
def shop_server():
    with BackgroundServer(shop_app(), name="contract-shop") as server:
        yield server


def processor_app(info: dict, shop_url: str, provider_url: str):
    """A processor that allows only the shop's origin (not ``*``)."""
    return create_app(demo_processor_settings(
        info, GIFTCARD_MOCK_URL=provider_url, GIFTCARD_PROVIDER_TIMEOUT="2",
        GIFTCARD_ALLOWED_ORIGINS=shop_url,
    ))


@pytest.fixture(scope="module")
def processor(demo, shop_server):
    app = processor_app(demo, shop_server.url, demo["providerUrl"])
    with BackgroundServer(app, name="contract-processor") as server:
        yield server


@pytest.fixture(scope="module")
def processor_without_provider(demo, shop_server):
    with BackgroundServer(outage_app(), name="provider-outage") as provider:
        app = processor_app(demo, shop_server.url, provider.url)
        with BackgroundServer(app, name="contract-processor-outage") as server:
            yield server


@pytest.fixture
def merchant(demo):
    client = CommercetoolsClient(
        project_key=demo["projectKey"],
        client_id=demo["clientId"],
        client_secret=demo["clientSecret"],
        auth_url=demo["emulatorUrl"],
        api_url=demo["emulatorUrl"],
        session_url=demo["emulatorUrl"],
    )
    yield client
    client.close()


class Shop:
    """The contract shop in a fresh browser context, with a new cart and Checkout session."""

    def __init__(self, page, demo: dict):
        self.page = page
        self.demo = demo
        self.page_errors: list = []
        self.responses: list = []
        page.on("pageerror", lambda error: self.page_errors.append(error))
        page.on("response", lambda response: self.responses.append(response))
        created = requests.post(f"{demo['storefrontUrl']}/api/checkout", json={}, timeout=10)
        assert created.status_code == 201, created.text
        self.checkout = created.json()

    def start(self, processor_url: str, enabler_base: str) -> Shop:
        self.page.evaluate(
            "(options) => window.startShop(options)",
            {
                "enablerUrl": f"{enabler_base}/enabler/enabler.js",
                "processorUrl": processor_url,
                "sessionId": self.checkout["sessionId"],
            },
        )
        expect(self.code).to_be_visible()
        return self

    @property
    def code(self):
        return self.page.get_by_label("Gift card code")

    @property
    def message(self):
        return self.page.locator("#giftcard [aria-live]")

    def balance(self, code: str) -> dict:
        self.code.fill(code)
        return self.page.evaluate("() => window.shopBalance()")

    def pay(self, cents: int) -> dict:
        return self.page.evaluate(
            "(amount) => window.shopPay(amount)", {"centAmount": cents, "currencyCode": "EUR"}
        )

    def events(self) -> list[dict]:
        return self.page.evaluate("() => window.shopEvents")

    def answers(self, path: str) -> list[int]:
        """HTTP statuses the browser received for ``path`` (preflights excluded)."""
        return [
            r.status
            for r in self.responses
            if path_of(r.url) == path and r.request.method != "OPTIONS"
        ]

    def ledger(self) -> dict:
        return requests.get(f"{self.demo['providerUrl']}/_admin/ledger", timeout=5).json()


@pytest.fixture
def shop(demo, browser, shop_server):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(shop_server.url)
    shop = Shop(page, demo)
    yield shop
    context.close()
    assert not shop.page_errors, shop.page_errors


def charges(merchant, payment_id: str) -> list[tuple[str, str, int]]:
    payment = merchant.get_payment(payment_id)
    return [(t["type"], t["state"], t["amount"]["centAmount"]) for t in payment["transactions"]]


DECLINES = [
    # code, what balance() says, what the payment records, the text shown
    ("Expired", "Expired", "Expired", "This gift card has expired."),
    (
        "NotFound",
        "Invalid",  # an unknown code is answered like a missing PIN
        "NotFound",
        "This gift card cannot be used. Check the code, and enter the PIN if your card has one.",
    ),
    ("Valid-00500-EUR", "Valid", "Expired", "This gift card has expired."),
]


@pytest.mark.parametrize("code, balance_state, state, text", DECLINES, ids=[d[0] for d in DECLINES])
def test_declined_card_reaches_on_complete_with_is_success_false(
    shop, processor, merchant, code, balance_state, state, text
):
    shop.start(processor.url, processor.url)
    assert shop.balance(code)["status"]["state"] == balance_state

    result = shop.pay(500)

    assert result["isSuccess"] is False  # a real boolean, not a truthy "Failure"
    reference = result["paymentReference"]
    assert isinstance(reference, str) and reference
    assert shop.events() == [
        {"event": "onComplete", "isSuccess": False, "paymentReference": reference}
    ]
    expect(shop.message).to_have_text(text)
    assert shop.answers("/redeem") == [200]
    assert charges(merchant, reference) == [("Charge", "Failure", 500)]
    assert merchant.get_payment(reference)["paymentStatus"]["interfaceCode"] == state
    assert shop.ledger()["redemptions"] == []


def test_successful_redeem_reaches_on_complete_with_is_success_true(shop, processor, merchant):
    """With a processorUrl ending in slashes (a common copy-paste): no ``//`` in any request."""
    shop.start(processor.url + "///", processor.url)
    balance = shop.balance("Valid-5000-EUR")
    assert balance == {
        "status": {"state": "Valid"},
        "amount": {"centAmount": 5000, "currencyCode": "EUR"},
    }

    result = shop.pay(1250)

    assert result["isSuccess"] is True
    reference = result["paymentReference"]
    assert shop.events() == [
        {"event": "onComplete", "isSuccess": True, "paymentReference": reference}
    ]
    expect(shop.message).to_have_text("€12.50 paid with your gift card.")
    assert charges(merchant, reference) == [("Charge", "Success", 1250)]
    (redemption,) = shop.ledger()["redemptions"]
    assert (redemption["code"], redemption["amount"]["centAmount"]) == ("Valid-5000-EUR", 1250)
    called = [path_of(r.url) for r in shop.responses if r.url.startswith(processor.url)]
    assert "/balance" in called and "/redeem" in called and "/operations/config" in called
    assert not [p for p in called if "//" in p], called


def test_provider_outage_reaches_on_error(shop, processor_without_provider, merchant):
    """No answer and no confirmed void: the outcome is unknown, so never a Failure for sure."""
    shop.start(processor_without_provider.url, processor_without_provider.url)
    shop.code.fill("Valid-5000-EUR")

    result = shop.pay(1000)

    assert result["isSuccess"] is False and "paymentReference" not in result
    (event,) = shop.events()
    assert event["event"] == "onError"
    assert (event["type"], event["status"], event["code"]) == ("HttpError", 502, "OutcomeUnknown")
    assert "did not confirm the payment" in event["message"]
    assert "Valid-5000-EUR" not in event["message"]
    expect(shop.message).to_have_text(
        "Gift cards cannot be checked right now. Please try again later."
    )
    assert shop.answers("/redeem") == [502]
    cart = merchant.get_cart(shop.checkout["cartId"])
    (payment_ref,) = cart["paymentInfo"]["payments"]
    assert charges(merchant, payment_ref["id"]) == [("Charge", "Pending", 1000)]  # for reconcile


def test_wrong_processor_path_shows_the_real_404(shop, processor):
    """The preflight of an unknown path passes, so the shop hears 404, not "Failed to fetch"."""
    shop.start(processor.url + "/no-such-prefix/", processor.url)
    body = shop.balance("Valid-5000-EUR")

    assert body["status"]["state"] == "GenericError"
    errors = [e for e in shop.events() if e["event"] == "onError"]
    assert errors and {(e["type"], e["status"], e["code"]) for e in errors} == {
        ("HttpError", 404, "ResourceNotFound")
    }
    answers = shop.answers("/no-such-prefix/operations/config")
    assert answers and set(answers) == {404}
    expect(shop.message).to_have_text("Something went wrong. Please try again.")


def test_bare_failure_of_the_established_contract_reaches_on_complete(
    shop, processor
):
    """A processor answering only ``{result: "Failure", paymentReference}``, no ``status``."""

    def bare_failure(route: Route) -> None:
        if route.request.method == "OPTIONS":
            route.continue_()
        else:
            route.fulfill(
                status=200,
                json={"result": "Failure", "paymentReference": "payment-1"},
                headers={"Access-Control-Allow-Origin": "*"},
            )

    shop.page.route(f"{processor.url}/redeem", bare_failure)
    shop.start(processor.url, processor.url)
    shop.code.fill("Valid-5000-EUR")

    result = shop.pay(100)

    assert result == {"isSuccess": False, "paymentReference": "payment-1"}
    assert shop.events() == [
        {"event": "onComplete", "isSuccess": False, "paymentReference": "payment-1"}
    ]
    expect(shop.message).to_have_text(  # read as Invalid; the mock's PIN field is empty
        "This gift card cannot be used. Check the code, and enter the PIN if your card has one."
    )
    assert shop.ledger()["redemptions"] == []
