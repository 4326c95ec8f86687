"""Reference expansion (`?expand=paymentInfo.payments[*]`), as commercetools answers it.

A path walks the resource field by field; `[*]` selects every element of an array and
`[n]` one element. Each Reference `{"typeId", "id"}` the path ends on (or passes through)
gains an `obj` with the referenced resource exactly as its own GET would answer it. Paths
that name no field, or a Reference to something the emulator does not keep (customers,
types, states…) or that no longer exists, change nothing; a syntactically malformed path
is refused. A Reference is expanded only when the token may read the referenced resource.
"""

from __future__ import annotations

import copy
import re

from flask import request

from .auth import can_read
from .errors import invalid_input
from .store import EmulatorStore

_SEGMENT = r"[A-Za-z_][A-Za-z0-9_]*(?:\[(?:\*|\d+)\])?"
_PATH = re.compile(rf"^{_SEGMENT}(?:\.{_SEGMENT})*$")
_PART = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\*|\d+)\])?$")

# typeId → (store collection, scope family that may read it)
_RESOLVABLE = {"payment": ("payments", "payments"), "cart": ("carts", "orders"),
               "order": ("orders", "orders")}

Path = list[tuple[str, str | None]]


def requested() -> list[Path]:
    """The request's `expand` parameters as parsed paths; 400 InvalidInput when malformed."""
    paths = []
    for text in request.args.getlist("expand"):
        if not _PATH.match(text):
            raise invalid_input(f"Malformed parameter: expand: Invalid path selector: {text}")
        paths.append([_PART.match(part).groups() for part in text.split(".")])
    return paths


def expand(store: EmulatorStore, resource: dict, paths: list[Path]) -> dict:
    """Expand `paths` in `resource` in place (a copy; the caller holds the lock)."""
    for path in paths:
        _walk(store, resource, path)
    return resource


def _walk(store: EmulatorStore, node: object, path: Path) -> None:
    if not isinstance(node, dict):
        return
    (name, selector), rest = path[0], path[1:]
    value = node.get(name)
    if selector is None:
        targets = [] if isinstance(value, list) or value is None else [value]
    elif not isinstance(value, list):
        targets = []
    elif selector == "*":
        targets = value
    else:
        targets = value[int(selector):int(selector) + 1]
    for target in targets:
        _resolve(store, target)
        if rest:
            _walk(store, target.get("obj", target) if isinstance(target, dict) else None, rest)


def _resolve(store: EmulatorStore, target: object) -> None:
    if not isinstance(target, dict) or "obj" in target:
        return
    found = _RESOLVABLE.get(target.get("typeId"))
    if found is None or not isinstance(target.get("id"), str) or not can_read(found[1]):
        return
    referenced = getattr(store, found[0]).get(target["id"])
    if referenced is not None:
        target["obj"] = copy.deepcopy(referenced)
