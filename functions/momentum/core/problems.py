"""Domain errors, and their one RFC 9457 problem+json shape.

frame.api answers them for the resolver-based functions; the plain functions (webhooks,
docs) answer them with `lambda_result`, so every error a client sees has the same shape.
Nothing here imports beyond the standard library: the light functions rely on it.
"""

from __future__ import annotations

import json
from typing import Any

PROBLEM_JSON = "application/problem+json"

PROBLEM_BASE = "https://momentum.example/problems/"


class Problem(Exception):
    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class BadRequest(Problem):
    pass


class Unauthorized(Problem):
    status, title, slug = 401, "Unauthorized", "unauthorized"


class Forbidden(Problem):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(Problem):
    status, title, slug = 404, "Not found", "not-found"


class MethodNotAllowed(Problem):
    status, title, slug = 405, "Method not allowed", "method-not-allowed"


class Conflict(Problem):
    status, title, slug = 409, "Conflict", "conflict"


class PayloadTooLarge(Problem):
    status, title, slug = 413, "Payload too large", "payload-too-large"


class UnsupportedMediaType(Problem):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


class Invalid(Problem):
    """Well-formed but semantically invalid (422)."""

    status, title, slug = 422, "Unprocessable content", "invalid"


class InternalError(Problem):
    """Something failed on our side; the detail never carries internals."""

    status, title, slug = 500, "Internal error", "internal"


_BY_STATUS: dict[int, type[Problem]] = {
    kind.status: kind
    for kind in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PayloadTooLarge,
        UnsupportedMediaType,
        Invalid,
        InternalError,
    )
}


def kind_for(status: int) -> type[Problem]:
    """The Problem class a bare HTTP status stands for (BadRequest when none does)."""
    return _BY_STATUS.get(status, BadRequest)


def for_status(status: int, detail: str) -> Problem:
    """The problem a bare HTTP status stands for (for layers that only know the status)."""
    return kind_for(status)(detail)


def lambda_result(problem: Problem) -> dict[str, Any]:
    """A problem as a raw API Gateway HTTP API (v2) result."""
    return {
        "statusCode": problem.status,
        "headers": {"Content-Type": PROBLEM_JSON},
        "body": json.dumps(problem.body()),
        "isBase64Encoded": False,
    }


def field_error(path: str, message: str) -> dict[str, str]:
    return {"path": path, "message": message}


# The JSON schema of `Problem.body()` and of one `field_error`, as the API document
# shows them (every 4xx and 5xx answer of every operation).
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "FieldError",
    "description": "One reason a request was refused: where, and why.",
    "properties": {
        "path": {
            "type": "string",
            "description": "The field, dotted from the body, query or path (`metric.target`).",
        },
        "message": {"type": "string"},
    },
    "required": ["path", "message"],
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": (
        "RFC 9457 problem details. A 409 about a stale version carries `current`, the "
        "resource as it now is; a 422 about the request's shape carries `errors`."
    ),
    "properties": {
        "type": {"type": "string", "description": f"A URI under {PROBLEM_BASE}"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}
