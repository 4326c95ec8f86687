"""The local checkout page's server over plain HTTP (no browser): part of the default suite."""

from __future__ import annotations

import pytest

from giftcard_connect.storefront import create_app

from ..conftest import MERCHANT

PROCESSOR_URL = "http://127.0.0.1:9/"


@pytest.fixture
def created(checkout):
    """Every checkout the storefront asked for, newest last."""
    made = []

    def new_checkout():
        cart = checkout.cart(cent_amount=6000)
        made.append({"cartId": cart["id"], "sessionId": checkout.session(cart)})
        return made[-1]

    new_checkout.made = made
    return new_checkout


@pytest.fixture
def storefront(merchant, created):
    app = create_app(commercetools=merchant, processor_url=PROCESSOR_URL, new_checkout=created)
    return app.test_client()


def test_page_loads_the_enabler_from_the_processor_under_a_strict_csp(storefront):
    response = storefront.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert 'data-enabler-url="http://127.0.0.1:9/enabler/enabler.js"' in html
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self' http://127.0.0.1:9" in csp
    assert "connect-src 'self' http://127.0.0.1:9" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in html  # no inline script: the CSP would refuse it


@pytest.mark.parametrize("path", ["/", "/?locale=de", "/api/checkout"])
def test_demo_pages_refuse_to_be_framed(storefront, path):
    response = storefront.get(path)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("locale, language, text", [
    ("de-DE", "de", "Mit Gutschein bezahlen"),
    ("fr", "fr", "Payer avec la carte cadeau"),
    ("nl_NL", "nl", "Betalen met cadeaukaart"),
    ("cs", "cs", "Zaplatit dárkovou kartou"),
    ("es-MX", "es", "Pagar con tarjeta regalo"),
    ("pt-BR", "en", "Pay with gift card"),
])
def test_page_is_translated(storefront, locale, language, text):
    html = storefront.get(f"/?locale={locale}").get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    assert text in html
    assert f'<option value="{language}" lang="{language}" selected>' in html


def test_every_language_has_every_text():
    from giftcard_connect.storefront.messages import LANGUAGE_NAMES, MESSAGES

    assert set(MESSAGES) == set(LANGUAGE_NAMES)
    for language, texts in MESSAGES.items():
        assert texts.keys() == MESSAGES["en"].keys(), language


def test_checkout_describes_cart_and_payments_without_credentials(storefront, merchant, created):
    state = storefront.get("/api/checkout").get_json()
    (first,) = created.made
    assert state["cartId"] == first["cartId"] and state["sessionId"] == first["sessionId"]
    assert state["processorUrl"] == "http://127.0.0.1:9"
    assert state["total"] == {"centAmount": 6000, "currencyCode": "EUR", "fractionDigits": 2}
    assert state["stillToPay"]["centAmount"] == 6000 and state["paid"]["centAmount"] == 0
    assert state["items"][0]["name"] == "Teapot" and state["payments"] == []

    # A gift card charge recorded on the cart (as the processor does) shows up.
    payment = merchant.create_payment({
        "amountPlanned": {"centAmount": 2500, "currencyCode": "EUR"},
        "paymentMethodInfo": {"paymentInterface": "mock", "method": "giftcard"},
        "transactions": [{"type": "Charge", "state": "Success",
                          "amount": {"centAmount": 2500, "currencyCode": "EUR"}}],
    })
    cart = merchant.get_cart(first["cartId"])
    merchant.update_cart(cart["id"], cart["version"],
                         [{"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}])
    response = storefront.get("/api/checkout")
    assert response.headers["Cache-Control"] == "no-store"
    state = response.get_json()
    assert state["stillToPay"]["centAmount"] == 3500 and state["paid"]["centAmount"] == 2500
    (shown,) = state["payments"]
    assert shown["id"] == payment["id"] and shown["method"] == "giftcard"
    assert [(t["type"], t["state"], t["amount"]["centAmount"]) for t in shown["transactions"]] == [
        ("Charge", "Success", 2500)
    ]
    assert MERCHANT[1] not in response.get_data(as_text=True)
    assert MERCHANT[1] not in storefront.get("/").get_data(as_text=True)



def test_checkout_shows_net_amounts_after_a_partial_refund(storefront, merchant, created):
    """Paid counts what stayed paid: a partly refunded payment pays its net amount."""
    storefront.get("/api/checkout")
    (first,) = created.made
    money = lambda cents: {"centAmount": cents, "currencyCode": "EUR"}  # noqa: E731
    payment = merchant.create_payment({
        "amountPlanned": money(6000),
        "paymentMethodInfo": {"paymentInterface": "mock", "method": "giftcard"},
        "transactions": [{"type": "Charge", "state": "Success", "amount": money(6000)},
                         {"type": "Refund", "state": "Success", "amount": money(500)},
                         {"type": "Refund", "state": "Pending", "amount": money(1000)}],
    })
    cart = merchant.get_cart(first["cartId"])
    merchant.update_cart(cart["id"], cart["version"],
                         [{"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}])

    state = storefront.get("/api/checkout").get_json()

    assert state["paid"]["centAmount"] == 5500  # the Pending refund may still fail
    assert state["stillToPay"]["centAmount"] == 500
    (shown,) = state["payments"]
    assert shown["amountPlanned"]["centAmount"] == 6000
    assert shown["netPaid"] == {"centAmount": 5500, "currencyCode": "EUR", "fractionDigits": 2}

def test_new_cart_is_per_browser_and_needs_a_json_request(merchant, created):
    app = create_app(commercetools=merchant, processor_url=PROCESSOR_URL, new_checkout=created)
    shopper, other = app.test_client(), app.test_client()
    first = shopper.get("/api/checkout").get_json()["cartId"]
    # A cross-site form post cannot send JSON without a CORS preflight, which fails.
    assert shopper.post("/api/checkout", data={"x": "1"}).status_code == 415
    response = shopper.post("/api/checkout", json={})
    assert response.status_code == 201
    assert "HttpOnly" in response.headers["Set-Cookie"] and "SameSite=Strict" in response.headers["Set-Cookie"]
    second = response.get_json()["cartId"]
    assert second != first
    assert shopper.get("/api/checkout").get_json()["cartId"] == second
    assert other.get("/api/checkout").get_json()["cartId"] == first
    assert len(created.made) == 2


def test_a_cart_that_no_longer_exists_falls_back_to_the_first(merchant, created):
    first = created()
    app = create_app(
        commercetools=merchant, processor_url=PROCESSOR_URL, new_checkout=created, checkout=first
    )
    client = app.test_client()
    with client.session_transaction() as session:
        session["checkout"] = {"cartId": "gone", "sessionId": "gone"}
    assert client.get("/api/checkout").get_json()["cartId"] == first["cartId"]
    with client.session_transaction() as session:
        assert "checkout" not in session


def test_commercetools_unreachable_is_a_json_502(merchant, created):
    app = create_app(
        commercetools=merchant,
        processor_url=PROCESSOR_URL,
        new_checkout=created,
        checkout={"cartId": "missing", "sessionId": "missing"},
    )
    response = app.test_client().get("/api/checkout")
    assert response.status_code == 502
    assert response.get_json()["statusCode"] == 502


def test_each_cart_shows_its_own_demo_cards(merchant, checkout):
    made = []

    def with_cards():
        cart = checkout.cart(cent_amount=6000)
        made.append({"cartId": cart["id"], "sessionId": checkout.session(cart),
                     "cards": [{"code": f"CARD-{len(made)}",
                                "amount": {"centAmount": 4000, "currencyCode": "EUR"}}]})
        return made[-1]

    app = create_app(commercetools=merchant, processor_url=PROCESSOR_URL, new_checkout=with_cards,
                     declined_codes=("Expired", "NotFound"), any_balance_code="Valid-<cents>-EUR")
    client = app.test_client()
    assert [c["code"] for c in client.get("/api/checkout").get_json()["demoCards"]] == ["CARD-0"]
    assert [c["code"] for c in client.post("/api/checkout", json={}).get_json()["demoCards"]] == [
        "CARD-1"]
    html = client.get("/?locale=de").get_data(as_text=True)
    assert "Absichtlich abgelehnt: <code>Expired, NotFound</code>" in html
    assert "Jeder Code <code>Valid-&lt;cents&gt;-EUR</code> ist beim ersten Einsatz" in html
    assert '<link rel="icon" href="data:,">' in html


def test_no_card_hints_without_known_cards(storefront, created):
    assert storefront.get("/api/checkout").get_json()["demoCards"] == []
    html = storefront.get("/").get_data(as_text=True)
    assert 'id="declined-codes"' not in html and 'id="any-balance"' not in html
