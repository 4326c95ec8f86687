"""What a browser (or anyone) sees of the processor: headers, strict JSON bodies, bounded depth."""

from __future__ import annotations

import json

import pytest
import requests

from giftcard_connect import GiftCardError
from giftcard_connect.api.body import MAX_DEPTH, too_deep
from giftcard_connect.app import create_app

from ..conftest import processor_config

AMOUNT = {"centAmount": 100, "currencyCode": "EUR"}
NESTED_1000 = "[" * 1000 + "]" * 1000  # 2000 bytes, far under the body limit


@pytest.fixture
def app(emulator, fake_provider):
    """The scripted-provider processor, with Merchant Center JWTs from the emulator."""
    return create_app(processor_config(
        emulator.url, GIFTCARD_PROVIDER="fake", GIFTCARD_PAYMENT_INTERFACE="mock",
        PLUGINS={"fake": fake_provider}, LOAD_ENTRYPOINTS=False,
        CTP_JWKS_URL=f"{emulator.url}/.well-known/jwks.json", CTP_JWT_ISSUER=emulator.url,
    ))


@pytest.fixture
def session(checkout):
    return checkout.session(checkout.cart(10_000))


@pytest.fixture
def payment(client, session):
    response = client.post("/redeem", json={"code": "GC-1", "redeemAmount": AMOUNT},
                           headers={"X-Session-Id": session})
    return response.json["paymentReference"]


@pytest.fixture
def jwt(emulator):
    response = requests.post(f"{emulator.url}/_emulator/jwt", json={}, timeout=5)
    return response.json()["token"]


def assert_private(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/json"


def test_every_answer_with_card_data_is_neither_sniffed_nor_stored(
    client, fake_provider, session, payment, merchant_token, jwt
):
    bearer = {"Authorization": f"Bearer {merchant_token}"}
    answers = {
        "balance": client.post("/balance", json={"code": "GC-1"},
                               headers={"X-Session-Id": session}),
        "config": client.get("/operations/config", headers={"X-Session-Id": session}),
        "intent": client.post(f"/operations/payment-intents/{payment}", headers=bearer,
                              json={"actions": [{"action": "refundPayment", "amount": AMOUNT}]}),
        "status": client.get("/operations/status", headers={"Authorization": f"Bearer {jwt}"}),
        "no session": client.post("/balance", json={"code": "GC-1"}),
        "unknown path": client.get("/nothing-here"),
        "healthz": client.get("/healthz"),
    }
    fake_provider.balance_result = fake_provider.redeem_result = GiftCardError("Expired")
    answers["decline"] = client.post("/balance", json={"code": "GC-1"},
                                     headers={"X-Session-Id": session})
    answers["redeem failure"] = client.post(
        "/redeem", json={"code": "GC-1", "redeemAmount": AMOUNT}, headers={"X-Session-Id": session}
    )
    assert {name: a.status_code for name, a in answers.items()} == {
        "balance": 200, "config": 200, "intent": 200, "status": 200, "no session": 401,
        "unknown path": 404, "healthz": 200, "decline": 400, "redeem failure": 200,
    }
    for response in answers.values():
        assert_private(response)


def test_enabler_files_stay_cacheable_and_unsniffed(client):
    response = client.get("/enabler/enabler.js")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.mark.parametrize("content_type", [
    None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/jsonp", "application/merge-patch+json",
])
@pytest.mark.parametrize("path", ["/balance", "/redeem", "intent"])
def test_bodies_must_be_sent_as_json(client, session, payment, merchant_token, path, content_type):
    """A browser sends text/plain or a form cross-origin without a preflight: refused."""
    headers = {"X-Session-Id": session, "Authorization": f"Bearer {merchant_token}"}
    if content_type:
        headers["Content-Type"] = content_type
    url = f"/operations/payment-intents/{payment}" if path == "intent" else path
    body = {"code": "GC-1", "redeemAmount": AMOUNT, "actions": [{"action": "cancelPayment"}]}
    response = client.post(url, data=json.dumps(body), headers=headers)
    assert response.status_code == 415
    message = "The request body must be sent as application/json."
    assert response.json == {"statusCode": 415, "message": message,
                             "errors": [{"code": "UnsupportedMediaType", "message": message}]}
    assert_private(response)


def test_json_with_a_charset_is_json(client, session):
    response = client.post("/balance", data=json.dumps({"code": "GC-1"}),
                           headers={"X-Session-Id": session,
                                    "Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200


@pytest.mark.parametrize("body", [
    NESTED_1000,
    '{"code": ' + NESTED_1000 + "}",
    '{"code": "GC-1", "pin": ' + '{"a": ' * 500 + "1" + "}" * 501,
])
@pytest.mark.parametrize("path", ["/balance", "/redeem", "intent"])
def test_deep_nesting_is_a_clear_400_never_a_500(
    client, fake_provider, session, payment, merchant_token, path, body
):
    headers = {"X-Session-Id": session, "Authorization": f"Bearer {merchant_token}",
               "Content-Type": "application/json"}
    url = f"/operations/payment-intents/{payment}" if path == "intent" else path
    calls = len(fake_provider.calls)
    response = client.post(url, data=body, headers=headers)
    assert response.status_code == 400
    message = f"Request body nests deeper than {MAX_DEPTH} levels."
    assert response.json["errors"] == [{"code": "InvalidJsonInput", "message": message}]
    assert len(fake_provider.calls) == calls


def test_nesting_up_to_the_bound_is_parsed(client, session):
    deep_pin = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # 32 levels with the body
    response = client.post("/balance", data=f'{{"code": "GC-1", "pin": {deep_pin}}}',
                           headers={"X-Session-Id": session, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidField"
    assert response.json["errors"][0]["field"] == "pin"


@pytest.mark.parametrize("text, deep", [
    ("[" * 33 + "]" * 33, True),
    ("[" * 32 + "]" * 32, False),
    ('{"code": "' + "[" * 100 + '"}', False),  # brackets inside a string do not count
    ('{"code": "\\"' + "{" * 100 + '"}', False),  # nor after an escaped quote
    ('{"a": [{"b": [{"c": []}]}]}', False),
    ("[" * 5000, True),
])
def test_too_deep_counts_structure_only(text, deep):
    assert too_deep(text) is deep


def test_a_body_over_the_limit_is_a_400_in_the_documented_shape(client, session):
    response = client.post("/balance", json={"code": "x" * 20_000},
                           headers={"X-Session-Id": session})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidJsonInput"
    assert_private(response)


def test_a_wrong_method_names_the_allowed_ones(client):
    response = client.get("/balance")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"POST", "OPTIONS"}
    assert response.json["errors"][0]["code"] == "MethodNotAllowed"
