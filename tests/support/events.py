"""The events tests hand the functions: recorded provider samples from events/, and the
API Gateway and Scheduler events the local stack's own builders make."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from infra.local import gateway
from infra.schedule_events import scheduled_event

EVENTS = Path(__file__).resolve().parents[2] / "events"


def load(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


# What the tests' client sends unless told otherwise (a JSON body, a named host).
DEFAULT_HEADERS = {
    "content-type": "application/json",
    "host": "api.momentum.example",
    "user-agent": "momentum-tests",
}


def api_request(
    method: str,
    url: str,
    *,
    org_id: str | None = None,
    user_id: str | None = None,
    body: Any = None,
    raw_body: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API v2 event, as the JWT authorizer would hand it over: built by
    the local gateway (its one builder), routed by the catalog as API Gateway routes it."""
    from momentum import catalog

    path = urlsplit(url).path
    owner = catalog.route_owner(path)
    merged = {**DEFAULT_HEADERS, **{k.lower(): v for k, v in (headers or {}).items()}}
    text = raw_body if raw_body is not None else None if body is None else json.dumps(body)
    return gateway.api_event(
        method=method,
        target=url,
        headers=merged.items(),
        body=text.encode("utf-8", "surrogatepass") if text else b"",
        route_key=gateway.route_key_of(owner[0], path) if owner else "$default",
        claims={"sub": user_id, "custom:org_id": org_id} if org_id and user_id else None,
        source_ip="127.0.0.1",
    )


def scheduled(sweep: str, time: str, *, inline: bool = False) -> dict[str, Any]:
    """The event EventBridge Scheduler delivers for `sweep` at `time` (its one builder);
    `inline` asks for every shard in the one call, as POST /local/sweeps does."""
    return scheduled_event(sweep, time, detail={"inline": True} if inline else None)
