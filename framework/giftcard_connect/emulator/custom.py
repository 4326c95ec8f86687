"""Custom Fields: accepted structurally, since the emulator keeps no Type resources.

commercetools checks field names and values against the Type's field definitions; the
emulator checks only the shape (a Type identifier, a JSON object of fields) and answers
the platform's representation `{"type": {"typeId": "type", "id"}, "fields": {…}}`.
"""

from __future__ import annotations

import copy

from .errors import invalid_field, invalid_operation, required_field
from .wire import keyed_reference, only


def fields_object(value: object, field: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_field(field, value)
    return copy.deepcopy(value)


def custom_fields(draft: object, field: str = "custom") -> dict:
    """CustomFieldsDraft → CustomFields."""
    if not isinstance(draft, dict):
        raise invalid_field(field, draft)
    only(draft, ("type", "fields"), "CustomFieldsDraft", f"{field}.")
    return {"type": keyed_reference(draft.get("type"), "type", f"{field}.type"),
            "fields": fields_object(draft.get("fields"), f"{field}.fields")}


def set_custom_type(holder: dict, action: dict) -> None:
    """`set…CustomType`: a Type and its fields, or (without `type`) no Custom Fields at all."""
    if action.get("type") is None:
        holder.pop("custom", None)
        return
    holder["custom"] = custom_fields({"type": action["type"], "fields": action.get("fields")},
                                     "custom")


def set_custom_field(holder: dict, action: dict, owner: str) -> None:
    """`set…CustomField`: set one field, or remove it when `value` is absent or null."""
    name = action.get("name")
    if name is None:
        raise required_field("name")
    if not isinstance(name, str) or not name:
        raise invalid_field("name", name)
    custom = holder.get("custom")
    if custom is None:
        raise invalid_operation(f"The {owner} has no Custom Type, so it has no Custom Fields.")
    if action.get("value") is not None:
        custom["fields"][name] = copy.deepcopy(action["value"])
    elif name in custom["fields"]:
        del custom["fields"][name]
    else:
        raise invalid_operation(f"The {owner} has no Custom Field '{name}' to remove.")
