"""``giftcard-connect serve --check``: prove a deployment's credentials before it serves.

Without it a wrong client secret, a client lacking a scope or an unreachable provider is
noticed only by the first shopper (a 502), since ``/healthz`` calls nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .commercetools import CommercetoolsError
from .config import PROCESSOR_SCOPES, missing_scopes
from .runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def run_checks(runtime: Runtime) -> list[CheckResult]:
    """The commercetools token and its scopes, the API, and the provider's health check.

    Later commercetools checks are skipped when no token could be had: they would only
    repeat the same failure.
    """
    results = [_token(runtime)]
    if results[0].ok:
        results += [_scopes(runtime), _api(runtime)]
    results.append(_provider(runtime))
    return results


def _token(runtime: Runtime) -> CheckResult:
    settings = runtime.settings
    name = "commercetools token"
    try:
        runtime.commercetools.granted_scopes()
    except CommercetoolsError as exc:
        if exc.status_code is None:
            detail = f"{settings.auth_url} could not be reached (CTP_AUTH_URL)"
        elif exc.status_code in (400, 401, 403):
            detail = (
                f"{settings.auth_url} refused the client {settings.client_id!r} "
                f"(HTTP {exc.status_code}): check CTP_CLIENT_ID and CTP_CLIENT_SECRET"
            )
        else:
            detail = f"{settings.auth_url} answered HTTP {exc.status_code} (CTP_AUTH_URL)"
        return CheckResult(name, False, detail)
    return CheckResult(name, True, f"client {settings.client_id!r} got a token")


def _scopes(runtime: Runtime) -> CheckResult:
    key = runtime.settings.project_key
    missing = missing_scopes(runtime.commercetools.granted_scopes(), key)
    if missing:
        return CheckResult(
            "commercetools scopes",
            False,
            f"the client lacks {' '.join(missing)} (it needs manage_project:{key} or all of "
            f"{' '.join(f'{s}:{key}' for s in PROCESSOR_SCOPES)})",
        )
    return CheckResult("commercetools scopes", True, f"every scope the processor needs in {key!r}")


def _api(runtime: Runtime) -> CheckResult:
    settings = runtime.settings
    try:
        runtime.commercetools.query_payments([], limit=1)
    except CommercetoolsError as exc:
        answer = (
            "could not be reached" if exc.status_code is None else f"answered HTTP {exc.status_code}"
        )
        return CheckResult(
            "commercetools API",
            False,
            f"{settings.api_url} {answer} for project {settings.project_key!r} "
            "(CTP_API_URL, CTP_PROJECT_KEY)",
        )
    return CheckResult(
        "commercetools API", True, f"{settings.api_url} answers for {settings.project_key!r}"
    )


def _provider(runtime: Runtime) -> CheckResult:
    name = f"provider {runtime.settings.provider}"
    try:
        check = runtime.provider.health()
    except Exception as exc:  # a plugin's failure is the answer here, whatever its kind
        log.debug("provider health check failed", exc_info=True)
        return CheckResult(name, False, f"its health check failed: {exc}")
    if check.status != "UP":
        return CheckResult(name, False, f"{check.name} is {check.status}")
    return CheckResult(name, True, f"{check.name} is UP")
