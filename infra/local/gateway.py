"""HTTP requests -> API Gateway HTTP API (payload 2.0) events -> the same Lambda handlers.

Routing comes from momentum.catalog (the table CDK deploys); protected routes are
checked like the JWT authorizer does (against the local Cognito) before the function
runs, in one of its containers (infra/local/containers.py): concurrent requests to one
function run concurrently, each in its own container, as in Lambda.
"""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from infra.local.containers import Containers, Throttled
from infra.local.identity import LocalIdentity, TokenRejected

_containers: Containers | None = None

# The JWT authorizer's own refusal: API Gateway answers it without calling a function.
UNAUTHORIZED = {
    "statusCode": 401,
    "headers": {"Content-Type": "application/json", "WWW-Authenticate": "Bearer"},
    "body": json.dumps({"message": "Unauthorized"}, separators=(",", ":")),
}


# API Gateway's integration timeout (HTTP APIs: 30 s at most): how long a request waits
# for a free container when its function runs as many as this machine allows.
INTEGRATION_TIMEOUT_S = 30.0

# HTTP API's own answer when the integration does not answer within its timeout.
SERVICE_UNAVAILABLE = {
    "statusCode": 503,
    "headers": {"Content-Type": "application/json"},
    "body": json.dumps({"message": "Service Unavailable"}, separators=(",", ":")),
}


def serve_functions(containers: Containers) -> None:
    global _containers
    _containers = containers


def invoke(function: Any, event: dict[str, Any]) -> Any:
    """Call a catalog function as Lambda would, in one of its containers; background work
    (sweeps, queue batches) waits for a free container as long as it takes."""
    assert _containers is not None, "the local stack has not started its functions"
    return _containers.invoke(function, event)


def integrate(function: Any, event: dict[str, Any]) -> dict[str, Any]:
    """An HTTP request's invocation: the function's answer with the `apigw-requestid`
    header HTTP APIs add, or 503 when no container came free within the timeout."""
    assert _containers is not None, "the local stack has not started its functions"
    request_id = event["requestContext"]["requestId"]
    try:
        result: dict[str, Any] = _containers.invoke(
            function, event, wait_s=INTEGRATION_TIMEOUT_S, trace=request_id
        )
    except Throttled:
        result = dict(SERVICE_UNAVAILABLE)
    return {**result, "headers": {**(result.get("headers") or {}), "apigw-requestid": request_id}}


def describe() -> dict[str, Any]:
    """Every function's containers and recent invocations (GET /local/containers)."""
    assert _containers is not None, "the local stack has not started its functions"
    return _containers.describe()


def api_event(
    *,
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    route_key: str,
    claims: dict[str, str] | None,
    source_ip: str,
) -> dict[str, Any]:
    parts = urlsplit(target)
    lowered: dict[str, str] = {}
    for name, value in headers:  # API Gateway joins a repeated header's values with commas
        key = name.lower()
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    cookies = [
        c.strip() for c in lowered.pop("cookie", "").replace(",", ";").split(";") if c.strip()
    ]
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
    if route_key.endswith("/{proxy+}"):
        prefix = route_key.removeprefix("ANY ").removesuffix("/{proxy+}")
        event["pathParameters"] = {"proxy": unquote(parts.path)[len(prefix) + 1 :]}
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


def route_key_of(function: Any, path: str) -> str:
    """The route key API Gateway matches for `path` among `function`'s catalog routes (the
    longest prefix wins), `$default` when none does."""
    prefixes = [
        p
        for p in (*function.routes, *function.public_routes)
        if path == p or path.startswith(p + "/")
    ]
    return route_key_for(max(prefixes, key=len) if prefixes else None, path)


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


def authorize(identity: LocalIdentity, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The JWT authorizer: the token from the Authorization header, checked (TokenRejected)."""
    authorization = next((v for k, v in headers if k.lower() == "authorization"), None)
    return identity.verify(authorization)


__all__ = [
    "SERVICE_UNAVAILABLE",
    "UNAUTHORIZED",
    "TokenRejected",
    "api_event",
    "authorize",
    "cors_headers",
    "describe",
    "integrate",
    "invoke",
    "preflight",
    "route_key_for",
    "route_key_of",
    "serve_functions",
]
