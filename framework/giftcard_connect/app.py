"""The Flask application factory of the processor."""

from __future__ import annotations

import logging
import os
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Mapping

from flask import Flask, g, has_request_context, request

from .access import init_access_log
from .api import register_blueprints
from .api.enabler import init_cors
from .api.errors import register_error_handlers
from .api.headers import init_security_headers
from .api.ratelimit import init_rate_limits
from .auth.jwt import JwtVerifier
from .auth.oauth2 import TokenIntrospector
from .auth.session import SessionVerifier
from .commercetools import CommercetoolsClient
from .config import Settings
from .connections import pooled_session
from .errors import ConfigurationError
from .models import ProviderContext
from .payments.balance import CartCurrencies
from .plugins import get_plugin_manager
from .provider import Provider
from .runtime import Runtime

log = logging.getLogger(__name__)

CORRELATION_HEADER = "X-Correlation-ID"
CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:/-]{1,128}$")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the processor.

    ``config`` may hold ``SETTINGS`` (a ready Settings), environment-style overrides
    (``CTP_*``, ``GIFTCARD_*``) read on top of the environment, ``PLUGINS`` (name → plugin
    object, registered before installed ones), ``LOAD_ENTRYPOINTS`` and ``TESTING``.
    """
    config = dict(config or {})
    settings = config.get("SETTINGS") or Settings.from_env(
        {**os.environ, **{k: v for k, v in config.items() if isinstance(v, str)}}
    )
    app = Flask(__name__)
    app.config.update(
        TESTING=bool(config.get("TESTING")),
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
    )

    pm = get_plugin_manager(
        settings.provider,
        config.get("PLUGINS"),
        load_entrypoints=config.get("LOAD_ENTRYPOINTS", True),
    )
    # The plugins' own pooled session: a plugin changing its headers or auth never reaches
    # the commercetools calls, which go through the client's own urllib3 pools.
    provider_http = pooled_session()

    def provider_context() -> ProviderContext:
        return ProviderContext(
            config=settings.provider_config,
            http=provider_http,
            timeout=(settings.provider_connect_timeout, settings.provider_read_timeout),
            currency=settings.currency,
            correlation_id=_correlation_id(),
        )

    provider = Provider(pm, settings.provider, settings.provider_config, provider_context)
    if settings.currency not in provider.info.currencies:
        raise ConfigurationError(
            f"provider {settings.provider!r} does not support {settings.currency}; "
            f"it supports {', '.join(provider.info.currencies)}"
        )
    commercetools = CommercetoolsClient(
        project_key=settings.project_key,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        auth_url=settings.auth_url,
        api_url=settings.api_url,
        session_url=settings.session_url,
        timeout=(settings.ctp_connect_timeout, settings.ctp_read_timeout),
        correlation_id=_correlation_id,
    )
    app.extensions["giftcard_connect"] = Runtime(
        settings=settings,
        provider=provider,
        commercetools=commercetools,
        sessions=SessionVerifier(commercetools, ttl=settings.session_cache_ttl),
        introspector=TokenIntrospector(
            commercetools, settings.project_key, ttl=settings.oauth_cache_ttl
        ),
        status_checks=ThreadPoolExecutor(max_workers=4, thread_name_prefix="status-check"),
        overlap=ThreadPoolExecutor(max_workers=32, thread_name_prefix="overlap"),
        cart_currencies=CartCurrencies(),
        jwt_verifier=_jwt_verifier(settings),
    )
    app.extensions["giftcard_connect_plugins"] = pm

    if settings.access_log:
        init_access_log(app)  # first, so that its clock starts before anything else runs
    _init_correlation_id(app)
    init_cors(app, settings)
    init_security_headers(app)
    init_rate_limits(app, settings)
    register_blueprints(app)
    register_error_handlers(app)
    return app


def _correlation_id() -> str | None:
    return g.get("correlation_id") if has_request_context() else None


def _jwt_verifier(settings: Settings) -> JwtVerifier | None:
    """The Merchant Center JWT check; without its settings the processor still serves."""
    if not settings.jwks_url or not settings.jwt_issuer:
        log.warning("CTP_JWKS_URL/CTP_JWT_ISSUER not set: /operations/status will answer 503")
        return None
    return JwtVerifier(
        settings.jwks_url,
        settings.jwt_issuer,
        settings.project_key,
        leeway=settings.jwt_leeway,
        timeout=settings.ctp_read_timeout,
    )


def _init_correlation_id(app: Flask) -> None:
    """Take the caller's correlation id (or make one) and echo it on every response."""

    @app.before_request
    def take_correlation_id():
        given = request.headers.get(CORRELATION_HEADER, "")
        g.correlation_id = given if CORRELATION_ID.match(given) else str(uuid.uuid4())

    @app.after_request
    def echo_correlation_id(response):
        if "correlation_id" in g:
            response.headers[CORRELATION_HEADER] = g.correlation_id
        return response
