"""OAuth token issuance, introspection, bearer enforcement and scopes, JWKS + dev JWTs."""

from __future__ import annotations

import base64

import jwt
import pytest
from giftcard_connect.emulator import create_app

from .helpers import Api, basic, cart_draft, payment_draft


def test_token_for_good_credentials_has_the_client_scope(client):
    response = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                           headers=basic("processor"))
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 172800
    assert body["scope"].split() == ["manage_payments:demo", "manage_orders:demo",
                                     "view_sessions:demo", "introspect_oauth_tokens:demo"]
    assert len(body["access_token"]) >= 32


@pytest.mark.parametrize("headers", [basic("processor", "wrong"), basic("admin", ""), {}],
                         ids=["bad-secret", "empty-secret", "no-auth"])
def test_token_rejects_bad_credentials(client, headers):
    response = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                           headers=headers)
    assert response.status_code == 401
    body = response.json
    assert body["statusCode"] == 401
    assert body["message"] == ("Please provide valid client credentials using HTTP Basic "
                               "Authentication.")
    assert body["errors"][0]["code"] == "invalid_client"
    assert body["error"] == "invalid_client"
    assert body["error_description"] == body["message"]


def test_token_scope_must_be_a_subset(client):
    ok = client.post("/oauth/token", headers=basic("processor"),
                     data={"grant_type": "client_credentials", "scope": "manage_payments:demo"})
    assert ok.status_code == 200
    assert ok.json["scope"] == "manage_payments:demo"
    wider = client.post("/oauth/token", headers=basic("processor"),
                        data={"grant_type": "client_credentials",
                              "scope": "manage_payments:demo manage_project:demo"})
    assert wider.status_code == 400
    assert wider.json["error"] == "invalid_scope"


def test_token_needs_client_credentials_grant(client):
    response = client.post("/oauth/token", data={"grant_type": "password"}, headers=basic("admin"))
    assert response.status_code == 400
    assert response.json["error"] == "unsupported_grant_type"


def _introspect(client, value, client_id="processor"):
    return client.post("/oauth/introspect", data={"token": value}, headers=basic(client_id))


def test_introspection_of_an_active_token(client, token, store):
    value = token("checkout")
    before = store.clock()
    body = _introspect(client, value).json
    assert body["active"] is True
    assert body["scope"] == "manage_sessions:demo"
    assert body["client_id"] == "checkout"
    assert isinstance(body["exp"], int)
    assert abs(body["exp"] - (before + 172800)) <= 2


def test_introspection_of_unknown_and_expired_tokens(client, token, store):
    assert _introspect(client, "nope").json == {"active": False}
    value = token("checkout")
    store.tokens[value].exp = store.clock() - 1
    assert _introspect(client, value).json == {"active": False}


def test_introspection_allowed_for_manage_project(client, token):
    assert _introspect(client, token("viewer"), client_id="admin").json["active"] is True


@pytest.mark.parametrize("client_id", ["checkout", "viewer", "stranger"])
def test_introspection_needs_the_introspect_scope(client, token, client_id):
    response = _introspect(client, token("admin"), client_id=client_id)
    assert response.status_code == 403
    assert response.json["error"] == "insufficient_scope"
    assert response.json["errors"][0]["code"] == "insufficient_scope"


def test_introspection_needs_valid_client_credentials(client, token):
    response = client.post("/oauth/introspect", data={"token": token("admin")},
                           headers=basic("processor", "bad"))
    assert response.status_code == 401
    assert response.json["error"] == "invalid_client"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer unknown"},
                                     {"Authorization": "Basic YWRtaW46YWRtaW4tc2VjcmV0"}],
                         ids=["missing", "unknown", "basic-scheme"])
def test_project_routes_need_a_bearer_token(client, headers):
    response = client.get("/demo/payments", headers=headers)
    assert response.status_code == 401
    body = response.json
    assert body["error"] == "invalid_token"
    assert body["errors"][0]["code"] == "invalid_token"
    assert body["statusCode"] == 401
    assert body["error_description"] == body["message"]


def test_expired_bearer_token_is_rejected(client, token, store):
    value = token("admin")
    api = Api(client, value)
    assert api.get("/demo/payments").status_code == 200
    store.clock = lambda: store.tokens[value].exp + 1
    response = api.get("/demo/payments")
    assert response.status_code == 401
    assert response.json["error"] == "invalid_token"


def test_token_for_another_project_is_forbidden(api_for):
    response = api_for("stranger").get("/demo/payments")
    assert response.status_code == 403
    assert response.json["error"] == "insufficient_scope"
    assert response.json["errors"][0]["code"] == "insufficient_scope"


def test_unknown_project_is_not_found_even_with_its_scope(api_for):
    response = api_for("stranger").get("/other/payments")
    assert response.status_code == 404
    assert response.json["errors"][0]["code"] == "ResourceNotFound"


def test_view_scopes_read_but_do_not_write(api, api_for):
    payment = api.post("/demo/payments", payment_draft()).json
    cart = api.post("/demo/carts", cart_draft((100, 1))).json
    viewer = api_for("viewer")
    assert viewer.get(f"/demo/payments/{payment['id']}").status_code == 200
    assert viewer.get(f"/demo/carts/{cart['id']}").status_code == 200
    for path, body in [("/demo/payments", payment_draft()), ("/demo/carts", cart_draft()),
                       ("/demo/sessions", {"cart": {"cartRef": {"id": cart["id"]}}})]:
        response = viewer.post(path, body)
        assert response.status_code == 403, path
        assert response.json["error"] == "insufficient_scope"


def test_each_scope_covers_only_its_resource(api, api_for):
    cart = api.post("/demo/carts", cart_draft((100, 1))).json
    checkout = api_for("checkout")
    assert checkout.post("/demo/sessions", {"cart": {"cartRef": {"id": cart["id"]}}}
                         ).status_code == 201
    assert checkout.get("/demo/payments").status_code == 403
    assert checkout.get(f"/demo/carts/{cart['id']}").status_code == 403
    narrow = api_for("processor", "manage_payments:demo")
    assert narrow.post("/demo/payments", payment_draft()).status_code == 201
    assert narrow.get(f"/demo/carts/{cart['id']}").status_code == 403


def test_minted_jwt_verifies_against_the_jwks(client, app):
    token = client.post("/_emulator/jwt", json={}).json["token"]
    jwks = client.get("/.well-known/jwks.json").json
    header = jwt.get_unverified_header(token)
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"],
                        issuer="http://localhost")
    assert claims["http://localhost/claims/project_key"] == "demo"
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["nbf"] == claims["iat"]
    assert claims["sub"]


def test_jwt_issuer_override_project_key_and_claims():
    client = create_app({"JWT_ISSUER": "https://mc.example"}).test_client()
    token = client.post("/_emulator/jwt", json={"projectKey": "shop", "ttl": 60,
                                                "claims": {"sub": "merchant-1"}}).json["token"]
    jwk = jwt.PyJWK(client.get("/.well-known/jwks.json").json["keys"][0])
    claims = jwt.decode(token, jwk.key, algorithms=["RS256"], issuer="https://mc.example")
    assert claims["https://mc.example/claims/project_key"] == "shop"
    assert claims["sub"] == "merchant-1"


def test_expired_jwt_fails_verification(client):
    token = client.post("/_emulator/jwt", json={"ttl": -60}).json["token"]
    jwk = jwt.PyJWK(client.get("/.well-known/jwks.json").json["keys"][0])
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, jwk.key, algorithms=["RS256"])


def test_each_app_has_its_own_signing_key(client):
    token = create_app().test_client().post("/_emulator/jwt").json["token"]
    jwk = jwt.PyJWK(client.get("/.well-known/jwks.json").json["keys"][0])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, jwk.key, algorithms=["RS256"])


def test_runtime_client_can_get_tokens(client):
    created = client.post("/_emulator/clients", json={"scope": "view_payments:demo"})
    assert created.status_code == 201
    body = created.json
    assert body["scope"] == "view_payments:demo"
    raw = f"{body['clientId']}:{body['secret']}"
    headers = {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}
    issued = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                         headers=headers)
    assert issued.status_code == 200
    assert issued.json["scope"] == "view_payments:demo"
    fixed = client.post("/_emulator/clients",
                        json={"scope": "manage_project:demo", "clientId": "me", "secret": "pw"})
    assert fixed.json == {"clientId": "me", "secret": "pw", "scope": "manage_project:demo"}
    assert client.post("/_emulator/clients", json={"scope": ""}).status_code == 400
