"""examples/storefront: the shop server's Checkout session endpoint over loopback HTTP,
against the emulator, with an API client holding only the scopes its README names."""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from html.parser import HTMLParser

import pytest
import requests

from giftcard_connect.errors import ConfigurationError
from giftcard_connect.servers import BackgroundServer

from ..conftest import PROJECT_KEY
from ..test_cli import free_port
from .storefront import EXAMPLE, SHOP_SCOPES, load_shop, shop_config

PROCESSOR = "https://pay.shop.example"
ENDPOINT = "/api/checkout-session"
SAMPLE_TOTAL = 2 * 1450 + 3100


@pytest.fixture
def shop_client(emulator) -> tuple[str, str]:
    """A fresh API client with exactly the scopes the README asks for."""
    client_id, secret = f"shop-{secrets.token_hex(4)}", secrets.token_urlsafe(18)
    scope = " ".join(f"{name}:{PROJECT_KEY}" for name in SHOP_SCOPES)
    response = requests.post(
        f"{emulator.url}/_emulator/clients",
        json={"clientId": client_id, "secret": secret, "scope": scope},
        timeout=5,
    )
    response.raise_for_status()
    return client_id, secret


def serve_shop(emulator_url: str, credentials: tuple[str, str], **overrides: str):
    client_id, secret = credentials
    config = shop_config(
        emulator_url, overrides.pop("PROCESSOR_URL", PROCESSOR + "/"),
        CTP_CLIENT_ID=client_id, CTP_CLIENT_SECRET=secret, **overrides,
    )
    return BackgroundServer(load_shop().create_app(config), name="example-shop")


class Shop:
    """The running shop; every answer is checked for the API client's credentials."""

    def __init__(self, server: BackgroundServer, credentials: tuple[str, str]):
        self.url = server.url
        self.credentials = credentials

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(method, self.url + path, timeout=30, **kwargs)
        seen = response.text + str(response.headers)
        assert not [c for c in self.credentials if c in seen], "credentials in an answer"
        return response

    def session_for(self, body=None, **kwargs) -> requests.Response:
        if body is not None:
            kwargs["json"] = body
        return self.request("POST", ENDPOINT, **kwargs)


@pytest.fixture
def shop(emulator, shop_client):
    with serve_shop(emulator.url, shop_client) as server:
        yield Shop(server, shop_client)


def created(emulator) -> dict[str, int]:
    """How many carts and sessions the emulator was asked to create so far."""
    counts = requests.get(f"{emulator.url}/_emulator/stats", timeout=5).json()["requests"]
    return {kind: counts.get(f"POST /{PROJECT_KEY}/{kind}", 0) for kind in ("carts", "sessions")}


def error_body(status: int, code: str, message: str, **fields) -> dict:
    return {
        "statusCode": status,
        "message": message,
        "errors": [{"code": code, "message": message, **fields}],
    }


def money(cents: int) -> dict:
    return {"centAmount": cents, "currencyCode": "EUR", "fractionDigits": 2}


def test_a_new_sample_cart_gets_a_checkout_session_for_the_processor(shop, merchant):
    response = shop.session_for({})

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"sessionId", "processorUrl", "cart"}
    assert body["processorUrl"] == PROCESSOR  # without the configured trailing slash
    cart_id = body["cart"]["id"]
    assert body["cart"] == {"id": cart_id, "total": money(SAMPLE_TOTAL),
                            "stillToPay": money(SAMPLE_TOTAL)}
    session = merchant.get_session(body["sessionId"])
    assert session["state"] == "ACTIVE"
    assert session["activeCart"] == {"cartRef": {"id": cart_id}}
    assert {k: v for k, v in session["metadata"].items() if k != "correlationId"} == {
        "processorUrl": PROCESSOR,
        "paymentInterface": "mock",
        "allowedPaymentMethods": ["giftcard"],
    }
    cart = merchant.get_cart(cart_id)
    assert cart["cartState"] == "Active" and cart["anonymousId"]
    assert session["customer"]["anonymousId"] == cart["anonymousId"]
    assert [item["quantity"] for item in cart["customLineItems"]] == [2, 1]


def test_every_sample_cart_has_its_own_shopper(shop, merchant):
    first, second = (shop.session_for({}).json()["cart"]["id"] for _ in range(2))
    assert first != second
    assert merchant.get_cart(first)["anonymousId"] != merchant.get_cart(second)["anonymousId"]


def test_a_given_cart_is_paid_through_the_processor_with_the_shops_session(
    emulator, shop_client, processor, checkout, merchant
):
    cart = checkout.cart(3000)
    with serve_shop(emulator.url, shop_client, PROCESSOR_URL=processor.url) as server:
        shop = Shop(server, shop_client)
        first = shop.session_for({"cartId": cart["id"]}).json()
        assert first["cart"] == {"id": cart["id"], "total": money(3000),
                                 "stillToPay": money(3000)}
        assert first["processorUrl"] == processor.url

        headers = {"X-Session-Id": first["sessionId"], "Idempotency-Key": "first-card"}
        redeemed = requests.post(f"{first['processorUrl']}/redeem", headers=headers, timeout=10,
                                 json={"code": "Valid-1000-EUR",
                                       "redeemAmount": {"centAmount": 1000, "currencyCode": "EUR"}})
        assert redeemed.status_code == 200 and redeemed.json()["result"] == "Success"
        payment = merchant.get_payment(redeemed.json()["paymentReference"])
        assert payment["paymentMethodInfo"]["paymentInterface"] == "mock"

        again = shop.session_for({"cartId": cart["id"]}).json()
    assert again["sessionId"] != first["sessionId"]
    assert again["cart"]["stillToPay"] == money(2000)  # what the processor recorded counts


def add_charge(merchant, cart: dict, cents: int, state: str = "Success") -> None:
    """A payment of another method on the cart, as a card payment would leave it."""
    payment = merchant.create_payment({
        "amountPlanned": {"centAmount": cents, "currencyCode": "EUR"},
        "paymentMethodInfo": {"paymentInterface": "card-psp", "method": "card"},
        "transactions": [{"type": "Charge", "state": state,
                          "amount": {"centAmount": cents, "currencyCode": "EUR"}}],
    })
    current = merchant.get_cart(cart["id"])
    merchant.update_cart(cart["id"], current["version"], [
        {"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}])


def test_still_to_pay_counts_every_payment_of_the_cart(shop, checkout, merchant):
    cart = checkout.cart(5000)
    add_charge(merchant, cart, 1200)
    add_charge(merchant, cart, 800, state="Failure")

    body = shop.session_for({"cartId": cart["id"]}).json()

    assert body["cart"]["stillToPay"] == money(3800)


def test_a_cart_paid_in_full_gets_no_session(shop, checkout, merchant, emulator):
    cart = checkout.cart(5000)
    add_charge(merchant, cart, 5000)
    before = created(emulator)

    response = shop.session_for({"cartId": cart["id"]})

    assert response.status_code == 400
    assert response.json() == error_body(400, "InvalidOperation", "The cart is paid in full.")
    assert created(emulator) == before


def test_an_ordered_cart_gets_no_session(shop, checkout, merchant_token, emulator):
    cart = checkout.cart(5000)
    ordered = requests.post(f"{emulator.url}/{PROJECT_KEY}/orders", timeout=5,
                            headers={"Authorization": f"Bearer {merchant_token}"},
                            json={"cart": {"typeId": "cart", "id": cart["id"]},
                                  "version": cart["version"]})
    assert ordered.status_code == 201, ordered.text
    before = created(emulator)

    response = shop.session_for({"cartId": cart["id"]})

    assert response.status_code == 400
    assert response.json() == error_body(400, "InvalidOperation",
                                         "The cart is not active any more.")
    assert created(emulator) == before


NOT_JSON = "The body must be a JSON object (Content-Type: application/json)."
BAD_CART = "cartId must be a cart's id."
BAD_REQUESTS = {
    "form": ({"data": {"cartId": "x"}}, "InvalidJsonInput", NOT_JSON, {}),
    "json-as-text": ({"data": "{}", "headers": {"Content-Type": "text/plain"}},
                     "InvalidJsonInput", NOT_JSON, {}),
    "no-body": ({"headers": {"Content-Type": "application/json"}}, "InvalidJsonInput",
                NOT_JSON, {}),
    "malformed": ({"data": "{cartId:", "headers": {"Content-Type": "application/json"}},
                  "InvalidJsonInput", NOT_JSON, {}),
    "array": ({"json": ["cart"]}, "InvalidJsonInput", NOT_JSON, {}),
    "unknown-field": ({"json": {"cart_id": "abc"}}, "InvalidInput",
                      "Unknown field 'cart_id'; the body takes only cartId.", {}),
    "number": ({"json": {"cartId": 42}}, "InvalidField", BAD_CART, {"field": "cartId"}),
    "empty": ({"json": {"cartId": ""}}, "InvalidField", BAD_CART, {"field": "cartId"}),
    "path": ({"json": {"cartId": "../payments"}}, "InvalidField", BAD_CART, {"field": "cartId"}),
    "too-long": ({"json": {"cartId": "a" * 129}}, "InvalidField", BAD_CART, {"field": "cartId"}),
    "newline": ({"json": {"cartId": "abc\n"}}, "InvalidField", BAD_CART, {"field": "cartId"}),
}


@pytest.mark.parametrize("request_, code, message, fields", BAD_REQUESTS.values(),
                         ids=BAD_REQUESTS.keys())
def test_a_bad_request_gets_a_clear_error_and_creates_nothing(
    shop, emulator, request_, code, message, fields
):
    before = created(emulator)

    response = shop.request("POST", ENDPOINT, **request_)

    assert response.status_code == 400
    assert response.json() == error_body(400, code, message, **fields)
    assert created(emulator) == before


def test_an_unknown_cart_is_404_and_gets_no_session(shop, emulator):
    before = created(emulator)

    response = shop.session_for({"cartId": str(uuid.uuid4())})

    assert response.status_code == 404
    assert response.json() == error_body(404, "ResourceNotFound",
                                         "There is no cart with this cartId.")
    assert created(emulator) == before


def test_a_wrong_client_secret_is_logged_for_the_operator_not_shown(emulator, shop_client, caplog):
    wrong = (shop_client[0], "not-the-" + shop_client[1])
    with serve_shop(emulator.url, wrong) as server:
        response = Shop(server, wrong).session_for({})

    assert response.status_code == 503
    assert response.json() == error_body(503, "ServiceUnavailable",
                                         "The Checkout session could not be created.")
    (record,) = [r for r in caplog.records if r.name == "shop" and r.levelno == logging.ERROR]
    assert "HTTP 401" in record.getMessage()
    assert wrong[1] not in caplog.text


def test_a_client_without_manage_sessions_is_refused_and_logged(emulator, caplog):
    credentials = ("shop-no-sessions", secrets.token_urlsafe(18))
    requests.post(f"{emulator.url}/_emulator/clients", timeout=5, json={
        "clientId": credentials[0], "secret": credentials[1],
        "scope": f"manage_orders:{PROJECT_KEY} view_payments:{PROJECT_KEY}"}).raise_for_status()
    with serve_shop(emulator.url, credentials) as server:
        response = Shop(server, credentials).session_for({})

    assert response.status_code == 503
    (record,) = [r for r in caplog.records if r.name == "shop" and r.levelno == logging.ERROR]
    assert "HTTP 403" in record.getMessage()


def test_commercetools_out_of_reach_is_503(shop_client):
    nowhere = f"http://127.0.0.1:{free_port()}"
    with serve_shop(nowhere, shop_client) as server:
        response = Shop(server, shop_client).session_for({})

    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "ServiceUnavailable"


def test_other_methods_and_paths_answer_in_the_same_error_shape(shop):
    wrong_method = shop.request("GET", ENDPOINT)
    assert wrong_method.status_code == 405
    assert set(wrong_method.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    assert wrong_method.json()["errors"][0]["code"] == "MethodNotAllowed"

    unknown = shop.request("GET", "/api/carts")
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["code"] == "ResourceNotFound"


def csp_directives(header: str) -> dict[str, set[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in directives}


class InlineCode(HTMLParser):
    """Collects inline scripts, style elements and attributes, and event handler attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names or tag == "style":
            self.found.append(tag)
        self.found += [name for name in names if name == "style" or name.startswith("on")]


def test_the_page_runs_under_a_strict_policy_with_no_inline_code_or_secrets(shop):
    page = shop.request("GET", "/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    policy = csp_directives(page.headers["Content-Security-Policy"])
    assert policy["default-src"] == {"'none'"}
    for directive in ("script-src", "style-src", "connect-src"):
        assert policy[directive] == {"'self'", PROCESSOR}, directive
    assert policy["frame-ancestors"] == policy["base-uri"] == {"'none'"}
    assert policy["require-trusted-types-for"] == {"'script'"}
    assert not [v for values in policy.values() for v in values if v.startswith("'unsafe")]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    parser = InlineCode()
    parser.feed(page.text)
    assert parser.found == []

    for asset in ("checkout.js", "shop.css"):
        response = shop.request("GET", f"/static/{asset}")
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"]
    script = (EXAMPLE / "static" / "checkout.js").read_text()
    assert "innerHTML" not in script and "eval(" not in script


def test_settings_name_everything_missing(monkeypatch):
    shop = load_shop()
    with pytest.raises(ConfigurationError) as missing:
        shop.ShopSettings.from_env({})
    assert str(missing.value) == f"the shop needs {', '.join(shop.REQUIRED)} (see README.md)"

    monkeypatch.delenv("CTP_CLIENT_SECRET", raising=False)
    with pytest.raises(ConfigurationError, match="CTP_CLIENT_SECRET"):
        shop.create_app()  # the environment, as `flask --app shop run` reads it


@pytest.mark.parametrize("name, value, message", [
    ("PROCESSOR_URL", "pay.shop.example", "PROCESSOR_URL must be an http(s) URL"),
    ("PROCESSOR_URL", "ftp://pay.shop.example", "PROCESSOR_URL must be an http(s) URL"),
    ("SHOP_CURRENCY", "euro", "SHOP_CURRENCY must be a three-letter code"),
])
def test_settings_refuse_malformed_values(name, value, message):
    config = shop_config("http://127.0.0.1:1", PROCESSOR, **{name: value})
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        load_shop().ShopSettings.from_env(config)


def test_settings_repr_hides_the_client_secret():
    settings = load_shop().ShopSettings.from_env(
        shop_config("http://127.0.0.1:1", PROCESSOR, CTP_CLIENT_SECRET="very-secret-value"))
    assert "very-secret-value" not in repr(settings)
    assert settings.processor_origin == PROCESSOR
