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
