"""OAuth2 bearer authentication (introspection at the real emulator) of a test-only view."""

from __future__ import annotations

import pytest
import requests
from flask import g
from giftcard_connect.auth.oauth2 import Introspection, TokenIntrospector, oauth_required
from giftcard_connect.commercetools import CommercetoolsClient
from giftcard_connect.errors import AuthError

from ..conftest import PROCESSOR, PROJECT_KEY

INTROSPECT = "POST /oauth/introspect"


@pytest.fixture
def intents(app):
    """A test client for ``POST /_test/intents``, a view guarded by ``oauth_required``."""

    @oauth_required
    def view():
        return {"clientId": g.oauth.client_id, "scopes": sorted(g.oauth.scopes)}

    app.add_url_rule("/_test/intents", "test_intents", view, methods=["POST"])
    client = app.test_client()

    def call(token: str | None = None, *, authorization: str | None = None):
        value = authorization or (f"Bearer {token}" if token else None)
        headers = {"Authorization": value} if value else {}
        return client.post("/_test/intents", headers=headers)

    return call


def assert_auth_error(response, status: int, code: str):
    assert response.status_code == status
    body = response.json
    assert body["statusCode"] == status
    assert body["error"] == code and body["errors"][0]["code"] == code
    assert body["error_description"] == body["message"] == body["errors"][0]["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("scope", [f"manage_checkout_payment_intents:{PROJECT_KEY}",
                                   f"manage_project:{PROJECT_KEY}"])
def test_oauth_accepts_an_authority_for_this_project(intents, token, scope):
    response = intents(token(scope))
    assert response.status_code == 200
    assert response.json["scopes"] == [scope]
    assert response.json["clientId"]


def test_oauth_missing_bearer_is_access_denied(intents):
    response = intents()
    assert_auth_error(response, 401, "access_denied")
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("authorization", ["Basic eDp5", "Bearer", "Bearer   ", "Bearer a b",
                                           "Bearer a,b", "Token abc", "Bearer ä"])
def test_oauth_malformed_header_is_invalid_request(intents, stats, authorization):
    assert_auth_error(intents(authorization=authorization), 401, "invalid_request")
    assert stats(INTROSPECT) == 0


def test_oauth_two_authorization_headers_are_invalid_request(app, intents, token):
    value = token(f"manage_project:{PROJECT_KEY}")
    headers = [("Authorization", f"Bearer {value}"), ("Authorization", "Bearer x")]
    response = app.test_client().post("/_test/intents", headers=headers)
    assert_auth_error(response, 401, "invalid_request")


def test_oauth_scheme_is_case_insensitive(intents, token):
    value = token(f"manage_project:{PROJECT_KEY}")
    assert intents(authorization=f"bearer {value}").status_code == 200


def test_oauth_unknown_token_is_invalid_token(intents):
    assert_auth_error(intents("not-a-token-the-emulator-issued"), 401, "invalid_token")


def test_oauth_expired_token_is_invalid_token(intents, token, emulator_store):
    value = token(f"manage_project:{PROJECT_KEY}")
    now = emulator_store.clock()
    emulator_store.clock = lambda: now + emulator_store.token_ttl + 1
    assert_auth_error(intents(value), 401, "invalid_token")


def test_oauth_token_of_another_project_is_refused(intents, token):
    response = intents(token("manage_checkout_payment_intents:other manage_project:other"))
    assert_auth_error(response, 403, "insufficient_scope")
    assert f"manage_checkout_payment_intents:{PROJECT_KEY}" in response.json["message"]


@pytest.mark.parametrize("scope", [f"view_payments:{PROJECT_KEY}", f"manage_payments:{PROJECT_KEY}",
                                   "manage_checkout_payment_intents"])
def test_oauth_without_the_authority_is_insufficient_scope(intents, token, scope):
    assert_auth_error(intents(token(scope)), 403, "insufficient_scope")


def test_oauth_caches_active_introspections(intents, token, stats):
    value = token(f"manage_project:{PROJECT_KEY}")
    assert intents(value).status_code == 200
    assert intents(value).status_code == 200
    assert stats(INTROSPECT) == 1


def test_oauth_does_not_cache_inactive_answers(intents, stats):
    intents("unknown-token")
    intents("unknown-token")
    assert stats(INTROSPECT) == 2


def test_oauth_cached_refusal_still_refused(intents, token, stats):
    value = token(f"view_payments:{PROJECT_KEY}")
    assert intents(value).status_code == 403
    assert intents(value).status_code == 403
    assert stats(INTROSPECT) == 1


def test_oauth_commercetools_unreachable_is_503(intents, token, emulator):
    value = token(f"manage_project:{PROJECT_KEY}")
    fault = {"route": INTROSPECT, "status": 503, "times": 10}
    requests.post(f"{emulator.url}/_emulator/faults", json=fault, timeout=5).raise_for_status()
    response = intents(value)
    assert response.status_code == 503
    assert response.json["errors"][0]["code"] == "ServiceUnavailable"


def test_oauth_introspection_refused_is_never_authorised(intents, token, emulator):
    value = token(f"manage_project:{PROJECT_KEY}")
    fault = {"route": INTROSPECT, "status": 403, "times": 10}
    requests.post(f"{emulator.url}/_emulator/faults", json=fault, timeout=5).raise_for_status()
    assert intents(value).status_code == 502


def test_oauth_token_never_appears_in_logs(intents, token, all_logs):
    value = token(f"view_payments:{PROJECT_KEY}")
    intents(value)
    intents(value + "x")
    assert value not in all_logs.text


@pytest.fixture
def introspector(emulator):
    client = CommercetoolsClient(project_key=PROJECT_KEY, client_id=PROCESSOR[0],
                                 client_secret=PROCESSOR[1], auth_url=emulator.url,
                                 api_url=emulator.url, session_url=emulator.url)
    now = [0.0]
    introspector = TokenIntrospector(client, PROJECT_KEY, ttl=60, clock=lambda: now[0])
    introspector.now = now
    yield introspector
    client.close()


def test_introspector_never_serves_a_cached_token_past_its_exp(introspector, token, stats):
    value = token(f"manage_project:{PROJECT_KEY}")
    introspector.now[0] = 0.0
    found = introspector.introspect(value)
    assert isinstance(found, Introspection) and found.expires_at is not None
    introspector.now[0] = found.expires_at
    with pytest.raises(AuthError) as raised:
        introspector.introspect(value)
    assert raised.value.code == "invalid_token" and raised.value.status_code == 401
    assert stats(INTROSPECT) == 1


def test_introspector_cache_is_keyed_by_a_hash(introspector, token):
    value = token(f"manage_project:{PROJECT_KEY}")
    introspector.introspect(value)
    assert value not in repr(dict(introspector._cache))


def test_oauth_required_takes_other_authorities(app, token):
    @oauth_required(authorities=("manage_payments",))
    def view():
        return {"ok": True}

    app.add_url_rule("/_test/payments", "test_payments", view)
    client = app.test_client()
    good = {"Authorization": f"Bearer {token(f'manage_payments:{PROJECT_KEY}')}"}
    bad = {"Authorization": f"Bearer {token(f'manage_checkout_payment_intents:{PROJECT_KEY}')}"}
    assert client.get("/_test/payments", headers=good).status_code == 200
    assert client.get("/_test/payments", headers=bad).status_code == 403
