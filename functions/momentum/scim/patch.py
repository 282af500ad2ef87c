"""SCIM PATCH (RFC 7644 §3.5.2): add, replace and remove on a user's SCIM document.

The document keeps core attributes at its top level and enterprise ones under the
extension's URN, as a GET answers it. Names are matched case-insensitively (RFC 7643
§2.1) and written back in their declared spelling. Okta's and Entra's habits are
accepted: capitalised `op`s, a path-less replace of `{"active": false}`, and a bare
string as the manager's value.
"""

from __future__ import annotations

import re
from typing import Any

from momentum.scim import filters
from momentum.scim.errors import ScimError
from momentum.scim.schema import (
    ENTERPRISE_ATTRIBUTES,
    ENTERPRISE_SCHEMA,
    PATCH_SCHEMA,
    USER_ATTRIBUTES,
    canonical_names,
    is_multi_valued,
    sub_names,
)

CORE = {**canonical_names(USER_ATTRIBUTES), "externalid": "externalId"}
EXTENSION = canonical_names(ENTERPRISE_ATTRIBUTES)
READ_ONLY = {"id", "meta", "schemas", "groups"}
_PATH = re.compile(
    r"(?:(?P<urn>urn:[^\[\]]+):)?(?P<attr>[A-Za-z$][\w$-]*)"
    r"(?:\[(?P<filter>.+)\])?(?:\.(?P<sub>[A-Za-z$][\w$-]*))?"
)


def _path_error(path: str) -> ScimError:
    return ScimError(400, f"The path '{path}' names no attribute Momentum keeps.", "invalidPath")


def _target(document: dict[str, Any], path: str) -> tuple[dict[str, Any], str, Any, str | None]:
    """(the object holding the attribute, its name, a value filter, a sub-attribute)."""
    if path.lower() == ENTERPRISE_SCHEMA.lower():
        return document, ENTERPRISE_SCHEMA, None, None
    match = _PATH.fullmatch(path.strip())
    if match is None:
        raise _path_error(path)
    urn, attr = match["urn"], match["attr"].lower()
    if urn is None and attr in READ_ONLY:
        raise ScimError(400, f"'{match['attr']}' is read-only.", "mutability")
    if urn is not None and urn.lower() == ENTERPRISE_SCHEMA.lower():
        names, holder = EXTENSION, document.setdefault(ENTERPRISE_SCHEMA, {})
    elif urn is None and attr in CORE:
        names, holder = CORE, document
    elif urn is None and attr in EXTENSION:
        names, holder = EXTENSION, document.setdefault(ENTERPRISE_SCHEMA, {})
    else:
        raise _path_error(path)
    if attr not in names:
        raise _path_error(path)
    name = names[attr]
    declared = ENTERPRISE_ATTRIBUTES if names is EXTENSION else USER_ATTRIBUTES
    sub = None
    if match["sub"]:
        subs = sub_names(declared, name)
        if match["sub"].lower() not in subs:
            raise _path_error(path)
        sub = subs[match["sub"].lower()]
    value_filter = filters.parse(match["filter"]) if match["filter"] else None
    if value_filter is not None and not is_multi_valued(declared, name):
        raise _path_error(path)
    return holder, name, value_filter, sub


def _merge_attributes(document: dict[str, Any], values: Any, *, replace: bool) -> None:
    if not isinstance(values, dict):
        raise ScimError(400, "Without a path, the value must be an object.", "invalidValue")
    for raw_name, value in values.items():
        if raw_name.lower() in READ_ONLY:
            continue  # a whole resource sent back (schemas, id, meta): nothing to change
        if raw_name.lower() == ENTERPRISE_SCHEMA.lower():
            if not isinstance(value, dict):
                raise ScimError(400, "The extension's value must be an object.", "invalidValue")
            for ext_name, ext_value in value.items():
                if ext_name.lower() in READ_ONLY:
                    continue
                _apply_at(
                    document, "add" if not replace else "replace", ext_name, ext_value, ext=True
                )
        else:
            _apply_at(document, "replace" if replace else "add", raw_name, value)


def _apply_at(
    document: dict[str, Any], op: str, path: str, value: Any, *, ext: bool = False
) -> None:
    full = f"{ENTERPRISE_SCHEMA}:{path}" if ext else path
    holder, name, value_filter, sub = _target(document, full)
    if name == ENTERPRISE_SCHEMA:
        if op == "remove":
            holder.pop(name, None)
            return
        _merge_attributes(document, {ENTERPRISE_SCHEMA: value}, replace=op == "replace")
        return
    if name == "manager" and isinstance(value, str) and sub is None:
        value = {"value": value}
    current = holder.get(name)
    multi = is_multi_valued(
        ENTERPRISE_ATTRIBUTES if holder is not document else USER_ATTRIBUTES, name
    )
    if value_filter is not None:
        _apply_filtered(holder, name, op, value_filter, sub, value)
    elif op == "remove":
        if sub is not None and isinstance(current, dict):
            current.pop(sub, None)
        else:
            holder.pop(name, None)
    elif sub is not None:
        element = current if isinstance(current, dict) else {}
        element[sub] = value
        holder[name] = element
    elif multi:
        added = value if isinstance(value, list) else [value]
        holder[name] = (current or []) + added if op == "add" else added
    elif isinstance(value, dict) and isinstance(current, dict):
        holder[name] = {**current, **value}
    else:
        holder[name] = value
    if isinstance(holder.get(name), dict | list) and not holder[name]:
        holder.pop(name)


def _apply_filtered(
    holder: dict[str, Any], name: str, op: str, value_filter: Any, sub: str | None, value: Any
) -> None:
    elements = [e for e in holder.get(name) or [] if isinstance(e, dict)]
    kept: list[dict[str, Any]] = []
    touched = False
    for element in elements:
        if not filters.matches(value_filter, element):
            kept.append(element)
            continue
        touched = True
        if op == "remove":
            if sub is not None:
                kept.append({k: v for k, v in element.items() if k != sub})
        elif sub is not None:
            kept.append({**element, sub: value})
        elif isinstance(value, dict):
            kept.append({**element, **value} if op == "add" else value)
    if not touched and op != "remove":
        raise ScimError(400, "No value matches the path's filter.", "noTarget")
    holder[name] = kept


def apply(document: dict[str, Any], request: Any) -> dict[str, Any]:
    """The document after every operation of a PatchOp request, or a SCIM 400."""
    if not isinstance(request, dict) or PATCH_SCHEMA not in (request.get("schemas") or []):
        raise ScimError(400, f"A PATCH body is a {PATCH_SCHEMA} message.", "invalidSyntax")
    operations = request.get("Operations") or request.get("operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "A PATCH needs at least one operation.", "invalidSyntax")
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "Each operation is an object.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        path, value = operation.get("path"), operation.get("value")
        if op not in ("add", "replace", "remove"):
            raise ScimError(400, f"Unknown operation '{operation.get('op')}'.", "invalidSyntax")
        if path is not None and not isinstance(path, str):
            raise ScimError(400, "The path must be a string.", "invalidPath")
        if op == "remove":
            if not path:
                raise ScimError(400, "A remove needs a path.", "noTarget")
            _apply_at(document, op, path, value)
        elif path:
            _apply_at(document, op, path, value)
        else:
            _merge_attributes(document, value, replace=op == "replace")
    return document
