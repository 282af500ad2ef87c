"""HTTP requests -> API Gateway HTTP API (payload 2.0) events -> the same Lambda handlers.

Routing comes from momentum.catalog (the table CDK deploys); protected routes are
checked like the JWT authorizer does before the handler runs. One lock per function
stands in for Lambda's one-request-per-container model (Powertools resolvers keep the
current event on the app object).
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from infra.local.tokens import TokenAuthority, TokenRejected

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


class LambdaContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function_name: str, timeout_s: int, memory_mb: int) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:000000000000:function:{function_name}"
        )
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def invoke(function: Any, event: dict[str, Any]) -> dict[str, Any]:
    """Call a catalog function's handler as Lambda would (serialised per function)."""
    with _locks_guard:
        lock = _locks.setdefault(function.name, threading.Lock())
    handler: Callable[[dict[str, Any], Any], dict[str, Any]] = getattr(
        importlib.import_module(function.module), function.attribute
    )
    with lock:
        return handler(event, LambdaContext(function.name, function.timeout_s, function.memory_mb))


def api_event(
    *,
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    route_key: str,
    claims: dict[str, str] | None,
    source_ip: str,
) -> dict[str, Any]:
    parts = urlsplit(target)
    lowered = {name.lower(): value for name, value in headers.items()}
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    cookies = [c.strip() for c in lowered.pop("cookie", "").split(";") if c.strip()]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": lowered,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": lowered.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    if body:
        try:
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    return event


def route_key_for(prefix: str | None, path: str) -> str:
    if prefix is None:
        return "$default"
    return f"ANY {prefix}" if path == prefix else f"ANY {prefix}/{{proxy+}}"


def unauthorized(reason: str) -> dict[str, Any]:
    body = {
        "type": "https://momentum.example/problems/unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": reason,
    }
    return {
        "statusCode": 401,
        "headers": {"Content-Type": "application/problem+json", "WWW-Authenticate": "Bearer"},
        "body": json.dumps(body),
    }


def preflight(method: str, headers: dict[str, str]) -> dict[str, Any] | None:
    """API Gateway's own answer to a CORS preflight, given before any authorizer runs:
    204, with the allow headers only for an allowed origin (momentum.catalog.CORS)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if method != "OPTIONS" or "origin" not in lowered:
        return None
    if "access-control-request-method" not in lowered:
        return None
    from momentum import catalog

    answer: dict[str, Any] = {"statusCode": 204, "headers": cors_headers(headers), "body": ""}
    if answer["headers"]:
        answer["headers"].update(
            {
                "Access-Control-Allow-Methods": ",".join(catalog.CORS.allow_methods),
                "Access-Control-Allow-Headers": ",".join(catalog.CORS.allow_headers),
                "Access-Control-Max-Age": str(catalog.CORS.max_age_s),
            }
        )
    return answer


def cors_headers(headers: dict[str, str]) -> dict[str, str]:
    """What API Gateway adds to any answer for a request from an allowed origin."""
    from momentum import catalog

    origin = next((v for k, v in headers.items() if k.lower() == "origin"), "")
    if origin.lower() not in catalog.allowed_origins(os.environ["APP_URL"]):
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def authorize(authority: TokenAuthority, headers: dict[str, str]) -> dict[str, str]:
    lowered = {name.lower(): value for name, value in headers.items()}
    return authority.verify(lowered.get("authorization"))


__all__ = [
    "LambdaContext",
    "TokenRejected",
    "api_event",
    "authorize",
    "cors_headers",
    "invoke",
    "preflight",
    "route_key_for",
    "unauthorized",
]
