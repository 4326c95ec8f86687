"""OAuth (client credentials, RFC 7662 introspection), bearer scopes, JWKS and a dev JWT issuer."""

from __future__ import annotations

import functools
import hmac
import json

import jwt
from flask import Blueprint, current_app, g, jsonify, request

from .errors import CtError, invalid_field, invalid_input
from .store import EmulatorStore
from .wire import json_body

bp = Blueprint("emulator_auth", __name__)

_BAD_CLIENT = "Please provide valid client credentials using HTTP Basic Authentication."
_NO_TOKEN = ("This endpoint requires an access token. Please provide a valid access token "
             "via HTTP header 'Authorization: Bearer <token>'.")

# resource family → (read scope, write scope), as named by commercetools.
SCOPES = {
    "sessions": ("view_sessions", "manage_sessions"),
    "orders": ("view_orders", "manage_orders"),
    "payments": ("view_payments", "manage_payments"),
}


def _store() -> EmulatorStore:
    return current_app.extensions["emulator"]


def _basic_client() -> tuple[str, dict]:
    """The API client authenticated by HTTP Basic credentials, or 401 invalid_client."""
    auth = request.authorization
    if auth is None or auth.type != "basic":
        raise CtError(401, "invalid_client", _BAD_CLIENT)
    client = _store().clients.get(auth.username or "")
    if client is None or not hmac.compare_digest(client["secret"], auth.password or ""):
        raise CtError(401, "invalid_client", _BAD_CLIENT)
    return auth.username, client


@bp.post("/oauth/token")
def token():
    client_id, client = _basic_client()
    if request.form.get("grant_type") != "client_credentials":
        raise CtError(400, "unsupported_grant_type",
                      "Only grant_type=client_credentials is supported.")
    granted = client["scope"].split()
    requested = request.form.get("scope", "").split() or granted
    missing = [s for s in requested if s not in granted]
    if missing:
        raise CtError(400, "invalid_scope",
                      f"Scopes not granted to this client: {' '.join(missing)}.")
    store = _store()
    scope = " ".join(requested)
    value = store.issue_token(client_id, scope)
    return jsonify(access_token=value, token_type="Bearer",
                   expires_in=int(store.token_ttl), scope=scope)


@bp.post("/oauth/introspect")
def introspect():
    _, client = _basic_client()
    key = _store().project_key
    allowed = {f"introspect_oauth_tokens:{key}", f"manage_project:{key}"}
    if not allowed & set(client["scope"].split()):
        raise CtError(403, "insufficient_scope",
                      f"Insufficient scope. One of the following scopes is missing: "
                      f"introspect_oauth_tokens:{key}")
    found = _store().active_token(request.form.get("token", ""))
    if found is None:
        return jsonify(active=False)
    return jsonify(active=True, scope=found.scope, exp=int(found.exp), client_id=found.client_id)


def _issuer() -> str:
    return current_app.config.get("JWT_ISSUER") or request.host_url.rstrip("/")


@bp.get("/.well-known/jwks.json")
def jwks():
    store = _store()
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(store.signing_key().public_key()))
    jwk.update(kid=store.kid, use="sig", alg="RS256")
    return jsonify(keys=[jwk])


@bp.post("/_emulator/jwt")
def mint_jwt():
    """Issue an RS256 token like the Merchant Center's (for `/operations/status` tests)."""
    store = _store()
    body = json_body() if request.get_data() else {}
    project_key = body.get("projectKey", store.project_key)
    ttl = body.get("ttl", 3600)
    claims = body.get("claims", {})
    if not isinstance(project_key, str):
        raise invalid_field("projectKey", project_key)
    if not isinstance(ttl, (int, float)) or isinstance(ttl, bool):
        raise invalid_field("ttl", ttl)
    if not isinstance(claims, dict):
        raise invalid_input("'claims' must be a JSON object.")
    issuer = _issuer()
    now = int(store.clock())
    payload = {"iss": issuer, "sub": "emulator-merchant-center", "iat": now, "nbf": now,
               "exp": now + int(ttl), f"{issuer}/claims/project_key": project_key, **claims}
    signed = jwt.encode(payload, store.signing_key(), algorithm="RS256", headers={"kid": store.kid})
    return jsonify(token=signed)


def _bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise CtError(401, "invalid_token", _NO_TOKEN)
    found = _store().active_token(value.strip())
    if found is None:
        raise CtError(401, "invalid_token", "The access token is invalid or has expired.")
    return found


def _granted(scope: str, family: str, project_key: str, reading: bool) -> bool:
    read_scope, write_scope = SCOPES[family]
    allowed = {f"manage_project:{project_key}", f"{write_scope}:{project_key}"}
    if reading:
        allowed.add(f"{read_scope}:{project_key}")
    return bool(allowed & set(scope.split()))


def can_read(family: str) -> bool:
    """Whether the current request's bearer token may read resources of `family`."""
    token = g.get("emulator_token")
    return token is not None and _granted(token.scope, family, _store().project_key, True)


def scoped(family: str):
    """Guard a `/<projectKey>/…` view: bearer token required, scope checked per method."""
    read_scope, write_scope = SCOPES[family]

    def decorate(view):
        @functools.wraps(view)
        def guarded(projectKey: str, **kwargs):
            found = _bearer_token()
            reading = request.method in ("GET", "HEAD")
            needed = read_scope if reading else write_scope
            if not _granted(found.scope, family, projectKey, reading):
                raise CtError(403, "insufficient_scope",
                              f"Insufficient scope. One of the following scopes is missing: "
                              f"{needed}:{projectKey}")
            if projectKey != _store().project_key:
                raise CtError(404, "ResourceNotFound", f"The project '{projectKey}' was not found.")
            g.emulator_token = found
            return view(projectKey=projectKey, **kwargs)

        return guarded

    return decorate
