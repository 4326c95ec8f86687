"""Merchant Center JWT authentication against the emulator's JWKS and dev issuer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import g
from giftcard_connect.auth.jwt import jwt_required
from giftcard_connect.config import Settings
from giftcard_connect.errors import ConfigurationError

from ..conftest import PROJECT_KEY, processor_config

JWKS = "GET /.well-known/jwks.json"


@pytest.fixture
def guarded(make_processor):
    """``guarded(token, **settings)``: call a test-only view behind ``jwt_required``."""

    def call(token: str | None, *, authorization: str | None = None, **settings):
        app = make_processor(scope=None, **settings)

        @jwt_required
        def view():
            return {"claims": g.jwt_claims}

        app.add_url_rule("/_test/mc", "test_mc", view)
        value = authorization or (f"Bearer {token}" if token else None)
        headers = {"Authorization": value} if value else {}
        return app.test_client().get("/_test/mc", headers=headers)

    return call


@pytest.fixture
def signing(emulator, emulator_store):
    """The emulator issuer's facts: url, kid, private key and public key PEM."""
    private = emulator_store.signing_key()
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {"iss": emulator.url, "kid": emulator_store.kid, "key": private, "pem": pem}


def claims(signing, **extra) -> dict:
    now = int(time.time())
    return {"iss": signing["iss"], "iat": now, "nbf": now, "exp": now + 600,
            f"{signing['iss']}/claims/project_key": PROJECT_KEY, **extra}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header: dict, payload: dict, sign=lambda signing_input: b"") -> str:
    """A compact JWS built by hand, for tokens PyJWT refuses to produce."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def assert_invalid(response):
    assert response.status_code == 401
    assert response.json["error"] == "invalid_token"
    assert response.json["message"] == "The JSON web token is invalid or has expired."


def test_jwt_good_token(guarded, dev_jwt):
    response = guarded(dev_jwt())
    assert response.status_code == 200
    assert response.json["claims"]["sub"] == "emulator-merchant-center"


def test_jwt_missing_header(guarded):
    assert_invalid(guarded(None))


@pytest.mark.parametrize("authorization", ["Basic eDp5", "Bearer", "Bearer a b", "Bearer garbage",
                                           "Bearer a.b.c", "Bearer " + "a" * 9000])
def test_jwt_garbage(guarded, authorization):
    assert_invalid(guarded(None, authorization=authorization))


def test_jwt_wrong_issuer(guarded, dev_jwt):
    assert_invalid(guarded(dev_jwt(claims={"iss": "https://mc.example.com"})))


def test_jwt_issuer_must_match_the_setting(guarded, dev_jwt, emulator):
    assert_invalid(guarded(dev_jwt(), CTP_JWT_ISSUER=emulator.url + "/other"))


def test_jwt_expired(guarded, dev_jwt):
    assert_invalid(guarded(dev_jwt(ttl=-120)))


def test_jwt_expired_within_leeway_is_accepted(guarded, dev_jwt):
    assert guarded(dev_jwt(ttl=-5)).status_code == 200


def test_jwt_not_yet_valid(guarded, dev_jwt):
    assert_invalid(guarded(dev_jwt(claims={"nbf": int(time.time()) + 600})))


@pytest.mark.parametrize("project_key", ["other", ""])
def test_jwt_foreign_project(guarded, dev_jwt, project_key):
    assert_invalid(guarded(dev_jwt(projectKey=project_key)))


def test_jwt_missing_project_claim(guarded, signing):
    payload = claims(signing)
    del payload[f"{signing['iss']}/claims/project_key"]
    token = jwt.encode(payload, signing["key"], algorithm="RS256", headers={"kid": signing["kid"]})
    assert_invalid(guarded(token))


def test_jwt_missing_exp(guarded, signing):
    payload = claims(signing)
    del payload["exp"]
    token = jwt.encode(payload, signing["key"], algorithm="RS256", headers={"kid": signing["kid"]})
    assert_invalid(guarded(token))


def test_jwt_signed_by_another_key_with_the_same_kid(guarded, signing):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    headers = {"kid": signing["kid"]}
    token = jwt.encode(claims(signing), stranger, algorithm="RS256", headers=headers)
    assert_invalid(guarded(token))


def test_jwt_unknown_kid(guarded, signing):
    token = jwt.encode(claims(signing), signing["key"], algorithm="RS256", headers={"kid": "other"})
    assert_invalid(guarded(token))


def test_jwt_without_kid(guarded, signing):
    assert_invalid(guarded(jwt.encode(claims(signing), signing["key"], algorithm="RS256")))


def test_jwt_alg_none(guarded, signing):
    token = hand_made({"alg": "none", "typ": "JWT", "kid": signing["kid"]}, claims(signing))
    assert_invalid(guarded(token))


def test_jwt_hs256_signed_with_the_public_key(guarded, signing):
    def sign(signing_input):
        return hmac.new(signing["pem"], signing_input, hashlib.sha256).digest()

    token = hand_made({"alg": "HS256", "typ": "JWT", "kid": signing["kid"]}, claims(signing), sign)
    assert_invalid(guarded(token))


def test_jwt_keys_are_cached(make_processor, dev_jwt, stats):
    app = make_processor(scope=None)
    verifier = app.extensions["giftcard_connect"].jwt_verifier
    verifier.verify(dev_jwt())
    verifier.verify(dev_jwt())
    assert stats(JWKS) == 1


def test_jwt_jwks_unreachable_is_503(guarded, dev_jwt):
    response = guarded(dev_jwt(), CTP_JWKS_URL="http://127.0.0.1:9/.well-known/jwks.json")
    assert response.status_code == 503
    assert "Traceback" not in response.get_data(as_text=True)


def test_jwt_not_configured_still_starts_and_answers_clearly(guarded, dev_jwt):
    response = guarded(dev_jwt(), CTP_JWKS_URL=None, CTP_JWT_ISSUER=None)
    assert response.status_code == 503
    assert "CTP_JWKS_URL and CTP_JWT_ISSUER" in response.json["message"]


@pytest.mark.parametrize("missing", ["CTP_JWKS_URL", "CTP_JWT_ISSUER"])
def test_jwt_settings_come_in_pairs(emulator, missing):
    env = processor_config(emulator.url, CTP_JWKS_URL="http://x/jwks", CTP_JWT_ISSUER="http://x")
    del env[missing]
    with pytest.raises(ConfigurationError, match="must be set together"):
        Settings.from_env({k: v for k, v in env.items() if isinstance(v, str)}, dotenv_path=None)


def test_jwt_non_http_jwks_url_refuses_to_start(make_processor):
    with pytest.raises(ConfigurationError, match="CTP_JWKS_URL"):
        make_processor(scope=None, CTP_JWKS_URL="file:///etc/passwd")
