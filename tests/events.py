"""Real-shaped events from events/, adjusted per test (the one loader every test uses)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from infra.schedule_events import scheduled_event

EVENTS = Path(__file__).resolve().parent.parent / "events"


def load(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


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
    """An API Gateway HTTP API v2 event, as the JWT authorizer would hand it over."""
    event = copy.deepcopy(load("api_request.json"))
    parts = urlsplit(url)
    event["rawPath"] = event["requestContext"]["http"]["path"] = parts.path
    event["rawQueryString"] = parts.query
    event["requestContext"]["http"]["method"] = method
    if parts.query:
        query: dict[str, str] = {}
        for pair in parts.query.split("&"):
            name, _, value = pair.partition("=")
            from urllib.parse import unquote_plus

            query[unquote_plus(name)] = unquote_plus(value)
        event["queryStringParameters"] = query
    if org_id and user_id:
        event["requestContext"]["authorizer"]["jwt"]["claims"] = {
            "sub": user_id,
            "custom:org_id": org_id,
        }
    else:
        del event["requestContext"]["authorizer"]
    if raw_body is not None:
        event["body"] = raw_body
    elif body is not None:
        event["body"] = json.dumps(body)
    event["headers"].update(headers or {})
    # HTTP API v2 hands cookies over apart from the headers, as the local gateway does.
    cookie = event["headers"].pop("Cookie", None) or event["headers"].pop("cookie", None)
    if cookie:
        event["cookies"] = [c.strip() for c in cookie.split(";") if c.strip()]
    return event


def scheduled(sweep: str, time: str) -> dict[str, Any]:
    """The event EventBridge Scheduler delivers for `sweep` at `time` (its one builder)."""
    return scheduled_event(sweep, time)
