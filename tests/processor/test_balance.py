"""POST /balance through the Flask test client, with a scripted provider and a real emulator."""

import pytest
import requests

from giftcard_connect import GiftCardError, ProviderUnavailable
from giftcard_connect.models import Balance, Money

CODE = "SECRET-CODE-4711"


def post_balance(client, session_id, body=None, **kwargs):
    headers = {"X-Session-Id": session_id} if session_id else {}
    if body is None:
        body = {"code": CODE, "pin": "1234"}
    return client.post("/balance", json=body, headers=headers, **kwargs)


def test_balance_valid_card(client, checkout, fake_provider):
    response = post_balance(client, checkout.session())
    assert response.status_code == 200
    assert response.json == {"status": {"state": "Valid"}, "amount": {"centAmount": 5000, "currencyCode": "EUR"}}
    (call,) = fake_provider.calls
    assert call[1]["card"].code == CODE and call[1]["card"].pin == "1234"


def test_balance_strips_whitespace_and_empty_pin(client, checkout, fake_provider):
    post_balance(client, checkout.session(), {"code": f"  {CODE}\n", "pin": ""})
    card = fake_provider.calls[0][1]["card"]
    assert card.code == CODE and card.pin is None


@pytest.mark.parametrize("state", ["Expired", "ZeroBalance", "CurrencyNotMatch", "GenericError"])
def test_balance_decline_states(client, checkout, fake_provider, state):
    fake_provider.balance_result = GiftCardError(state, f"{state}Code", f"card is {state}")
    response = post_balance(client, checkout.session())
    assert response.status_code == 400
    assert response.json == {
        "status": {"state": state, "errors": [{"code": f"{state}Code", "message": f"card is {state}"}]}
    }


@pytest.mark.parametrize("state, code", [("NotFound", "NotFound"), ("Invalid", "InvalidPin")])
def test_balance_unknown_card_is_one_answer(client, checkout, fake_provider, state, code):
    """No answer tells whether a card with the code exists or needs another PIN."""
    fake_provider.balance_result = GiftCardError(state, code, f"provider says {code}")
    response = post_balance(client, checkout.session())
    assert response.status_code == 400
    assert response.json == {"status": {"state": "Invalid", "errors": [
        {"code": "Invalid", "message": "No usable gift card matches this code and PIN."}]}}


def test_balance_provider_unavailable_is_generic_error(client, checkout, fake_provider):
    fake_provider.balance_result = ProviderUnavailable("timed out after 2s")
    response = post_balance(client, checkout.session())
    assert response.status_code == 502
    assert response.json["status"]["state"] == "GenericError"


def test_balance_plugin_crash_is_generic_error_not_500(client, checkout, fake_provider):
    fake_provider.balance_result = KeyError("oops")
    response = post_balance(client, checkout.session())
    assert response.status_code == 502
    assert response.json["status"]["state"] == "GenericError"


def test_balance_plugin_returning_wrong_type_is_generic_error(client, checkout, fake_provider):
    fake_provider.balance_result = Money(5000, "EUR")  # a broken plugin: not a Balance
    response = post_balance(client, checkout.session())
    assert response.status_code == 502


def test_balance_in_other_currency_is_currency_not_match(client, checkout, fake_provider):
    fake_provider.balance_result = Balance(Money(5000, "USD"))
    response = post_balance(client, checkout.session())
    assert response.status_code == 400
    assert response.json["status"]["state"] == "CurrencyNotMatch"


def test_balance_cart_in_other_currency_is_currency_not_match(client, checkout, fake_provider):
    """The cart is read beside the provider call (a balance moves no money); its currency
    still decides the answer, whatever the provider said."""
    session = checkout.session(checkout.cart(currency="USD"))
    response = post_balance(client, session)
    assert response.json["status"]["state"] == "CurrencyNotMatch"

    fake_provider.balance_result = GiftCardError("NotFound", "NotFound", "No such card")
    response = post_balance(client, session)
    assert response.json["status"]["state"] == "CurrencyNotMatch"


def test_balance_commercetools_down_answers_503_even_when_the_provider_declined(
    client, checkout, emulator, fake_provider
):
    session = checkout.session()
    fake_provider.balance_result = GiftCardError("NotFound", "NotFound", "No such card")
    requests.put(f"{emulator.url}/_emulator/faults",
                 json=[{"route": "GET /<projectKey>/carts/<id>", "status": 503}], timeout=5).raise_for_status()
    response = post_balance(client, session)
    assert response.status_code == 503
    assert response.json["errors"][0]["code"] == "ServiceUnavailable"


def test_balance_zero_is_zero_balance(client, checkout, fake_provider):
    fake_provider.balance_result = Balance(Money(0, "EUR"))
    response = post_balance(client, checkout.session())
    assert response.json["status"]["state"] == "ZeroBalance"


SESSION_ERROR = {
    "message": "Session is not active",
    "statusCode": 401,
    "errors": [{"code": "invalid_token", "message": "Session is not active"}],
    "error": "invalid_token",
    "error_description": "Session is not active",
}


def test_balance_without_session_header_is_401(client, fake_provider):
    response = post_balance(client, None)
    assert response.status_code == 401
    assert response.json["error"] == "invalid_token"
    assert "X-Session-Id" in response.json["message"]
    assert fake_provider.calls == []


@pytest.mark.parametrize("session_id", ["does-not-exist", "../carts/x", "a" * 200, "id with spaces"])
def test_balance_unknown_or_malformed_session_is_401(client, session_id, fake_provider):
    response = post_balance(client, session_id)
    assert response.status_code == 401
    assert response.json == SESSION_ERROR
    assert fake_provider.calls == []


def test_balance_expired_session_is_401(client, checkout, emulator, fake_provider):
    session = checkout.session()
    requests.post(f"{emulator.url}/_emulator/sessions/{session}/expire", timeout=5).raise_for_status()
    response = post_balance(client, session)
    assert response.status_code == 401
    assert response.json == SESSION_ERROR


def test_balance_session_cache_expires_with_session(app, checkout, emulator, fake_provider):
    client = app.test_client()
    session = checkout.session()
    assert post_balance(client, session).status_code == 200
    sessions = app.extensions["giftcard_connect"].sessions
    sessions._clock = lambda: 4_102_444_800  # 2100-01-01: past any expiryAt
    assert post_balance(client, session).status_code == 401


@pytest.mark.parametrize(
    "raw, code",
    [
        (b"{not json", "InvalidJsonInput"),
        (b"[1, 2]", "InvalidJsonInput"),
        (b"", "InvalidJsonInput"),
        (b'{"pin": "1234"}', "RequiredField"),
        (b'{"code": 12345}', "InvalidField"),
        (b'{"code": ""}', "InvalidField"),
        (b'{"code": "   "}', "InvalidField"),
        (b'{"code": "X", "pin": 1234}', "InvalidField"),
        (b'{"code": "' + b"x" * 200 + b'"}', "InvalidField"),
    ],
)
def test_balance_bad_input_is_400(client, checkout, fake_provider, raw, code):
    response = client.post(
        "/balance", data=raw, headers={"X-Session-Id": checkout.session(), "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["statusCode"] == 400
    assert response.json["errors"][0]["code"] == code
    assert b"1234" not in response.data and b"xxxxxxxx" not in response.data
    assert fake_provider.calls == []


def test_balance_oversize_body_is_400(client, checkout, fake_provider):
    body = b'{"code": "' + b"x" * 20_000 + b'"}'
    response = client.post(
        "/balance", data=body, headers={"X-Session-Id": checkout.session(), "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidJsonInput"


def test_balance_required_field_names_the_field(client, checkout):
    response = post_balance(client, checkout.session(), {})
    assert response.json["errors"] == [
        {"code": "RequiredField", "field": "code", "message": "A value is required for field code."}
    ]


def test_unknown_route_and_method_answer_json(client):
    assert client.get("/nope").json["errors"][0]["code"] == "ResourceNotFound"
    response = client.get("/balance")
    assert response.status_code == 405
    assert response.json["statusCode"] == 405


def test_correlation_id_is_echoed_or_created(client):
    assert client.get("/healthz", headers={"X-Correlation-ID": "abc-123"}).headers["X-Correlation-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Correlation-ID": "bad id <script>"}).headers["X-Correlation-ID"]
    assert made and "script" not in made


def test_operations_config_tells_enabler_about_pin(client, checkout):
    response = client.get("/operations/config", headers={"X-Session-Id": checkout.session()})
    assert response.status_code == 200
    assert response.json == {
        "provider": "fake",
        "displayName": "fake",
        "pin": "required",
        "currency": "EUR",
        "supportsPartialCancel": True,
    }


def test_operations_config_requires_session(client):
    assert client.get("/operations/config").status_code == 401


def test_balance_of_a_known_cart_asks_only_the_provider(client, checkout, emulator, fake_provider):
    """A cart's currency never changes: once read, later balance checks of the cart skip it."""
    cart = checkout.cart()
    first, second = checkout.session(cart), checkout.session(cart)
    assert post_balance(client, first).status_code == 200
    requests.post(f"{emulator.url}/_emulator/stats/reset", timeout=5).raise_for_status()

    assert post_balance(client, first).json["status"]["state"] == "Valid"
    assert post_balance(client, second).json["status"]["state"] == "Valid"

    counted = requests.get(f"{emulator.url}/_emulator/stats", timeout=5).json()["requests"]
    assert "GET /<projectKey>/carts/<id>" not in counted
    assert counted["GET /<projectKey>/sessions/<id>"] == 1  # the second session, once
    assert [c[0] for c in fake_provider.calls] == ["balance"] * 3


def test_balance_of_a_known_cart_in_another_currency_never_asks_the_provider(
    client, checkout, fake_provider
):
    session = checkout.session(checkout.cart(currency="USD"))
    assert post_balance(client, session).json["status"]["state"] == "CurrencyNotMatch"
    fake_provider.calls.clear()
    assert post_balance(client, session).json["status"]["state"] == "CurrencyNotMatch"
    assert fake_provider.calls == []
