"""Reading a JSON request body strictly: its content type, encoding and nesting depth.

A body must say ``Content-Type: application/json`` (so a browser cannot send one
cross-origin without a CORS preflight), be UTF-8 and nest at most ``MAX_DEPTH`` levels:
Python's JSON parser recurses per level, and ~2 KB of brackets would otherwise exhaust
the interpreter's stack long before the size limit is reached.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

from ..errors import ApiError

MAX_DEPTH = 32
JSON_TYPE = "application/json"
# Strings (with their escapes) are skipped whole, so brackets inside them do not count.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def read_json_object() -> dict[str, Any]:
    """The request body as a JSON object, or an ApiError: 415 for another content type,
    400 InvalidJsonInput for anything that is not a JSON object of bounded depth."""
    if request.mimetype != JSON_TYPE:
        raise ApiError(
            415,
            "UnsupportedMediaType",
            f"The request body must be sent as {JSON_TYPE}.",
        )
    raw = request.get_data(cache=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "InvalidJsonInput", "Request body is not UTF-8.") from None
    if too_deep(text):
        raise ApiError(
            400, "InvalidJsonInput", f"Request body nests deeper than {MAX_DEPTH} levels."
        )
    try:
        body = json.loads(text or "null")
    except ValueError:
        raise ApiError(400, "InvalidJsonInput", "Request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "InvalidJsonInput", "Request body must be a JSON object.")
    return body


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects in ``text`` nest deeper than ``limit``; linear, no parsing."""
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token == "[" or token == "{":
            depth += 1
            if depth > limit:
                return True
        elif token == "]" or token == "}":
            depth -= 1
    return False
