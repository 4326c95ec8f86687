"""Query endpoints (`GET /{projectKey}/{resources}`): where, sort, limit, offset, withTotal."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import request

from .errors import invalid_input
from .predicates import PredicateError, parse
from .store import EmulatorStore

MAX_LIMIT = 500
MAX_OFFSET = 10000
_SORT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s+(asc|desc)\s*$")


def _int_param(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) > maximum:
        raise invalid_input(f"Malformed parameter: {name}: must be an integer from 0 to {maximum}.")
    return int(raw)


def _sort_key(path: list[str]):
    def key(resource: dict):
        value: object = resource
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        # Missing values sort last; values of different types never compare with each other,
        # and objects/arrays (not meaningfully ordered) compare by their text.
        comparable = value if isinstance(value, (str, int, float)) else str(value)
        return (value is None, type(value).__name__, comparable)

    return key


def paged(store: EmulatorStore, collection: dict, render: Callable[[dict], dict]) -> dict:
    """A PagedQueryResponse of `collection` for the request's query parameters.

    Matching, sorting and rendering (copies, expansion) happen under the store's lock, so
    a page is one consistent snapshot; only the page's resources are rendered.
    """
    try:
        predicates = [parse(text) for text in request.args.getlist("where")]
    except PredicateError as error:
        raise invalid_input(
            f"Malformed parameter: where: Syntax error while parsing 'where'. {error}") from None
    sorts = []
    for text in request.args.getlist("sort"):
        match = _SORT.match(text)
        if match is None:
            raise invalid_input(f"Malformed parameter: sort: expected '<field> asc|desc': {text!r}")
        sorts.append((match.group(1).split("."), match.group(2) == "desc"))
    limit = _int_param("limit", 20, MAX_LIMIT)
    offset = _int_param("offset", 0, MAX_OFFSET)
    with store.lock:
        matching = [r for r in collection.values() if all(p(r) for p in predicates)]
        for path, descending in reversed(sorts):  # stable sorts, least significant first
            matching.sort(key=_sort_key(path), reverse=descending)
        page = [render(r) for r in matching[offset:offset + limit]]
    body: dict = {"limit": limit, "offset": offset, "count": len(page)}
    if request.args.get("withTotal", "true").lower() != "false":
        body["total"] = len(matching)
    body["results"] = page
    return body
