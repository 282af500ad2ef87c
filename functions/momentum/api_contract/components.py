"""What every operation shares, written once under `components` and referred to: the
Problem answers, the bearer token, the pagination parameters, `next_cursor` and
`Idempotency-Key`."""

from __future__ import annotations

import copy
from typing import Any

from momentum.core import problems
from momentum.core.pages import DEFAULT_LIMIT, MAX_LIMIT
from momentum.frame.idempotency import MAX_KEY_LENGTH

BEARER = "cognito"
PROBLEM_JSON = problems.PROBLEM_JSON
SCHEMAS = "#/components/schemas/"

# When each problem status is answered, as a client should read it.
PROBLEM_MEANINGS: dict[int, str] = {
    400: "The request could not be read: malformed JSON, a body that is not UTF-8, a "
    "tampered cursor, or a value the operation refuses.",
    401: "No bearer token, or one this API does not accept.",
    403: "The caller may not do this (the resource is known to them), or their account is "
    "not active.",
    404: "No such resource, or one the caller may not see: another org's id answers the same.",
    409: "The request conflicts with the current state: a stale `version` answers with "
    "`current`, the resource as it now is.",
    413: "The body is over 256 KiB.",
    415: "The body is not JSON.",
    422: "Well-formed, but not what the operation accepts: `errors[]` names each field "
    "(`path`, `message`). Also a reused `Idempotency-Key` with another body.",
}


def problem_answer(status: int) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{problems.kind_for(status).__name__}"}


def problem_content() -> dict[str, Any]:
    return {PROBLEM_JSON: {"schema": {"$ref": SCHEMAS + "Problem"}}}


PARAMETERS: dict[str, dict[str, Any]] = {
    "Limit": {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": f"Page size (1-{MAX_LIMIT}).",
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_LIMIT,
            "default": DEFAULT_LIMIT,
        },
    },
    "Cursor": {
        "name": "cursor",
        "in": "query",
        "required": False,
        "description": "The `next_cursor` of the previous page; a tampered one answers 400.",
        "schema": {"type": "string", "maxLength": 2048},
    },
    "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Any unique string: the same key and body within 24 h answer the "
        "first result again and create nothing new; the same key with another body is 422.",
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    },
}
_SHARED_QUERY = {"limit": "Limit", "cursor": "Cursor"}


def shared_parameters(parameters: list[dict[str, Any]], *, idempotent: bool) -> list[Any]:
    """The operation's parameters with `limit` and `cursor` referring to the shared ones."""
    shared: list[Any] = []
    for parameter in parameters:
        name = _SHARED_QUERY.get(parameter["name"]) if parameter["in"] == "query" else None
        shared.append({"$ref": f"#/components/parameters/{name}"} if name else parameter)
    if idempotent:
        shared.append({"$ref": "#/components/parameters/IdempotencyKey"})
    return shared


NEXT_CURSOR: dict[str, Any] = {
    "anyOf": [{"type": "string"}, {"type": "null"}],
    "title": "NextCursor",
    "description": "Pass it as `cursor` to read the next page; null on the last page.",
}


def add_shared(document: dict[str, Any]) -> None:
    """Write the shared components and point every page's `next_cursor` at one of them."""
    found = document.setdefault("components", {})
    schemas = found.setdefault("schemas", {})
    schemas["Problem"] = copy.deepcopy(problems.PROBLEM_SCHEMA)
    schemas["FieldError"] = copy.deepcopy(problems.FIELD_ERROR_SCHEMA)
    schemas["NextCursor"] = copy.deepcopy(NEXT_CURSOR)
    for schema in schemas.values():
        properties = schema.get("properties", {})
        if set(properties) == {"items", "next_cursor"}:
            properties["next_cursor"] = {"$ref": SCHEMAS + "NextCursor"}
    found["responses"] = {
        problems.kind_for(status).__name__: {
            "description": meaning,
            "content": problem_content(),
        }
        for status, meaning in PROBLEM_MEANINGS.items()
    }
    found["parameters"] = copy.deepcopy(PARAMETERS)
    found["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An ID token of the org's Cognito user pool, carrying "
            "`custom:org_id`. Locally, `POST /local/orgs` answers one for the first admin "
            "and `POST /local/tokens` one for any user.",
        }
    }
