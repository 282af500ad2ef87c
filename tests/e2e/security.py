"""What the security e2e tests (tests/e2e/test_security_*.py) check on every refusal."""

from __future__ import annotations

from tests.support.harness import Reply


def assert_problem(reply: Reply, status: int, *paths: str) -> dict[str, object]:
    """An RFC 9457 problem with this status; for 422, `errors[]` names exactly `paths`."""
    assert reply.status == status, f"{reply.status}: {reply.text}"
    content_type = next(v for k, v in reply.headers.items() if k.lower() == "content-type")
    assert content_type == "application/problem+json"
    body = reply.json
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == status and body["detail"]
    if status == 422:
        assert sorted(error["path"] for error in body["errors"]) == sorted(paths), body
    return dict(body)
