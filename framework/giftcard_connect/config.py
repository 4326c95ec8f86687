"""Settings from the environment (and an optional ``.env``), validated once at start-up."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from dotenv import dotenv_values

from limits import parse as parse_rate_limit

from .errors import ConfigurationError

DEFAULT_SESSION_URL = "https://session.europe-west1.gcp.commercetools.com/"
# What the processor's own API client needs (each as ``scope:{projectKey}``), unless it
# holds manage_project.
PROCESSOR_SCOPES = (
    "manage_payments",
    "manage_orders",
    "view_sessions",
    "view_api_clients",
    "manage_checkout_payment_intents",
    "introspect_oauth_tokens",
)
LOG_FORMATS = ("json", "text")


def missing_scopes(granted: frozenset[str] | set[str], project_key: str) -> list[str]:
    """The required ``scope:{projectKey}`` entries that ``granted`` lacks (none with
    ``manage_project``)."""
    if f"manage_project:{project_key}" in granted:
        return []
    return [f"{s}:{project_key}" for s in PROCESSOR_SCOPES if f"{s}:{project_key}" not in granted]


def read_environment(
    environ: Mapping[str, str] | None = None, dotenv_path: str | None = ".env"
) -> dict[str, str]:
    """The environment over the ``.env`` file (when there is one): what every command reads."""
    env: dict[str, str] = {}
    if dotenv_path and os.path.exists(dotenv_path):
        env.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    env.update(os.environ if environ is None else environ)
    return env


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {raw!r}")
    return value


def _count(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    if not raw.strip().isdigit() or int(raw) < minimum:
        raise ConfigurationError(
            f"{name} must be a whole number of at least {minimum}, got {raw!r}"
        )
    return int(raw)


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 65535:
        raise ConfigurationError(f"{name} must be a port number from 1 to 65535, got {raw!r}")
    return int(raw)


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    raw = env.get(name) or default
    if raw.strip().lower() not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw.strip().lower()


@dataclass(frozen=True)
class ServerSettings:
    """Where and how ``giftcard-connect serve`` listens: ``HOST``, ``PORT``, ``WEB_CONCURRENCY``."""

    host: str = "0.0.0.0"
    port: int = 8080
    workers: int = 2

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "ServerSettings":
        return cls(
            host=env.get("HOST") or cls.host,
            port=_port(env, "PORT", cls.port),
            workers=_count(env, "WEB_CONCURRENCY", cls.workers),
        )


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name} must be true or false, got {env.get(name)!r}")


def _origins(raw: str) -> tuple[str, ...]:
    """``GIFTCARD_ALLOWED_ORIGINS``: ``*`` or comma-separated ``scheme://host[:port]``;
    unset, no origin may call the processor from a browser."""
    origins = tuple(origin.strip() for origin in raw.split(",") if origin.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ConfigurationError(
                "GIFTCARD_ALLOWED_ORIGINS must be * or origins like https://shop.example "
                f"(scheme and host, no path or trailing slash), got {origin!r}"
            )
    return origins


def _rate_limit(env: Mapping[str, str], name: str, default: str) -> str:
    """A limit such as ``10 per 15 minutes`` (the notation of the ``limits`` library)."""
    raw = (env.get(name) or default).strip()
    try:
        parse_rate_limit(raw)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be a limit like '10 per 15 minutes' or '50/hour', got {raw!r}"
        ) from None
    return raw


RATE_LIMIT_SCHEMES = ("memory", "redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")


def _rate_limit_storage(env: Mapping[str, str]) -> str:
    """``memory://`` (one process) or a Redis URI; the URI is never echoed (it may hold a
    password)."""
    raw = (env.get("GIFTCARD_RATE_LIMIT_STORAGE") or "memory://").strip()
    scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
    if scheme not in RATE_LIMIT_SCHEMES:
        raise ConfigurationError(
            "GIFTCARD_RATE_LIMIT_STORAGE must be memory:// or a Redis URI (redis://host:6379/0, "
            f"rediss://…, redis+unix://…, redis+sentinel://…, redis+cluster://…); "
            f"its scheme is {scheme or 'missing'!r}"
        )
    return raw


@dataclass(frozen=True)
class Settings:
    """Everything the processor needs; secrets are hidden from ``repr``."""

    project_key: str
    client_id: str
    client_secret: str = field(repr=False)
    auth_url: str
    api_url: str
    session_url: str
    provider: str
    currency: str
    jwks_url: str | None = None
    jwt_issuer: str | None = None
    payment_interface: str = ""
    provider_config: Mapping[str, str] = field(default_factory=dict, repr=False)
    provider_connect_timeout: float = 3.05
    provider_read_timeout: float = 10.0
    ctp_connect_timeout: float = 3.05
    ctp_read_timeout: float = 10.0
    session_cache_ttl: float = 10.0
    oauth_cache_ttl: float = 10.0
    jwt_leeway: float = 30.0
    status_timeout: float = 5.0
    max_body_bytes: int = 16 * 1024
    log_format: str = "json"
    access_log: bool = True
    allowed_origins: tuple[str, ...] = ()
    max_failed_attempts_per_cart: int = 20
    rate_limit_per_session: str = "10 per 15 minutes"
    rate_limit_per_ip: str = "50 per hour"
    rate_limit_storage: str = field(default="memory://", repr=False)
    trusted_proxies: int = 0

    @property
    def abandoned_charge_after(self) -> float:
        """Seconds after which no redeem can still be waiting for its Pending charge: the
        provider's timeout twice (the redeem, then its void) and a margin."""
        return 2 * (self.provider_connect_timeout + self.provider_read_timeout) + 10

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, dotenv_path: str | None = ".env"
    ) -> "Settings":
        """Read settings; ``environ`` wins over ``.env``. Refuse to start on missing values."""
        env: dict[str, Any] = read_environment(environ, dotenv_path)

        required = {
            "CTP_PROJECT_KEY": "project_key",
            "CTP_CLIENT_ID": "client_id",
            "CTP_CLIENT_SECRET": "client_secret",
            "CTP_AUTH_URL": "auth_url",
            "CTP_API_URL": "api_url",
            "GIFTCARD_PROVIDER": "provider",
            "GIFTCARD_CURRENCY": "currency",
        }
        missing = [name for name in required if not env.get(name)]
        if missing:
            raise ConfigurationError("missing required settings: " + ", ".join(missing))
        provider = env["GIFTCARD_PROVIDER"]
        currency = env["GIFTCARD_CURRENCY"].upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ConfigurationError(f"GIFTCARD_CURRENCY must be an ISO 4217 code, got {currency!r}")
        if bool(env.get("CTP_JWKS_URL")) != bool(env.get("CTP_JWT_ISSUER")):
            raise ConfigurationError("CTP_JWKS_URL and CTP_JWT_ISSUER must be set together")
        prefix = f"GIFTCARD_{provider.upper().replace('-', '_')}_"
        return cls(
            **{attr: env[name] for name, attr in required.items() if attr != "currency"},
            currency=currency,
            session_url=env.get("CTP_SESSION_URL") or DEFAULT_SESSION_URL,
            jwks_url=env.get("CTP_JWKS_URL") or None,
            jwt_issuer=env.get("CTP_JWT_ISSUER") or None,
            payment_interface=env.get("GIFTCARD_PAYMENT_INTERFACE") or provider,
            provider_config={k[len(prefix):]: v for k, v in env.items() if k.startswith(prefix)},
            provider_connect_timeout=_number(env, "GIFTCARD_PROVIDER_CONNECT_TIMEOUT", 3.05),
            provider_read_timeout=_number(env, "GIFTCARD_PROVIDER_TIMEOUT", 10.0),
            ctp_connect_timeout=_number(env, "CTP_CONNECT_TIMEOUT", 3.05),
            ctp_read_timeout=_number(env, "CTP_TIMEOUT", 10.0),
            session_cache_ttl=_number(env, "GIFTCARD_SESSION_CACHE_TTL", 10.0),
            oauth_cache_ttl=_number(env, "GIFTCARD_OAUTH_CACHE_TTL", 10.0),
            jwt_leeway=_number(env, "GIFTCARD_JWT_LEEWAY", 30.0),
            status_timeout=_number(env, "GIFTCARD_STATUS_TIMEOUT", 5.0),
            max_body_bytes=int(_number(env, "GIFTCARD_MAX_BODY_BYTES", 16 * 1024)),
            log_format=_choice(env, "GIFTCARD_LOG_FORMAT", LOG_FORMATS, "json"),
            access_log=_flag(env, "GIFTCARD_ACCESS_LOG", True),
            allowed_origins=_origins(env.get("GIFTCARD_ALLOWED_ORIGINS") or ""),
            max_failed_attempts_per_cart=_count(env, "GIFTCARD_MAX_FAILED_ATTEMPTS_PER_CART", 20),
            rate_limit_per_session=_rate_limit(
                env, "GIFTCARD_RATE_LIMIT_PER_SESSION", cls.rate_limit_per_session
            ),
            rate_limit_per_ip=_rate_limit(env, "GIFTCARD_RATE_LIMIT_PER_IP", cls.rate_limit_per_ip),
            rate_limit_storage=_rate_limit_storage(env),
            trusted_proxies=_count(env, "GIFTCARD_TRUSTED_PROXIES", 0, minimum=0),
        )
