"""/openapi.json is a valid OpenAPI document built from the request schemas."""

import pytest
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from giftcard_connect import GiftCardError, ProviderUnavailable
from giftcard_connect.api.schemas import RedeemSchema
from giftcard_connect.models import Redemption, VoidResult


def test_openapi_document_is_valid(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    validate(response.json)


def test_openapi_documents_every_route_of_the_app(app, client):
    spec = client.get("/openapi.json").json
    documented = {
        (path.replace("{paymentId}", "<payment_id>").replace("{file}", "<path:filename>"), method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/openapi"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.rule, method) in documented, (rule.rule, method)


def test_openapi_request_bodies_come_from_the_validating_schemas(client):
    spec = client.get("/openapi.json").json
    body = spec["paths"]["/redeem"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    schema = spec["components"]["schemas"][name]
    assert set(schema["properties"]) == set(RedeemSchema().fields)
    assert set(schema["required"]) == {"code", "redeemAmount"}


def test_openapi_declares_the_three_auth_schemes(client):
    schemes = client.get("/openapi.json").json["components"]["securitySchemes"]
    assert schemes["session"] == {
        "type": "apiKey", "in": "header", "name": "X-Session-Id",
        "description": "A commercetools Checkout session id",
    }
    assert schemes["oauth2"]["scheme"] == schemes["jwt"]["scheme"] == "bearer"


def declared(spec: dict, path: str, method: str, status: int) -> dict:
    """The JSON schema the document declares for one answer, with its components."""
    content = spec["paths"][path][method]["responses"][str(status)]["content"]
    return {**content["application/json"]["schema"], "components": spec["components"]}


def charged(card, amount, reference):
    return Redemption(f"r-{reference}", amount)


def nothing_to_undo(reference):
    return VoidResult(reference, False)


TIMEOUT = ProviderUnavailable("read timeout")
REDEEM_ANSWERS = {
    # provider's redeem, its void, the status and result answered
    "success": (charged, None, 200, "Success"),
    "decline": (GiftCardError("Expired", "Expired", "Card has expired"), None, 200, "Failure"),
    "not-found": (GiftCardError("NotFound", "NotFound", "No such card"), None, 200, "Failure"),
    "voided": (TIMEOUT, nothing_to_undo, 200, "Failure"),
    "outcome-unknown": (TIMEOUT, ProviderUnavailable("still down"), 502, "Failure"),
}
BODY = {"code": "SECRET-CODE-4711", "redeemAmount": {"centAmount": 100, "currencyCode": "EUR"}}


@pytest.mark.parametrize(
    "redeem_result, void_result, status, result", REDEEM_ANSWERS.values(), ids=list(REDEEM_ANSWERS)
)
def test_openapi_declares_every_redeem_answer(
    client, checkout, fake_provider, redeem_result, void_result, status, result
):
    fake_provider.redeem_result = redeem_result
    if void_result is not None:
        fake_provider.void_result = void_result
    spec = client.get("/openapi.json").json
    response = client.post("/redeem", json=BODY, headers={"X-Session-Id": checkout.session()})
    assert (response.status_code, response.json["result"]) == (status, result)
    OAS30Validator(declared(spec, "/redeem", "post", status)).validate(response.json)


def test_openapi_redeem_refusals_are_errors_not_declines(client, checkout):
    spec = client.get("/openapi.json").json
    responses = spec["paths"]["/redeem"]["post"]["responses"]
    assert "404" not in responses  # a NotFound card is a 200 Failure
    too_much = {**BODY, "redeemAmount": {"centAmount": 10**9, "currencyCode": "EUR"}}
    response = client.post("/redeem", json=too_much, headers={"X-Session-Id": checkout.session()})
    assert response.status_code == 400
    OAS30Validator(declared(spec, "/redeem", "post", 400)).validate(response.json)
    failure = {"result": "Failure", "paymentReference": "p", "status": {"state": "Expired"}}
    with pytest.raises(ValidationError):
        OAS30Validator(declared(spec, "/redeem", "post", 400)).validate(failure)


def test_openapi_refund_requires_its_amount_and_names_every_action(client):
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    items = schemas["PaymentIntent"]["properties"]["actions"]["items"]
    assert items["discriminator"] == {"propertyName": "action"}
    actions = {ref["$ref"].rsplit("/", 1)[-1] for ref in items["oneOf"]}
    assert actions == {"CaptureAction", "RefundAction", "CancelAction", "ReverseAction"}
    assert sorted(schemas["RefundAction"]["required"]) == ["action", "amount"]
    assert schemas["RefundAction"]["properties"]["action"]["enum"] == ["refundPayment"]
    assert schemas["CaptureAction"]["required"] == ["action"]


@pytest.mark.parametrize("path, method, statuses", [
    ("/balance", "post", {"200", "400", "401", "415", "429", "500", "502", "503"}),
    ("/redeem", "post", {"200", "400", "401", "409", "415", "429", "500", "502", "503"}),
    ("/operations/config", "get", {"200", "401", "500", "502", "503"}),
    ("/operations/status", "get", {"200", "401", "500", "503"}),
    ("/operations/payment-intents/{paymentId}", "post",
     {"200", "400", "401", "403", "404", "409", "415", "500", "502", "503"}),
])
def test_openapi_declares_every_status_an_endpoint_can_answer(client, path, method, statuses):
    responses = client.get("/openapi.json").json["paths"][path][method]["responses"]
    assert set(responses) == statuses
    for status in statuses - {"200"}:
        assert "application/json" in responses[status]["content"], status


def test_openapi_errors_match_real_error_answers(client, checkout, fake_provider):
    """415, a too-deep body, a missing session and the rate limit, as the server sends them."""
    spec = client.get("/openapi.json").json
    session = checkout.session()
    answers = {
        415: client.post("/balance", data="code=x", headers={"X-Session-Id": session,
                                                             "Content-Type": "text/plain"}),
        400: client.post("/balance", data="[" * 1000 + "]" * 1000,
                         headers={"X-Session-Id": session, "Content-Type": "application/json"}),
        401: client.post("/balance", json={"code": "x"}),
    }
    fake_provider.balance_result = GiftCardError("NotFound")
    for _ in range(10):
        client.post("/balance", json={"code": "x"}, headers={"X-Session-Id": session})
    answers[429] = client.post("/balance", json={"code": "x"}, headers={"X-Session-Id": session})
    for status, response in answers.items():
        assert response.status_code == status
        OAS30Validator(declared(spec, "/balance", "post", status)).validate(response.json)
    assert "Retry-After" in spec["paths"]["/balance"]["post"]["responses"]["429"]["headers"]
