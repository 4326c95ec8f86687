"""commercetools-shaped errors, so clients see the platform's error bodies for every failure."""

from __future__ import annotations

import json
from http import HTTPStatus

from flask import Flask, current_app, jsonify
from werkzeug.exceptions import HTTPException

# OAuth-style codes also carry the RFC 6749 `error` / `error_description` members.
OAUTH_CODES = frozenset(
    {"invalid_client", "invalid_scope", "invalid_token", "insufficient_scope",
     "invalid_request", "unsupported_grant_type", "access_denied"}
)


class CtError(Exception):
    """An error answered as `{"statusCode", "message", "errors": [{"code", "message", …}]}`."""

    def __init__(self, status: int, code: str, message: str, **fields: object) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields

    def body(self) -> dict:
        body: dict = {
            "statusCode": self.status,
            "message": self.message,
            "errors": [{"code": self.code, "message": self.message, **self.fields}],
        }
        if self.code in OAUTH_CODES:
            body["error"] = self.code
            body["error_description"] = self.message
        return body

    def response(self):
        return jsonify(self.body()), self.status


def not_found(identifier: str, by: str = "ID") -> CtError:
    return CtError(404, "ResourceNotFound", f"The Resource with {by} '{identifier}' was not found.")


def invalid_input(message: str) -> CtError:
    return CtError(400, "InvalidInput", message)


def invalid_operation(message: str) -> CtError:
    return CtError(400, "InvalidOperation", message)


def invalid_json(detail: str) -> CtError:
    """The platform's answer to a body that is not JSON (or not the expected JSON type)."""
    return CtError(400, "InvalidJsonInput", "Request body does not contain valid JSON.",
                   detailedErrorMessage=detail)


def unknown_field(path: str, kind: str) -> CtError:
    """A field the commercetools API does not define: refused, never dropped."""
    return invalid_input(f"Unknown field '{path}' in a {kind}.")


def unsupported(path: str, kind: str) -> CtError:
    """A field commercetools defines but the emulator cannot honour: refused, never dropped."""
    return invalid_input(
        f"The emulator does not support '{path}' in a {kind} (see docs/emulator.md).")


def required_field(field: str) -> CtError:
    return CtError(400, "RequiredField", f"A value is required for field {field}.", field=field)


def invalid_field(field: str, value: object, allowed: list | None = None) -> CtError:
    message = f"The value '{json.dumps(value)}' is not valid for field '{field}'."
    fields: dict = {"field": field, "invalidValue": value}
    if allowed is not None:
        message += " Allowed values are: " + ", ".join(json.dumps(a) for a in allowed) + "."
        fields["allowedValues"] = allowed
    return CtError(400, "InvalidField", message, **fields)


def duplicate_field(field: str, value: object) -> CtError:
    return CtError(
        400, "DuplicateField",
        f"A duplicate value '{json.dumps(value)}' exists for field '{field}'.",
        field=field, duplicateValue=value,
    )


def referenced_not_found(type_id: str, resource_id: object) -> CtError:
    return CtError(
        400, "ReferencedResourceNotFound",
        f"The referenced object of type '{type_id}' with identifier '{resource_id}' was not found.",
        typeId=type_id, id=resource_id,
    )


def concurrent_modification(resource_id: str, expected: int, actual: int) -> CtError:
    message = (f"Object {resource_id} has a different version than expected. "
               f"Expected: {expected} - Actual: {actual}.")
    return CtError(409, "ConcurrentModification", message, currentVersion=actual)


# Codes for errors the emulator raises generically (unknown routes, injected faults).
STATUS_CODES = {
    400: "InvalidInput", 401: "invalid_token", 403: "insufficient_scope",
    404: "ResourceNotFound", 405: "MethodNotAllowed", 409: "ConcurrentModification",
    500: "General", 502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout",
}


def status_error(status: int, message: str | None = None, **fields: object) -> CtError:
    """A generic error for a bare HTTP status, e.g. 503 → ServiceUnavailable."""
    if message is None:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        message = phrase[:1] + phrase[1:].lower()
    return CtError(status, STATUS_CODES.get(status, "General"), message, **fields)


def install(app: Flask) -> None:
    """Make every error response — routing, method, crash — commercetools-shaped JSON."""

    @app.errorhandler(CtError)
    def _ct_error(error: CtError):
        return error.response()

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        if status == 404:
            return CtError(404, "ResourceNotFound",
                           "The requested resource was not found.").response()
        return status_error(status, error.description).response()

    @app.errorhandler(Exception)
    def _crash(error: Exception):
        current_app.logger.exception("emulator crashed: %s", error)
        return status_error(500, "Internal server error.").response()
