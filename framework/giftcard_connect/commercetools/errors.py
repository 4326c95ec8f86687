"""One error type for every failed commercetools call.

Callers decide on facts (status, error codes, current version), not on subclasses, so a
single class carrying the parsed body is enough. Bodies that are not JSON (a proxy's
HTML page) are parsed as "no errors" instead of crashing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from giftcard_connect.errors import GiftCardConnectError

if TYPE_CHECKING:
    from .transport import Response

CORRELATION_HEADER = "X-Correlation-ID"


class CommercetoolsError(GiftCardConnectError):
    """A commercetools call failed; ``status_code`` is None when no answer arrived."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        errors: list[dict[str, Any]] | None = None,
        correlation_id: str | None = None,
        replayed: bool = False,
    ):
        self.message = message
        self.status_code = status_code
        self.errors = list(errors or [])
        self.correlation_id = correlation_id
        self.replayed = replayed  # an earlier attempt of the same request got no usable answer
        super().__init__(message)

    @classmethod
    def from_response(cls, response: Response, message: str | None = None):
        """Build the error from an HTTP answer; ``message`` overrides the body's."""
        body = _json_or_none(response)
        errors = _error_list(body)
        if message is None:
            message = _body_message(body, errors) or (
                f"HTTP {response.status_code}" + ("" if body is not None else " (non-JSON body)")
            )
        return cls(
            f"{response.method} {response.path}: {message}",
            status_code=response.status_code,
            errors=errors,
            correlation_id=response.headers.get(CORRELATION_HEADER) or response.sent_correlation_id,
            replayed=response.replayed,
        )

    @property
    def codes(self) -> list[str]:
        return [e["code"] for e in self.errors if isinstance(e.get("code"), str)]

    def has_code(self, code: str) -> bool:
        return code in self.codes

    @property
    def current_version(self) -> int | None:
        """The version commercetools holds now, as reported by ConcurrentModification."""
        for error in self.errors:
            version = error.get("currentVersion")
            if error.get("code") == "ConcurrentModification" and type(version) is int:
                return version
        return None

    @property
    def is_conflict(self) -> bool:
        return self.status_code == 409 and self.has_code("ConcurrentModification")

    @property
    def is_unavailable(self) -> bool:
        """No answer or a server error: the outcome of a write is unknown."""
        return self.status_code is None or self.status_code >= 500

    def __str__(self) -> str:
        status = "no response" if self.status_code is None else f"HTTP {self.status_code}"
        return f"[correlation id {self.correlation_id}] {status}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"CommercetoolsError(status_code={self.status_code!r}, codes={self.codes!r}, "
            f"correlation_id={self.correlation_id!r})"
        )


def _json_or_none(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:  # empty bodies, HTML pages, bytes that are not UTF-8
        return None


def _error_list(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    if isinstance(errors, list):
        return [e for e in errors if isinstance(e, dict)]
    if isinstance(body.get("error"), str):  # a bare OAuth error answer
        return [{"code": body["error"], "message": body.get("error_description") or ""}]
    return []


def _body_message(body: Any, errors: list[dict[str, Any]]) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"]
    for error in errors:
        if isinstance(error.get("message"), str) and error["message"]:
            return error["message"]
    return None
