"""examples/storefront in headless Chromium: the shop's page on its own origin, the Enabler
loaded from a processor that allows only that origin, the emulator and the mock provider,
all on loopback. The page runs under its strict Content Security Policy throughout."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from giftcard_connect.app import create_app
from giftcard_connect.servers import BackgroundServer

from ..conftest import MERCHANT, processor_config
from ..examples.storefront import load_shop, shop_config
from .conftest import SCREENSHOTS, path_of

pytestmark = pytest.mark.browser

SAMPLE_TOTAL = 6000
# Collects the page's Content Security Policy violations before any of its scripts run.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (event) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
"""


class LateBound:
    """A WSGI app given after its server is bound: the processor must know the shop's
    origin, and the shop the processor's URL, before either serves."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def stack(emulator, mock_provider):
    """The example's shop, and a processor that allows the shop's origin and no other;
    yields their URLs."""
    shop_app = LateBound()
    with BackgroundServer(shop_app, name="example-shop") as shop:
        processor_app = create_app(processor_config(
            emulator.url, GIFTCARD_MOCK_URL=mock_provider.url, GIFTCARD_ALLOWED_ORIGINS=shop.url,
        ))
        with BackgroundServer(processor_app, name="example-processor") as processor:
            shop_app.app = load_shop().create_app(shop_config(emulator.url, processor.url))
            yield shop.url, processor.url


class ShopPage:
    """The example's checkout page in a fresh browser context."""

    def __init__(self, page, shop_url: str, processor_url: str):
        self.page = page
        self.url = shop_url
        self.processor = processor_url
        self.page_errors: list = []
        self.console_errors: list[str] = []
        self.requests: list = []
        self.checkout: dict = {}
        page.add_init_script(WATCH_CSP)
        page.on("pageerror", lambda error: self.page_errors.append(error))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("request", lambda request_: self.requests.append(request_))

    def open(self, query: str = "") -> ShopPage:
        session_url = f"{self.url}/api/checkout-session"
        with self.page.expect_response(session_url) as answer:
            self.page.goto(f"{self.url}/{query}")
        response = answer.value
        assert MERCHANT[1] not in response.text() and MERCHANT[1] not in self.page.content()
        self.checkout = response.json()
        return self

    def ready(self) -> ShopPage:
        expect(self.pay).to_be_enabled()
        return self

    @property
    def code(self):
        return self.page.get_by_role("textbox").first

    @property
    def pay(self):
        return self.page.get_by_role("button", name="Pay with gift card")

    @property
    def status(self):
        return self.page.locator("#status")

    @property
    def still_to_pay(self):
        return self.page.locator("#still-to-pay")

    @property
    def enabler_message(self):
        return self.page.locator("#giftcard [aria-live]")

    def pay_with(self, code: str) -> None:
        self.code.fill(code)
        self.pay.click()

    def events(self) -> list[tuple[str, dict]]:
        items = self.page.locator("#events li").all_text_contents()
        return [(name, json.loads(details)) for name, details in
                (item.split(" ", 1) for item in items)]

    def redeem_amounts(self) -> list[int]:
        return [json.loads(r.post_data)["redeemAmount"]["centAmount"] for r in self.requests
                if r.method == "POST" and r.url == f"{self.processor}/redeem"]

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("() => window.cspViolations")


@pytest.fixture
def open_shop(browser):
    """Opens the page of a stack in its own context; checks afterwards that nothing broke."""
    contexts, pages = [], []

    def open_(urls: tuple[str, str]) -> ShopPage:
        context = browser.new_context(locale="en-US")
        contexts.append(context)
        pages.append(ShopPage(context.new_page(), *urls))
        return pages[-1]

    yield open_
    for page in pages:
        assert not page.page_errors, page.page_errors
    for context in contexts:
        context.close()


def assert_clean(shop: ShopPage) -> None:
    """No policy violation, no console error (beyond the browser's note of an HTTP error
    status, which a declined balance is), and no card code or secret in any URL."""
    assert shop.csp_violations() == []
    status_notes = "Failed to load resource: the server responded with a status of"
    assert [e for e in shop.console_errors if not e.startswith(status_notes)] == []
    assert not [r.url for r in shop.requests if "Valid-" in r.url or MERCHANT[1] in r.url]
    to_processor = [r for r in shop.requests if r.url.startswith(shop.processor)
                    and path_of(r.url) in ("/balance", "/redeem", "/operations/config")
                    and r.method != "OPTIONS"]
    assert to_processor and all(
        r.headers.get("x-session-id") == shop.checkout["sessionId"] for r in to_processor)


def charges(merchant, cart_id: str) -> list[tuple[str, int]]:
    """(state, amount) of each gift card charge recorded on the cart, oldest first."""
    cart = merchant.get_cart(cart_id, expand=["paymentInfo.payments[*]"])
    payments = sorted((ref["obj"] for ref in cart["paymentInfo"]["payments"]),
                      key=lambda p: p["createdAt"])
    return [(t["state"], t["amount"]["centAmount"]) for p in payments
            for t in p["transactions"] if t["type"] == "Charge"]


def ledger(mock_provider) -> list[int]:
    redemptions = requests.get(f"{mock_provider.url}/_admin/ledger", timeout=5).json()
    return [r["amount"]["centAmount"] for r in redemptions["redemptions"]]


def test_a_valid_card_pays_the_sample_cart_in_full(open_shop, stack, merchant, mock_provider):
    shop = open_shop(stack).open().ready()
    expect(shop.still_to_pay).to_have_text("€60.00")

    shop.pay_with("Valid-10000-EUR")

    expect(shop.status).to_have_text("Paid in full. Thank you!")
    expect(shop.still_to_pay).to_have_text("€0.00")
    expect(shop.pay).to_be_disabled()
    ((callback, result),) = shop.events()
    assert callback == "onComplete" and result["isSuccess"] is True
    cart_id = shop.checkout["cart"]["id"]
    assert charges(merchant, cart_id) == [("Success", SAMPLE_TOTAL)]
    method = merchant.get_payment(result["paymentReference"])["paymentMethodInfo"]
    assert (method["paymentInterface"], method["method"]) == ("mock", "giftcard")
    assert shop.redeem_amounts() == [SAMPLE_TOTAL]
    assert ledger(mock_provider) == [SAMPLE_TOTAL]
    assert_clean(shop)


def test_a_declined_card_reaches_on_complete_with_is_success_false(
    open_shop, stack, merchant, mock_provider
):
    """The balance check passes; the provider declines the redeem (as Expired)."""
    shop = open_shop(stack).open().ready()

    shop.pay_with("Valid-001000-EUR")

    expect(shop.status).to_have_text("The gift card was declined; nothing was charged.")
    expect(shop.enabler_message).to_have_text("This gift card has expired.")
    ((callback, result),) = shop.events()
    assert callback == "onComplete"
    assert result["isSuccess"] is False and result["paymentReference"]
    expect(shop.still_to_pay).to_have_text("€60.00")
    expect(shop.pay).to_be_enabled()  # another card may still pay
    assert charges(merchant, shop.checkout["cart"]["id"]) == [("Failure", 1000)]
    assert ledger(mock_provider) == []
    assert_clean(shop)


def test_two_cards_pay_one_cart(open_shop, stack, merchant, mock_provider):
    shop = open_shop(stack).open().ready()

    shop.pay_with("Valid-2000-EUR")
    expect(shop.status).to_have_text("€40.00 still to pay: add another gift card.")
    expect(shop.still_to_pay).to_have_text("€40.00")
    shop.pay_with("Valid-5000-EUR")

    expect(shop.status).to_have_text("Paid in full. Thank you!")
    assert shop.redeem_amounts() == [2000, 4000]  # the smaller of balance and what is left
    assert [(c, r["isSuccess"]) for c, r in shop.events()] == [("onComplete", True)] * 2
    assert charges(merchant, shop.checkout["cart"]["id"]) == [("Success", 2000), ("Success", 4000)]
    assert ledger(mock_provider) == [2000, 4000]
    assert_clean(shop)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shop.page.screenshot(path=str(SCREENSHOTS / "example-storefront-paid.png"), full_page=True)


def test_a_card_declined_at_the_balance_check_is_never_submitted(open_shop, stack, merchant):
    shop = open_shop(stack).open().ready()

    shop.pay_with("Expired")

    expect(shop.enabler_message).to_have_text("This gift card has expired.")
    expect(shop.pay).to_be_enabled()
    assert shop.redeem_amounts() == []
    assert shop.events() == []
    assert "paymentInfo" not in merchant.get_cart(shop.checkout["cart"]["id"])
    assert_clean(shop)


def test_a_given_cart_in_german(open_shop, stack, checkout, merchant):
    cart = checkout.cart(2500)
    shop = open_shop(stack).open(f"?cart={cart['id']}&locale=de").ready()
    assert shop.checkout["cart"]["id"] == cart["id"]
    expect(shop.page.get_by_label("Gutscheincode")).to_be_visible()
    expect(shop.still_to_pay).to_have_text(re.compile(r"^25,00\s€$"))

    shop.pay_with("Valid-5000-EUR")

    expect(shop.status).to_have_text("Paid in full. Thank you!")
    assert charges(merchant, cart["id"]) == [("Success", 2500)]
    assert_clean(shop)


def test_a_session_the_server_refuses_is_shown_on_the_page(open_shop, stack):
    shop = open_shop(stack).open(f"?cart={uuid.uuid4()}")

    expect(shop.status).to_have_text(
        "Gift cards cannot be used here: There is no cart with this cartId.")
    expect(shop.pay).to_be_disabled()
    expect(shop.page.locator("#giftcard input")).to_have_count(0)
    assert shop.csp_violations() == []
