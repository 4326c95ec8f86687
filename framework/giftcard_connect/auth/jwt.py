"""Merchant Center JWT authentication (``/operations/status``), verified against a JWKS.

Only RS256 is accepted, so neither ``alg: none`` nor an HS256 token "signed" with the
public key gets through. The key is found by ``kid`` in ``CTP_JWKS_URL`` through PyJWT's
``PyJWKClient``, which caches the key set and refetches it (at most once per cooldown) on
an unknown ``kid``, so key rotation works without hammering the endpoint. The per-kid
LRU cache is left off on purpose: it never expires, so a key withdrawn from the set
would stay trusted. Every rejection is the same 401 ``invalid_token``: the reason is
logged (as a class name), never sent to the caller.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

import jwt
from flask import g, request

from ..errors import ApiError, AuthError, ConfigurationError
from ..runtime import current_runtime

log = logging.getLogger(__name__)

ALGORITHM = "RS256"
BEARER = re.compile(r"^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\-_.]{1,8192})$")
INVALID = "The JSON web token is invalid or has expired."
NOT_CONFIGURED = "JWT authentication is not configured: set CTP_JWKS_URL and CTP_JWT_ISSUER."


def _invalid() -> AuthError:
    return AuthError(INVALID, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class JwtVerifier:
    """Verifies RS256 JWTs of one issuer for one project, with keys from a JWKS URL."""

    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        project_key: str,
        *,
        leeway: float = 30.0,
        timeout: float = 10.0,
        lifespan: float = 300.0,
        cooldown: float = 30.0,
    ):
        try:
            self._jwks = jwt.PyJWKClient(
                jwks_url, lifespan=lifespan, timeout=timeout, cooldown_duration=cooldown
            )
        except jwt.PyJWKClientError as exc:
            raise ConfigurationError(f"CTP_JWKS_URL is not usable: {exc}") from None
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.project_key = project_key
        self.leeway = leeway

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, or AuthError 401 (503 when the JWKS cannot be fetched)."""
        try:
            header = jwt.get_unverified_header(token)
            kid = header.get("kid")
            if header.get("alg") != ALGORITHM or not isinstance(kid, str) or not kid:
                raise jwt.InvalidAlgorithmError("not an RS256 token with a kid")
            key = self._jwks.get_signing_key(kid)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                leeway=self.leeway,
                # No audience is documented for Merchant Center tokens; the project
                # claim below binds the token to this deployment instead.
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except jwt.PyJWKClientConnectionError:
            log.warning("JWKS %s unreachable; JWT not verified", self.jwks_url)
            raise ApiError(503, "ServiceUnavailable", "Token keys unavailable, try again") from None
        except jwt.PyJWTError as exc:
            log.info("JWT rejected: %s", type(exc).__name__)
            raise _invalid() from None
        if claims.get(f"{self.issuer}/claims/project_key") != self.project_key:
            log.info("JWT rejected: not for project %s", self.project_key)
            raise _invalid()
        return claims


def jwt_required(view):
    """Require a Merchant Center JWT; its claims are then ``g.jwt_claims``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        verifier = current_runtime().jwt_verifier
        if verifier is None:
            raise ApiError(503, "ServiceUnavailable", NOT_CONFIGURED)
        headers = request.headers.getlist("Authorization")
        match = BEARER.match(headers[0].strip()) if len(headers) == 1 else None
        if match is None:
            raise _invalid()
        g.jwt_claims = verifier.verify(match.group(1))
        return view(*args, **kwargs)

    return wrapper
