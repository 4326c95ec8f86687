"""/openapi.json is a valid OpenAPI document built from the request schemas."""

from openapi_spec_validator import validate

from giftcard_connect.api.schemas import RedeemSchema


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
