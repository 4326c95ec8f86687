"""``/operations/*``: what the Enabler, Checkout and the Merchant Center ask the processor."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import wait
from importlib import metadata
from typing import Any

from flask import Blueprint

from ..auth.jwt import jwt_required
from ..auth.session import session_required
from ..config import missing_scopes
from ..journal import timestamp
from ..models import HealthCheck
from ..runtime import Runtime, current_runtime

log = logging.getLogger(__name__)

bp = Blueprint("operations", __name__, url_prefix="/operations")


@bp.get("/config")
@session_required
def config():
    """What the Enabler needs to draw its fields: provider, PIN policy, currency."""
    runtime = current_runtime()
    info = runtime.provider.info
    return {
        "provider": info.name,
        "displayName": info.display_name or info.name,
        "pin": info.pin,
        "currency": runtime.settings.currency,
        "supportsPartialCancel": info.supports_partial_cancel,
    }


PACKAGE = metadata.metadata("giftcard-connect")
PERMISSIONS = "commercetools permissions"
SCALARS = (str, int, float, bool, type(None))


@bp.get("/status")
@jwt_required
def status():
    """Health of what the processor depends on, for the Merchant Center: always 200 here.

    Every check is bounded by ``GIFTCARD_STATUS_TIMEOUT``; a check that fails or hangs is
    DOWN with a generic message, so no raw error or provider data reaches the body.
    """
    runtime = current_runtime()
    checks = _run_checks(runtime)
    up = sum(check["status"] == "UP" for check in checks)
    verdict = "OK" if up == len(checks) else "Partially Available" if up else "Unavailable"
    return {
        "status": verdict,
        "timestamp": timestamp(),
        "version": PACKAGE["Version"],
        "metadata": {"name": PACKAGE["Name"], "description": PACKAGE["Summary"]},
        "checks": checks,
    }


def _permissions(runtime: Runtime) -> HealthCheck:
    """UP when the processor's own token holds manage_project or every required scope."""
    missing = missing_scopes(runtime.commercetools.granted_scopes(), runtime.settings.project_key)
    if missing:
        return HealthCheck(PERMISSIONS, "DOWN", {"missingScopes": missing})
    return HealthCheck(PERMISSIONS, "UP")


def _run_checks(runtime: Runtime) -> list[dict[str, Any]]:
    info = runtime.provider.info
    checks: list[tuple[str, Callable[[Runtime], HealthCheck]]] = [
        (PERMISSIONS, _permissions),
        (f"{info.display_name or info.name} API", lambda r: r.provider.health()),
    ]
    timeout = runtime.settings.status_timeout
    futures = [(name, runtime.status_checks.submit(check, runtime)) for name, check in checks]
    done, _ = wait([future for _, future in futures], timeout=timeout)
    results = []
    for name, future in futures:
        if future not in done:
            future.cancel()
            log.warning("status check %r did not answer within %ss", name, timeout)
            results.append(_down(name, "The check did not answer in time."))
        elif future.exception() is not None:
            log.warning("status check %r failed: %r", name, future.exception())
            results.append(_down(name, "The check failed."))
        else:
            results.append(_render(future.result(), name))
    return results


def _down(name: str, message: str) -> dict[str, Any]:
    return {"name": name, "status": "DOWN", "details": {"message": message}}


def _render(check: HealthCheck, fallback_name: str) -> dict[str, Any]:
    """A check as JSON: UP only when it says so, details kept to plain values."""
    name = check.name if isinstance(check.name, str) and check.name else fallback_name
    rendered: dict[str, Any] = {"name": name, "status": "UP" if check.status == "UP" else "DOWN"}
    details = {
        key: value
        for key, value in dict(check.details or {}).items()
        if isinstance(key, str) and (isinstance(value, SCALARS) or _scalar_list(value))
    }
    if details:
        rendered["details"] = details
    return rendered


def _scalar_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, SCALARS) for v in value)
