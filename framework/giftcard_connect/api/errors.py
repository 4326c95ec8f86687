"""Every error response in one shape: ``{statusCode, message, errors:[{code, message}]}``."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..commercetools import CommercetoolsError
from ..errors import ApiError

log = logging.getLogger(__name__)

HTTP_CODES = {400: "InvalidInput", 401: "invalid_token", 404: "ResourceNotFound", 405: "MethodNotAllowed"}


def render(error: ApiError):
    response = jsonify(error.to_dict())
    response.status_code = error.status_code
    response.headers.update(error.headers)
    return response


def http_error(exc: HTTPException):
    """A werkzeug HTTP error (unknown path, wrong method, …) in the commercetools shape,
    keeping its headers (a 405's ``Allow``)."""
    code = HTTP_CODES.get(exc.code, "General")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return render(ApiError(exc.code, code, exc.description or exc.name, headers=headers))


def validation_error(exc: ValidationError) -> ApiError:
    """Turn marshmallow messages into commercetools RequiredField/InvalidField errors.

    Submitted values are never echoed: they may be gift card codes.
    """
    errors = []
    for field, messages in sorted(_flatten(exc.normalized_messages())):
        if any("required" in m.lower() for m in messages):
            errors.append({"code": "RequiredField", "field": field,
                           "message": f"A value is required for field {field}."})
        else:
            errors.append({"code": "InvalidField", "field": field,
                           "message": f"The value for field {field} is invalid: {messages[0]}"})
    return ApiError(400, errors[0]["code"], errors[0]["message"], errors=errors)


def _flatten(messages, prefix=""):
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix or "body", [str(m) for m in messages]


def register_error_handlers(app: Flask) -> None:
    """Register handlers so that nothing, not even a 404 or a crash, answers in HTML."""

    app.register_error_handler(ApiError, render)
    app.register_error_handler(ValidationError, lambda exc: render(validation_error(exc)))

    @app.errorhandler(CommercetoolsError)
    def commercetools_failed(exc: CommercetoolsError):
        log.warning("commercetools call failed: %r", exc)
        if exc.is_unavailable:
            return render(ApiError(503, "ServiceUnavailable", "commercetools is unavailable, try again"))
        if exc.is_conflict:  # still changing under us after every re-read: not a server fault
            return render(ApiError(409, "ConcurrentModification",
                                   "The cart or payment kept changing meanwhile; try again.",
                                   headers={"Retry-After": "1"}))
        return render(ApiError(502, "BadGateway", "commercetools rejected the processor's request"))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc):
        limit = app.config.get("MAX_CONTENT_LENGTH")
        return render(ApiError(400, "InvalidJsonInput", f"Request body exceeds {limit} bytes."))

    app.register_error_handler(HTTPException, http_error)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled %s (correlation id %s)", type(exc).__name__, g.get("correlation_id"))
        return render(ApiError(500, "General", "Internal error; the correlation id identifies it."))
