"""SCIM filters (RFC 7644 §3.4.2.2), parsed by scim2-filter-parser and matched here.

A filter is matched against the SCIM representation of each candidate. Candidates come
from a look-up when the filter pins an indexed attribute (`userName`, `externalId`,
`id` with `eq`, through `and`/`or`), else from the org's whole SCIM
collection (one partition, read with Query).
"""

from __future__ import annotations

from typing import Any

from scim2_filter_parser import ast
from scim2_filter_parser.lexer import SCIMLexer
from scim2_filter_parser.parser import SCIMParser, SCIMParserError

from momentum.scim.errors import ScimError

# emails.value is not among them: an IdP may change a user's SCIM emails while Momentum
# keeps the sign-in address, so only the org's collection answers it exactly.
INDEXED = {"username": "userName", "externalid": "externalId", "id": "id"}
CASE_EXACT = {"id", "externalid"}


def parse(text: str) -> ast.Filter:
    try:
        node = SCIMParser().parse(SCIMLexer().tokenize(text))
    except (SCIMParserError, Exception) as error:  # the lexer raises plain exceptions too
        raise ScimError(400, f"The filter is not valid: {error}", "invalidFilter") from error
    if not isinstance(node, ast.Filter):
        raise ScimError(400, "The filter is not valid.", "invalidFilter")
    return node


def _get(document: dict[str, Any], name: str) -> Any:
    lowered = name.lower()
    for key, value in document.items():
        if key.lower() == lowered:
            return value
    return None


def _values(document: dict[str, Any], path: ast.AttrPath) -> list[Any]:
    """Every value the attribute path reaches (multi-valued attributes flatten)."""
    scope = _get(document, path.uri) if path.uri else document
    if not isinstance(scope, dict):
        return []
    found = _get(scope, path.attr_name)
    if found is None and not path.uri:  # extension attributes may be named bare
        for key, value in document.items():
            if key.startswith("urn:") and isinstance(value, dict):
                found = _get(value, path.attr_name)
                if found is not None:
                    break
    items = found if isinstance(found, list) else [found]
    if path.sub_attr is not None:
        items = [_get(item, path.sub_attr.value) for item in items if isinstance(item, dict)]
    return [item for item in items if item is not None]


def _compare(op: str, actual: Any, expected: str, case_exact: bool) -> bool:
    if isinstance(actual, bool):
        same = str(actual).lower() == expected.lower()
        return same if op == "eq" else (not same if op == "ne" else False)
    if isinstance(actual, int | float):
        try:
            number = float(expected)
        except ValueError:
            return False
        return {
            "eq": actual == number,
            "ne": actual != number,
            "gt": actual > number,
            "ge": actual >= number,
            "lt": actual < number,
            "le": actual <= number,
        }.get(op, False)
    left, right = str(actual), expected
    if not case_exact:
        left, right = left.lower(), right.lower()
    tests = {
        "eq": left == right,
        "ne": left != right,
        "co": right in left,
        "sw": left.startswith(right),
        "ew": left.endswith(right),
        "gt": left > right,
        "ge": left >= right,
        "lt": left < right,
        "le": left <= right,
    }
    return tests.get(op, False)


def _attr_matches(node: ast.AttrExpr, document: dict[str, Any]) -> bool:
    op = str(node.value).lower()
    values = _values(document, node.attr_path)
    if op == "pr":
        return any(value not in ("", [], {}) for value in values)
    expected = str(node.comp_value.value) if node.comp_value is not None else ""
    if expected == "null":
        return (op == "eq") == (not values)
    case_exact = str(node.attr_path.attr_name).lower() in CASE_EXACT
    if op == "ne":
        return all(_compare("ne", value, expected, case_exact) for value in values)
    return any(_compare(op, value, expected, case_exact) for value in values)


def matches(node: Any, document: dict[str, Any]) -> bool:
    if isinstance(node, ast.Filter):
        if node.namespace is not None:  # emails[type eq "work"]: any element matches
            elements = _values(document, node.namespace)
            hit = any(matches(node.expr, e) for e in elements if isinstance(e, dict))
        else:
            hit = matches(node.expr, document)
        return bool(hit) != bool(node.negated)
    if isinstance(node, ast.LogExpr):
        if node.op.lower() == "and":
            return matches(node.expr1, document) and matches(node.expr2, document)
        return matches(node.expr1, document) or matches(node.expr2, document)
    if isinstance(node, ast.AttrExpr):
        return _attr_matches(node, document)
    raise ScimError(400, "The filter is not valid.", "invalidFilter")


def look_ups(node: Any) -> list[tuple[str, str]] | None:
    """(indexed attribute, value) pairs whose results hold every match, or None."""
    if isinstance(node, ast.Filter):
        if node.negated or node.namespace is not None:
            return None
        return look_ups(node.expr)
    if isinstance(node, ast.LogExpr):
        left, right = look_ups(node.expr1), look_ups(node.expr2)
        if node.op.lower() == "and":
            return left if left is not None else right
        return None if left is None or right is None else left + right
    if isinstance(node, ast.AttrExpr) and node.value.lower() == "eq" and node.comp_value:
        path = node.attr_path
        name = path.attr_name.lower() + (f".{path.sub_attr.value.lower()}" if path.sub_attr else "")
        if path.uri is None and name in INDEXED:
            return [(INDEXED[name], node.comp_value.value)]
    return None
