"""Domain errors, and their one RFC 9457 problem+json shape.

core.api answers them for the resolver-based functions; the plain functions (webhooks,
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


def for_status(status: int, detail: str) -> Problem:
    """The problem a bare HTTP status stands for (for layers that only know the status)."""
    return _BY_STATUS.get(status, BadRequest)(detail)


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
