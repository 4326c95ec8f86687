"""The Enabler and the local checkout page in a real headless Chromium, against the demo stack.

Every wait is Playwright's auto-waiting ``expect``; nothing sleeps.
"""

from __future__ import annotations

import re

import pytest
import requests
from flask import Flask
from playwright.sync_api import Route, expect

from giftcard_connect.app import create_app
from giftcard_connect.commercetools import CommercetoolsClient
from giftcard_connect.servers import BackgroundServer

from .conftest import demo_processor_settings, idempotency_keys, json_body, path_of

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "de", "fr", "nl", "cs", "es")


def catalog(shop) -> dict:
    """The Enabler's texts, as the browser loads them from the processor."""
    return shop.page.evaluate(
        "async (url) => (await import(url)).MESSAGES", f"{shop.processor}/enabler/i18n.js"
    )


def check_balance(shop, code: str, pin: str | None = None) -> None:
    shop.code.fill(code)
    if pin is not None:
        shop.pin.fill(pin)
    shop.page.locator("#check-balance").click()


def pay(shop, amount: str | None = None) -> None:
    if amount is not None:
        shop.page.locator("#amount").fill(amount)
    shop.page.locator("#pay").click()


def cart_payments(shop) -> list[dict]:
    """The cart's payments, read from commercetools (the emulator) with the merchant client."""
    info = shop.info
    client = CommercetoolsClient(
        project_key=info["projectKey"],
        client_id=info["clientId"],
        client_secret=info["clientSecret"],
        auth_url=info["emulatorUrl"],
        api_url=info["emulatorUrl"],
        session_url=info["emulatorUrl"],
    )
    try:
        state = shop.page.evaluate("() => fetch('/api/checkout').then((r) => r.json())")
        cart = client.get_cart(state["cartId"])
        return [client.get_payment(ref["id"]) for ref in cart.get("paymentInfo", {}).get("payments", [])]
    finally:
        client.close()


# --- mounting ----------------------------------------------------------------------


def test_enabler_mounts_accessible_fields(shop):
    page = shop.page
    code = page.get_by_label("Gift card code")
    expect(code).to_be_visible()
    expect(code).to_have_attribute("aria-invalid", "false")
    expect(code).to_have_attribute("required", "")
    # The mock provider's PIN policy is "optional": the field is there, not required.
    pin = page.get_by_label("PIN (optional)")
    expect(pin).to_be_visible()
    expect(pin).to_have_attribute("type", "password")
    expect(pin).not_to_have_attribute("required", "")
    message_id = code.get_attribute("aria-describedby")
    expect(page.locator(f"#{message_id}")).to_have_attribute("aria-live", "polite")
    expect(page.locator(".gcc-giftcard")).to_have_attribute("lang", "en")
    stylesheet = page.locator("link[data-gcc-stylesheet]")
    expect(stylesheet).to_have_attribute("href", f"{shop.processor}/enabler/enabler.css")
    expect(page.locator("#cart-total")).to_have_text("€60.00")
    expect(page.locator("#still-to-pay")).to_have_text("€60.00")
    expect(page.locator("#amount")).to_have_value("60.00")
    assert [e["event"] for e in shop.events()] == ["onGiftCardReady"]
    shop.screenshot("01-mounted")


# --- balance -----------------------------------------------------------------------

UNUSABLE = "This gift card cannot be used. Check the code and the PIN and try again."
UNUSABLE_NO_PIN = ("This gift card cannot be used. Check the code, and enter the PIN if your "
                   "card has one.")
BALANCE_STATES = [
    ("Valid-5000-EUR", "Valid", "success", "Balance: €50.00"),
    ("Expired", "Expired", "error", "This gift card has expired."),
    # An unknown code reads as Invalid, like a missing PIN; the PIN field is shown (mock).
    ("NotFound", "Invalid", "error", UNUSABLE_NO_PIN),
    ("Valid-0-EUR", "ZeroBalance", "error", "This gift card has no balance left."),
    ("Valid-5000-USD", "CurrencyNotMatch", "error", "This gift card cannot be used in this currency."),
    ("Something", "Invalid", "error", UNUSABLE_NO_PIN),
    ("GenericError", "GenericError", "error",
     "Gift cards cannot be checked right now. Please try again later."),
]


@pytest.mark.parametrize("code, state, kind, text", BALANCE_STATES, ids=[s[0] for s in BALANCE_STATES])
def test_balance_shows_every_state(shop, code, state, kind, text):
    shop.code.fill(f"  {code} ")  # whitespace is stripped
    body = shop.page.evaluate("() => window.storefrontComponent.balance()")
    assert body["status"]["state"] == state
    expect(shop.message).to_have_text(text)
    expect(shop.message).to_have_attribute("data-kind", kind)
    if state in ("Valid", "GenericError"):
        expect(shop.code).to_have_attribute("aria-invalid", "false")
    else:  # Invalid without a PIN typed points at the PIN field
        expect(shop.pin if state == "Invalid" else shop.code).to_have_attribute("aria-invalid", "true")
    (balance_call,) = [r for r in shop.requests if path_of(r.url) == "/balance"]
    assert json_body(balance_call) == {"code": code}
    assert code not in balance_call.url
    if state == "Valid":
        assert body["amount"] == {"centAmount": 5000, "currencyCode": "EUR"}
        shop.page.locator("#check-balance").click()  # the page's button prefills the amount
        expect(shop.page.locator("#amount")).to_have_value("50.00")  # min(balance, still to pay)
    shop.screenshot(f"02-balance-{state}")


def test_typing_clears_an_error(shop):
    check_balance(shop, "Expired")
    expect(shop.message).to_have_text("This gift card has expired.")
    shop.code.press_sequentially("X")
    expect(shop.code).to_have_attribute("aria-invalid", "false")
    expect(shop.message).to_have_text("")


def test_empty_code_is_refused_without_a_request(shop):
    shop.page.locator("#check-balance").click()
    expect(shop.message).to_have_text("Enter your gift card code.")
    expect(shop.code).to_have_attribute("aria-invalid", "true")
    expect(shop.code).to_be_focused()
    assert not [r for r in shop.requests if path_of(r.url) == "/balance"]


# --- PIN ---------------------------------------------------------------------------


def test_pin_card_needs_the_right_pin(shop):
    """A missing or wrong PIN reads like an unknown code: the text depends on what was typed."""
    check_balance(shop, "PIN-5000-EUR")  # typed without its PIN: enter it, if the card has one
    expect(shop.message).to_have_text(UNUSABLE_NO_PIN)
    expect(shop.pin).to_have_attribute("aria-invalid", "true")
    check_balance(shop, "PIN-5000-EUR", "0000")
    expect(shop.message).to_have_text(UNUSABLE)
    shop.screenshot("03-pin-wrong")
    check_balance(shop, "PIN-5000-EUR", " 12 34 ")
    expect(shop.message).to_have_text("Balance: €50.00")
    expect(shop.code).to_have_attribute("aria-invalid", "false")
    pay(shop, "20.00")
    expect(shop.message).to_have_text("€20.00 paid with your gift card.")
    (redemption,) = shop.ledger()["redemptions"]
    assert redemption["code"] == "PIN-5000-EUR" and redemption["amount"]["centAmount"] == 2000
    (redeem,) = shop.redeems()
    assert json_body(redeem)["pin"] == "1234"


def with_pin_policy(shop, policy: str) -> None:
    """Answer /operations/config as a provider with this PIN policy would, then reload."""

    def handle(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "pin": policy})

    shop.page.route(f"{shop.processor}/operations/config", handle)
    shop.open()


def test_required_pin_is_checked_before_any_request(shop):
    with_pin_policy(shop, "required")
    pin = shop.page.get_by_label("PIN", exact=True)
    expect(pin).to_have_attribute("required", "")
    shop.code.fill("PIN-5000-EUR")
    shop.code.press("Enter")
    expect(shop.message).to_have_text("Enter the PIN of your gift card.")
    expect(pin).to_have_attribute("aria-invalid", "true")
    expect(pin).to_be_focused()
    assert not [r for r in shop.requests if path_of(r.url) == "/balance"]


def test_no_pin_field_when_the_provider_has_none(shop):
    with_pin_policy(shop, "none")
    expect(shop.page.locator(".gcc-field-pin")).to_be_hidden()
    shop.pin.evaluate("(input) => { input.value = '9999'; }")  # hidden: never sent
    check_balance(shop, "Valid-5000-EUR")
    expect(shop.message).to_have_text("Balance: €50.00")
    (balance_call,) = [r for r in shop.requests if path_of(r.url) == "/balance"]
    assert json_body(balance_call) == {"code": "Valid-5000-EUR"}


# --- paying ------------------------------------------------------------------------


def test_two_gift_cards_pay_the_cart(shop):
    page = shop.page
    check_balance(shop, "Valid-4000-EUR")
    expect(page.locator("#amount")).to_have_value("40.00")
    pay(shop)
    expect(shop.message).to_have_text("€40.00 paid with your gift card.")
    expect(page.locator("#still-to-pay")).to_have_text("€20.00")
    expect(page.locator("#cart-paid")).to_have_text("€40.00")
    expect(page.locator("#amount")).to_have_value("20.00")
    expect(shop.code).to_have_value("")
    shop.screenshot("04-partially-paid")

    check_balance(shop, "Valid-5000-EUR")
    expect(shop.message).to_have_text("Balance: €50.00")
    expect(page.locator("#amount")).to_have_value("20.00")  # min(50.00, 20.00 still to pay)
    pay(shop)
    expect(page.locator("#still-to-pay")).to_have_text("€0.00")
    expect(page.locator("#page-status")).to_have_text("The order is paid in full. Thank you!")
    expect(page.locator("#pay")).to_be_disabled()
    expect(page.locator(".payment")).to_have_count(2)
    expect(page.locator(".payment tr[data-state=Success]")).to_have_count(2)
    shop.screenshot("05-paid-in-full")

    completes = shop.events("onComplete")
    assert [e["isSuccess"] for e in completes] == [True, True]
    payments = cart_payments(shop)
    charges = [t for p in payments for t in p["transactions"] if t["type"] == "Charge"]
    assert [t["state"] for t in charges] == ["Success", "Success"]
    assert sorted(t["amount"]["centAmount"] for t in charges) == [2000, 4000]
    assert sum(t["amount"]["centAmount"] for t in charges) == 6000
    assert sorted(p["id"] for p in payments) == sorted(e["paymentReference"] for e in completes)
    redemptions = shop.ledger()["redemptions"]
    assert sorted((r["code"], r["amount"]["centAmount"]) for r in redemptions) == [
        ("Valid-4000-EUR", 4000), ("Valid-5000-EUR", 2000)
    ]
    keys = idempotency_keys(shop.redeems())
    assert len(keys) == 2 and len(set(keys)) == 2 and all(keys)


def test_double_click_on_pay_redeems_once(shop):
    check_balance(shop, "Valid-5000-EUR")
    expect(shop.message).to_have_text("Balance: €50.00")
    shop.page.locator("#amount").fill("25.00")
    shop.page.locator("#pay").dblclick()
    expect(shop.message).to_have_text("€25.00 paid with your gift card.")
    expect(shop.page.locator("#still-to-pay")).to_have_text("€35.00")
    assert len(shop.redeems()) == 1
    assert len(shop.ledger()["redemptions"]) == 1
    assert len(shop.events("onComplete")) == 1


def test_submit_while_one_is_pending_returns_the_same_promise(shop):
    shop.code.fill("Valid-5000-EUR")
    result = shop.page.evaluate(
        """async () => {
            const component = window.storefrontComponent;
            const amount = { centAmount: 1500, currencyCode: "EUR" };
            const first = component.submit({ amount });
            const second = component.submit({ amount });
            const results = await Promise.all([first, second]);
            return { same: first === second, results };
        }"""
    )
    assert result["same"] is True
    assert result["results"][0] == result["results"][1]
    assert result["results"][0]["isSuccess"] is True
    assert len(shop.redeems()) == 1 and len(shop.ledger()["redemptions"]) == 1


def test_is_success_is_a_real_boolean(shop):
    check_balance(shop, "Valid-001000-EUR")  # the balance passes; redeem says Expired
    expect(shop.message).to_have_text("Balance: €10.00")
    pay(shop)
    expect(shop.message).to_have_text("This gift card has expired.")
    check_balance(shop, "Valid-5000-EUR")
    expect(shop.message).to_have_text("Balance: €50.00")
    pay(shop, "5.00")
    expect(shop.message).to_have_text("€5.00 paid with your gift card.")
    declined, paid = shop.events("onComplete")
    assert declined["isSuccess"] is False and declined["paymentReference"]
    assert [r.response().status for r in shop.redeems()] == [200, 200]  # a decline is an answer
    assert not shop.events("onError")
    assert paid["isSuccess"] is True and paid["paymentReference"]
    types = shop.page.evaluate(
        "() => window.storefrontEvents.filter((e) => e.event === 'onComplete').map((e) => typeof e.isSuccess)"
    )
    assert types == ["boolean", "boolean"]
    # The declined payment is recorded as a Failure charge; the other one as Success.
    expect(shop.page.locator(".payment tr[data-state=Failure]")).to_have_count(1)
    expect(shop.page.locator(".payment tr[data-state=Success]")).to_have_count(1)


def test_amount_above_what_is_still_to_pay_is_refused_by_the_page(shop):
    shop.code.fill("Valid-9000-EUR")
    pay(shop, "70.00")
    expect(shop.page.locator("#amount-error")).to_have_text("Enter an amount between €0.01 and €60.00.")
    expect(shop.page.locator("#amount")).to_have_attribute("aria-invalid", "true")
    assert not shop.redeems()


def test_amount_the_processor_refuses_goes_to_on_error(shop):
    shop.code.fill("Valid-9000-EUR")
    result = shop.page.evaluate(
        "() => window.storefrontComponent.submit({amount: {centAmount: 7000, currencyCode: 'EUR'}})"
    )
    assert result["isSuccess"] is False
    assert result["error"]["type"] == "HttpError" and result["error"]["code"] == "InvalidOperation"
    expect(shop.message).to_have_text("This amount cannot be paid with the gift card.")
    (error,) = shop.events("onError")
    assert error["status"] == 400 and error["correlationId"]
    assert not shop.events("onComplete") and not shop.ledger()["redemptions"]


# --- failures ----------------------------------------------------------------------


def test_network_failure_goes_to_on_error(shop):
    shop.page.route(f"{shop.processor}/redeem", lambda route: route.abort("internetdisconnected"))
    check_balance(shop, "Valid-5000-EUR")
    expect(shop.message).to_have_text("Balance: €50.00")
    pay(shop, "10.00")
    expect(shop.message).to_have_text(
        "We could not reach the payment service. Check your connection and try again."
    )
    expect(shop.page.locator("#events")).to_contain_text("NetworkError")
    (error,) = shop.events("onError")
    assert error["type"] == "NetworkError" and error["correlationId"].startswith("enabler-")
    assert not shop.events("onComplete")
    assert not shop.ledger()["redemptions"]
    shop.screenshot("06-network-error")


def test_a_lost_answer_is_retried_with_the_same_key_and_charges_once(shop):
    """The redeem reaches the processor, its answer is lost: the retry must not charge again."""
    lost = []

    def lose_first_answer(route: Route) -> None:
        if not lost:
            lost.append(route.fetch())  # the processor redeems...
            route.abort("connectionreset")  # ...and the browser never hears of it
        else:
            route.continue_()

    shop.page.route(f"{shop.processor}/redeem", lose_first_answer)
    check_balance(shop, "Valid-5000-EUR")
    expect(shop.message).to_have_text("Balance: €50.00")
    pay(shop, "30.00")
    expect(shop.message).to_contain_text("We could not reach the payment service")
    assert lost[0].json()["result"] == "Success"
    pay(shop)
    expect(shop.message).to_have_text("€30.00 paid with your gift card.")
    first, retry = shop.redeems()
    assert first.headers["idempotency-key"] == retry.headers["idempotency-key"]
    assert len(shop.ledger()["redemptions"]) == 1
    (complete,) = shop.events("onComplete")
    assert complete == {"event": "onComplete", "isSuccess": True,
                        "paymentReference": lost[0].json()["paymentReference"]}


def test_redeem_in_progress_is_retried_after_retry_after(shop):
    answers = []

    def busy_once(route: Route) -> None:
        if not answers:
            answers.append(409)
            route.fulfill(
                status=409,
                json={"statusCode": 409, "message": "in progress",
                      "errors": [{"code": "RedeemInProgress", "message": "in progress"}]},
                headers={"Retry-After": "0", "Access-Control-Allow-Origin": "*",
                         "Access-Control-Expose-Headers": "Retry-After, X-Correlation-ID"},
            )
        else:
            route.continue_()

    shop.page.route(f"{shop.processor}/redeem", busy_once)
    shop.code.fill("Valid-5000-EUR")
    pay(shop, "10.00")
    expect(shop.message).to_have_text("€10.00 paid with your gift card.")
    first, second = shop.redeems()
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert len(shop.ledger()["redemptions"]) == 1


def test_unknown_outcome_goes_to_on_error_and_a_retry_keeps_the_key(shop):
    """502 OutcomeUnknown: the charge may stand, so it is no decline; the retry replays it."""
    unknown = {
        "result": "Failure",
        "paymentReference": "pending-payment",
        "status": {"state": "GenericError", "errors": [{
            "code": "OutcomeUnknown",
            "message": "The gift card provider did not confirm the payment.",
        }]},
    }
    answered = []

    def unknown_once(route: Route) -> None:
        if route.request.method != "POST" or answered:
            route.continue_()
            return
        answered.append(502)
        route.fulfill(status=502, json=unknown, headers={"Access-Control-Allow-Origin": "*"})

    shop.page.route(f"{shop.processor}/redeem", unknown_once)
    shop.code.fill("Valid-5000-EUR")
    pay(shop, "10.00")
    expect(shop.message).to_have_text(
        "Gift cards cannot be checked right now. Please try again later."
    )
    (error,) = shop.events("onError")
    assert (error["type"], error["status"], error["code"]) == ("HttpError", 502, "OutcomeUnknown")
    assert error["message"] == "The gift card provider did not confirm the payment."
    assert not shop.events("onComplete")
    pay(shop)
    expect(shop.message).to_have_text("€10.00 paid with your gift card.")
    first, retry = shop.redeems()
    assert first.headers["idempotency-key"] == retry.headers["idempotency-key"]
    (complete,) = shop.events("onComplete")
    assert complete["isSuccess"] is True


@pytest.mark.parametrize(
    "status, code, text",
    [
        (409, "EarlierRedeemPending",
         "An earlier gift card payment is still being cancelled. Please try again in a moment."),
        (429, "TooManyFailedAttempts",
         "Too many gift cards were tried for this order. Please choose another payment method."),
    ],
)
def test_refusals_of_the_cart_are_explained(shop, status, code, text):
    def refuse(route: Route) -> None:
        route.fulfill(
            status=status,
            json={"statusCode": status, "message": "refused", "errors": [{"code": code, "message": "refused"}]},
            headers={"Retry-After": "5", "Access-Control-Allow-Origin": "*",
                     "Access-Control-Expose-Headers": "Retry-After, X-Correlation-ID"},
        )

    shop.page.route(f"{shop.processor}/redeem", refuse)
    shop.code.fill("Valid-5000-EUR")
    pay(shop, "10.00")
    expect(shop.message).to_have_text(text)
    (error,) = shop.events("onError")
    assert (error["status"], error["code"]) == (status, code)
    assert len(shop.redeems()) == 1  # not retried: only RedeemInProgress is
    assert not shop.ledger()["redemptions"]


def test_html_error_page_goes_to_on_error(shop):
    shop.page.route(
        f"{shop.processor}/balance",
        lambda route: route.fulfill(status=502, body="<html>Bad gateway</html>", content_type="text/html",
                                    headers={"Access-Control-Allow-Origin": "*"}),
    )
    shop.code.fill("Valid-5000-EUR")
    body = shop.page.evaluate("() => window.storefrontComponent.balance()")
    assert body["status"]["state"] == "GenericError"
    expect(shop.message).to_have_text("Something went wrong. Please try again.")
    (error,) = shop.events("onError")
    assert error["type"] == "InvalidResponse" and error["status"] == 502


def test_too_many_failed_attempts_are_explained_and_refused_before_the_provider(shop):
    """The demo processor's real limit: 10 declines per session, then 429 with Retry-After."""
    for attempt in range(10):
        check_balance(shop, f"Wrong-Code-{attempt}")
        expect(shop.message).to_have_text(UNUSABLE_NO_PIN)
    check_balance(shop, "Valid-5000-EUR")  # even a good card waits now
    expect(shop.message).to_have_text("Too many attempts. Please wait a few minutes and try again.")
    (error,) = shop.events("onError")
    assert (error["status"], error["code"]) == (429, "TooManyRequests")
    assert "Valid-5000-EUR" not in shop.ledger()["cards"]  # the provider was not asked
    shop.screenshot("06-too-many-attempts")


@pytest.mark.parametrize("language, text", [
    ("de", "Zu viele Versuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut."),
    ("es", "Demasiados intentos. Espera unos minutos e inténtalo de nuevo."),
])
def test_the_limit_is_explained_in_the_shoppers_language(shop, language, text):
    refused = {"statusCode": 429, "message": "Too many failed gift card attempts; try again in 60 seconds.",
               "errors": [{"code": "TooManyRequests", "message": "Too many failed gift card attempts"}]}
    shop.page.route(f"{shop.processor}/balance", lambda route: route.fulfill(
        status=429, json=refused, headers={"Access-Control-Allow-Origin": "*", "Retry-After": "60"}))
    shop.open(language)
    check_balance(shop, "Valid-5000-EUR")
    expect(shop.message).to_have_text(text)


def test_expired_session_is_explained(shop):
    shop.page.route(
        f"{shop.processor}/balance",
        lambda route: route.continue_(headers={**route.request.headers, "x-session-id": "expired-session"}),
    )
    check_balance(shop, "Valid-5000-EUR")
    expect(shop.message).to_have_text("Your checkout session has expired. Please reload the page.")
    (error,) = shop.events("onError")
    assert error["status"] == 401 and error["code"] == "invalid_token"


# --- keyboard and languages --------------------------------------------------------


def test_keyboard_only_checkout(shop):
    page = shop.page
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")  # skip to the payment section
    page.keyboard.press("Tab")
    expect(shop.code).to_be_focused()
    page.keyboard.type("Valid-5000-EUR")
    page.keyboard.press("Enter")  # Enter checks the balance
    expect(shop.message).to_have_text("Balance: €50.00")
    expect(page.locator("#amount")).to_have_value("50.00")
    page.keyboard.press("Tab")
    expect(shop.pin).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#check-balance")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#amount")).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("12.50")
    page.keyboard.press("Tab")
    expect(page.locator("#pay")).to_be_focused()
    page.keyboard.press("Enter")
    expect(shop.message).to_have_text("€12.50 paid with your gift card.")
    expect(page.locator("#still-to-pay")).to_have_text("€47.50")
    shop.screenshot("07-keyboard")


def test_enter_without_on_enter_does_not_throw(shop):
    """A component built with no callbacks at all: Enter still checks the balance."""
    shop.page.evaluate(
        """async ({ processorUrl, sessionId }) => {
            const { Enabler } = await import(`${processorUrl}/enabler/enabler.js`);
            const host = document.createElement("div");
            host.id = "bare";
            document.body.append(host);
            const builder = await new Enabler({ processorUrl, sessionId, locale: "en" }).createGiftCardBuilder();
            builder.build().mount("#bare");
        }""",
        {"processorUrl": shop.processor, "sessionId": shop.page.evaluate(
            "() => fetch('/api/checkout').then((r) => r.json()).then((s) => s.sessionId)")},
    )
    code = shop.page.locator("#bare input[name=giftcard-code]")
    code.fill("Valid-5000-EUR")
    code.press("Enter")
    expect(shop.page.locator("#bare .gcc-message")).to_have_text("Balance: €50.00")


STRINGS = {
    # page heading, the Enabler's code label, the Expired message, the cart total
    "de": ("Mit Gutschein bezahlen", "Gutscheincode", "Dieser Gutschein ist abgelaufen.", "60,00 €"),
    "fr": ("Payer avec une carte cadeau", "Code de la carte cadeau", "Cette carte cadeau a expiré.", "60,00 €"),
    "nl": ("Betalen met een cadeaukaart", "Cadeaukaartcode", "Deze cadeaukaart is verlopen.", "€ 60,00"),
    "cs": ("Zaplatit dárkovou kartou", "Kód dárkové karty", "Platnost této dárkové karty vypršela.", "60,00 €"),
    "es": ("Pagar con tarjeta regalo", "Código de la tarjeta regalo", "Esta tarjeta regalo ha caducado.",
           "60,00 €"),
}


@pytest.mark.parametrize("language", sorted(STRINGS))
def test_locale_switch(shop, language):
    heading, label, expired, total = STRINGS[language]
    shop.page.get_by_label("Language").select_option(language)
    expect(shop.page.locator("html")).to_have_attribute("lang", language)
    expect(shop.page.locator("body")).to_have_attribute("data-ready", "true")
    expect(shop.page.locator("#pay-heading")).to_have_text(heading)
    expect(shop.page.locator(".gcc-giftcard")).to_have_attribute("lang", language)
    code = shop.page.get_by_label(label)
    expect(code).to_be_visible()
    expect(shop.page.locator("#cart-total")).to_have_text(re.compile(total.replace(" ", r"\s")))
    code.fill("Expired")
    code.press("Enter")
    expect(shop.message).to_have_text(expired)
    texts = catalog(shop)[language]
    assert texts["state.Expired"] == expired
    code.fill("Valid-5000-EUR")
    code.press("Enter")
    expect(shop.message).to_contain_text(texts["balance.valid"].split("{amount}")[0].strip())
    expect(shop.message).to_contain_text("50,00")
    if language == "de":
        expect(shop.page.locator("#amount")).to_have_value("50,00")
        shop.screenshot("08-locale-de")


IDENTICAL_IN_TRANSLATION = {("label.pinOptional", "de")}  # "PIN (optional)" is German too


def test_every_language_translates_every_text(shop):
    texts = catalog(shop)
    assert sorted(texts) == sorted(LANGUAGES)
    for language in LANGUAGES:
        assert texts[language].keys() == texts["en"].keys(), language
        if language != "en":
            same = [k for k in texts["en"] if texts[language][k] == texts["en"][k]
                    and (k, language) not in IDENTICAL_IN_TRANSLATION and k != "label.pin"]
            assert not same, (language, same)


def test_locale_falls_back_to_language_then_english(shop):
    languages = shop.page.evaluate(
        """async (url) => {
            const { Enabler } = await import(url);
            const make = (locale) => new Enabler({ processorUrl: "http://x/", sessionId: "s", locale });
            return ["de-DE", "cs_CZ", "fr-CA", "pt-BR", "zz"].map((l) => make(l).language);
        }""",
        f"{shop.processor}/enabler/enabler.js",
    )
    assert languages == ["de", "cs", "fr", "en", "en"]


# --- URLs, codes, and a provider's own Enabler -------------------------------------


def test_processor_url_with_trailing_slash_builds_clean_urls(shop):
    session_id = shop.page.evaluate("() => fetch('/api/checkout').then((r) => r.json()).then((s) => s.sessionId)")
    shop.page.evaluate(
        """async ({ processorUrl, sessionId }) => {
            const { Enabler } = await import(`${processorUrl}enabler/enabler.js`);
            const host = document.createElement("div");
            host.id = "slash";
            document.body.append(host);
            const enabler = new Enabler({ processorUrl, sessionId, locale: "en" });
            const component = (await enabler.createGiftCardBuilder()).build({});
            component.mount(host);
            host.querySelector("input").value = "Valid-5000-EUR";
            await component.balance();
            await component.submit({ amount: { centAmount: 100, currencyCode: "EUR" } });
        }""",
        {"processorUrl": shop.processor + "/", "sessionId": session_id},
    )
    expect(shop.page.locator("#slash .gcc-message")).to_have_text("€1.00 paid with your gift card.")
    paths = [path_of(r.url) for r in shop.requests if r.url.startswith(shop.processor)]
    assert "/balance" in paths and "/redeem" in paths
    assert not [p for p in paths if "//" in p or "}" in p], paths
    assert not [r.url for r in shop.requests if "Valid-5000" in r.url]


def test_provider_enabler_extends_the_base_one(shop, tmp_path):
    """A plugin's giftcard_enabler_directory: its enabler.js imports "../enabler.js"."""
    from giftcard_connect import hookimpl

    directory = tmp_path / "acme"
    directory.mkdir()
    (directory / "enabler.js").write_text(
        'import { Enabler as Base, GiftCardComponent } from "../enabler.js";\n'
        "class AcmeCard extends GiftCardComponent {\n"
        "  render() { const root = super.render(); root.dataset.provider = 'acme'; return root; }\n"
        "}\n"
        "export class Enabler extends Base {\n"
        "  constructor(options) { super({ ...options, messages: { en: { 'label.code': 'Acme card number' } } }); }\n"
        "  createComponent(options) { return new AcmeCard(this, options); }\n"
        "}\n"
    )

    class AcmeEnabler:
        @hookimpl
        def giftcard_enabler_directory(self):
            return str(directory)

    info = shop.info
    session_id = shop.page.evaluate(
        "() => fetch('/api/checkout').then((r) => r.json()).then((s) => s.sessionId)"
    )
    # A merchant page of its own origin (the checkout page's CSP allows only the demo processor).
    merchant_page = Flask("merchant")
    merchant_page.get("/")(lambda: "<!doctype html><title>Merchant</title><main></main>")
    with BackgroundServer(merchant_page, name="merchant") as merchant:
        app = create_app(demo_processor_settings(
            info, GIFTCARD_ALLOWED_ORIGINS=merchant.url, PLUGINS={"acme-enabler": AcmeEnabler()},
        ))
        with BackgroundServer(app, name="acme-processor") as processor:
            shop.page.goto(merchant.url)
            shop.page.evaluate(
                """async ({ processorUrl, sessionId }) => {
                    const { Enabler } = await import(`${processorUrl}/enabler/provider/enabler.js`);
                    const base = await import(`${processorUrl}/enabler/enabler.js`);
                    const host = document.createElement("div");
                    host.id = "acme";
                    document.body.append(host);
                    const enabler = new Enabler({ processorUrl, sessionId, locale: "en" });
                    if (!(enabler instanceof base.Enabler)) throw new Error("not a base Enabler");
                    (await enabler.createGiftCardBuilder()).build({}).mount(host);
                }""",
                {"processorUrl": processor.url, "sessionId": session_id},
            )
            acme = shop.page.locator("#acme .gcc-giftcard")
            expect(acme).to_have_attribute("data-provider", "acme")
            card = shop.page.get_by_label("Acme card number")
            card.fill("Valid-5000-EUR")
            card.press("Enter")
            expect(shop.page.locator("#acme .gcc-message")).to_have_text("Balance: €50.00")
            served = requests.get(f"{processor.url}/enabler/provider/enabler.js", timeout=5)
            assert served.status_code == 200
