"""The local server's own /local/* routes refuse with the functions' problem+json."""

from __future__ import annotations

import json
from typing import Any

from infra.local import local_routes

from momentum.core.problems import PROBLEM_BASE, PROBLEM_JSON


def _refusal(method: str, target: str, raw: bytes) -> tuple[int, dict[str, str], Any]:
    status, headers, body = local_routes.handle(None, method, target, raw, {})  # type: ignore[arg-type]
    return status, headers, json.loads(body)


def test_an_unknown_local_route_is_a_not_found_problem() -> None:
    status, headers, body = _refusal("POST", "/local/nowhere", b"{}")
    assert status == 404
    assert headers["Content-Type"] == PROBLEM_JSON
    assert body == {
        "type": PROBLEM_BASE + "not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No local route for POST /local/nowhere.",
    }


def test_a_body_that_is_not_an_object_is_a_bad_request_problem() -> None:
    status, headers, body = _refusal("POST", "/local/orgs", b"[1, 2]")
    assert (status, headers["Content-Type"]) == (400, PROBLEM_JSON)
    assert body["type"] == PROBLEM_BASE + "bad-request"
    assert body["detail"] == "The body must be a JSON object."
