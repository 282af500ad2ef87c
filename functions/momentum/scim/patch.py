"""SCIM PATCH (RFC 7644 §3.5.2): add, replace and remove on a resource's SCIM document.

The document keeps core attributes at its top level and extension ones under the
extension's URN, as a GET answers it. Names are matched case-insensitively (RFC 7643
§2.1) and written back in their declared spelling. Okta's and Entra's habits are
accepted: capitalised `op`s, a path-less replace of `{"active": false}`, a bare string as
the manager's value, and a remove of `members` naming the values to remove.
"""

from __future__ import annotations

import re
from typing import Any

from momentum.scim import filters
from momentum.scim.errors import ScimError
from momentum.scim.schema import PATCH_SCHEMA, Shape, is_multi_valued, sub_names

_PATH = re.compile(
    r"(?:(?P<urn>urn:[^\[\]]+):)?(?P<attr>[A-Za-z$][\w$-]*)"
    r"(?:\[(?P<filter>.+)\])?(?:\.(?P<sub>[A-Za-z$][\w$-]*))?"
)


def _path_error(path: str) -> ScimError:
    return ScimError(400, f"The path '{path}' names no attribute Momentum keeps.", "invalidPath")


class _Patcher:
    def __init__(self, shape: Shape, document: dict[str, Any]) -> None:
        self.shape, self.document = shape, document

    def _holder(self, in_extension: bool) -> dict[str, Any]:
        if not in_extension:
            return self.document
        assert self.shape.extension is not None
        holder: dict[str, Any] = self.document.setdefault(self.shape.extension, {})
        return holder

    def target(self, path: str) -> tuple[dict[str, Any], str, Any, str | None, bool]:
        """(holder, attribute name, value filter, sub-attribute, multi-valued)."""
        match = _PATH.fullmatch(path.strip())
        if match is None:
            raise _path_error(path)
        urn, attr = match["urn"], match["attr"].lower()
        extension = (self.shape.extension or "").lower()
        if urn is None and attr in self.shape.read_only:
            raise ScimError(400, f"'{match['attr']}' is read-only.", "mutability")
        if urn is not None and extension and urn.lower() == extension:
            in_extension = True
        elif urn is None and attr in self.shape.core_names:
            in_extension = False
        elif urn is None and attr in self.shape.extension_names:
            in_extension = True
        else:
            raise _path_error(path)
        names = self.shape.extension_names if in_extension else self.shape.core_names
        if attr not in names:
            raise _path_error(path)
        name = names[attr]
        declared = self.shape.extension_attributes if in_extension else self.shape.attributes
        sub = None
        if match["sub"]:
            subs = sub_names(declared, name)
            if match["sub"].lower() not in subs:
                raise _path_error(path)
            sub = subs[match["sub"].lower()]
        multi = is_multi_valued(declared, name)
        value_filter = filters.parse(match["filter"]) if match["filter"] else None
        if value_filter is not None and not multi:
            raise _path_error(path)
        return self._holder(in_extension), name, value_filter, sub, multi

    def merge(self, values: Any, *, replace: bool) -> None:
        if not isinstance(values, dict):
            raise ScimError(400, "Without a path, the value must be an object.", "invalidValue")
        op = "replace" if replace else "add"
        extension = (self.shape.extension or "").lower()
        for raw_name, value in values.items():
            if raw_name.lower() in self.shape.read_only:
                continue  # a whole resource sent back (schemas, id, meta): nothing to change
            if extension and raw_name.lower() == extension:
                if not isinstance(value, dict):
                    raise ScimError(400, "The extension's value must be an object.", "invalidValue")
                for ext_name, ext_value in value.items():
                    if ext_name.lower() not in self.shape.read_only:
                        self.at(op, f"{self.shape.extension}:{ext_name}", ext_value)
            else:
                self.at(op, raw_name, value)

    def at(self, op: str, path: str, value: Any) -> None:
        if self.shape.extension and path.lower() == self.shape.extension.lower():
            if op == "remove":
                self.document.pop(self.shape.extension, None)
            else:
                self.merge({self.shape.extension: value}, replace=op == "replace")
            return
        holder, name, value_filter, sub, multi = self.target(path)
        if name == "manager" and isinstance(value, str) and sub is None:
            value = {"value": value}
        current = holder.get(name)
        if value_filter is not None:
            _apply_filtered(holder, name, op, value_filter, sub, value)
        elif op == "remove":
            if sub is not None and isinstance(current, dict):
                current.pop(sub, None)
            elif multi and isinstance(value, list) and value:
                # Entra: remove `members` with the values to remove, not all of them.
                gone = {str(v.get("value")) for v in value if isinstance(v, dict)}
                holder[name] = [e for e in current or [] if str(e.get("value")) not in gone]
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
        if self.shape.extension and self.document.get(self.shape.extension) == {}:
            self.document.pop(self.shape.extension)


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


def apply(shape: Shape, document: dict[str, Any], request: Any) -> dict[str, Any]:
    """The document after every operation of a PatchOp request, or a SCIM 400."""
    if not isinstance(request, dict) or PATCH_SCHEMA not in (request.get("schemas") or []):
        raise ScimError(400, f"A PATCH body is a {PATCH_SCHEMA} message.", "invalidSyntax")
    operations = request.get("Operations") or request.get("operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "A PATCH needs at least one operation.", "invalidSyntax")
    patcher = _Patcher(shape, document)
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "Each operation is an object.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        path, value = operation.get("path"), operation.get("value")
        if op not in ("add", "replace", "remove"):
            raise ScimError(400, f"Unknown operation '{operation.get('op')}'.", "invalidSyntax")
        if path is not None and not isinstance(path, str):
            raise ScimError(400, "The path must be a string.", "invalidPath")
        if op == "remove" and not path:
            raise ScimError(400, "A remove needs a path.", "noTarget")
        if path:
            patcher.at(op, path, value)
        else:
            patcher.merge(value, replace=op == "replace")
    return document
