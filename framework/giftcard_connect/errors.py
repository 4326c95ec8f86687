"""The exception tree: provider outcomes, configuration problems and HTTP API errors."""

from __future__ import annotations

from typing import Any

GIFT_CARD_STATES = (
    "Valid",
    "NotFound",
    "Expired",
    "ZeroBalance",
    "CurrencyNotMatch",
    "Invalid",
    "GenericError",
)


class GiftCardConnectError(Exception):
    """Base class of every error this framework raises on purpose."""


class GiftCardError(GiftCardConnectError):
    """A definite decline by the provider: nothing was (or will be) charged.

    ``state`` is one of the gift card states the Enabler understands; ``code`` is a
    short machine-readable reason. Neither message nor code may contain the card code.
    """

    def __init__(self, state: str, code: str | None = None, message: str | None = None):
        if state not in GIFT_CARD_STATES or state == "Valid":
            raise ValueError(f"not a decline state: {state!r}")
        self.state = state
        self.code = code or state
        self.message = message or f"Gift card declined: {state}"
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"GiftCardError(state={self.state!r}, code={self.code!r})"


class ProviderUnavailable(GiftCardConnectError):
    """The provider could not be reached or answered unusably: the outcome is unknown.

    For a redeem this means money *may* have moved; the framework voids by reference.
    """

    def __init__(self, message: str = "Gift card provider unavailable", *, retryable: bool = True):
        self.message = message
        self.retryable = retryable
        super().__init__(message)

    def __repr__(self) -> str:
        return f"ProviderUnavailable({self.message!r}, retryable={self.retryable})"


class ConfigurationError(GiftCardConnectError):
    """Settings are missing or inconsistent; the processor refuses to start."""


class ApiError(GiftCardConnectError):
    """An HTTP API error rendered in the commercetools error shape."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        errors: list[dict[str, Any]] | None = None,
        **fields: Any,
    ):
        self.status_code = status_code
        self.code = code
        self.message = message
        self.errors = errors or [{"code": code, "message": message, **fields}]
        self.headers = headers or {}
        super().__init__(message)

    def to_dict(self) -> dict[str, Any]:
        return {"statusCode": self.status_code, "message": self.message, "errors": self.errors}

    def __repr__(self) -> str:
        return f"ApiError({self.status_code}, {self.code!r}, {self.message!r})"


class AuthError(ApiError):
    """401/403 errors, which add OAuth's ``error`` and ``error_description``."""

    def __init__(
        self,
        message: str,
        code: str = "invalid_token",
        status_code: int = 401,
        *,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(status_code, code, message, headers=headers)

    def to_dict(self) -> dict[str, Any]:
        body = super().to_dict()
        body["error"] = self.code
        body["error_description"] = self.message
        return body
