"""SCIM error responses (RFC 7644 §3.12): what every SCIM failure is answered with."""

from __future__ import annotations

import json
from typing import Any

from momentum.core.problems import Problem
from momentum.scim.schema import ERROR_SCHEMA

SCIM_JSON = "application/scim+json"


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(self.status)}
        if self.scim_type:
            body["scimType"] = self.scim_type
        body["detail"] = self.detail
        return body

    def lambda_result(self) -> dict[str, Any]:
        return {
            "statusCode": self.status,
            "headers": {"Content-Type": SCIM_JSON},
            "body": json.dumps(self.body()),
        }


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def from_problem(problem: Problem) -> ScimError:
    """Identity's rules speak problem details; an identity provider reads SCIM errors."""
    scim_type = {409: "uniqueness", 422: "invalidValue", 400: "invalidValue"}.get(problem.status)
    status = 400 if problem.status == 422 else problem.status
    return ScimError(status, problem.detail, scim_type)
