"""The SCIM HTTP surface at /scim/v2 (RFC 7644 §3): routing, paging and SCIM errors.

SCIM speaks its own media type and error shape, and carries its own bearer token rather
than the API's JWT, so it is answered here instead of by the Powertools resolver.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
from aws_lambda_powertools import Logger
from pydantic import ValidationError

from momentum.core.problems import Problem
from momentum.frame.api import check_request
from momentum.frame.principal import bind_event
from momentum.scim import documents, groups, tokens, users
from momentum.scim.errors import SCIM_JSON, ScimError, from_problem
from momentum.scim.schema import (
    LIST_SCHEMA,
    MAX_RESULTS,
    RESOURCE_TYPES,
    SCHEMAS,
    SEARCH_SCHEMA,
    SERVICE_PROVIDER_CONFIG,
)
from momentum.store.codec import Item

BASE = "/scim/v2"
logger = Logger(service="momentum")
_USER = re.compile(r"/Users/(?P<id>[^/]+)")
_GROUP = re.compile(r"/Groups/(?P<id>[^/]+)")


def _answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": SCIM_JSON, **(headers or {})},
        "body": "" if body is None else json.dumps(body, default=str),
    }


def _list(resources: list[dict[str, Any]], start: int, total: int) -> dict[str, Any]:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def _positive(raw: Any, name: str, default: int, *, low: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError) as error:
        raise ScimError(400, f"'{name}' must be an integer.", "invalidValue") from error
    return max(value, low)


def _names(raw: Any) -> list[str]:
    if raw is None:
        return []
    parts = raw if isinstance(raw, list) else str(raw).split(",")
    return [str(p).strip() for p in parts if str(p).strip()]


def _user_resource(record: dict[str, Any], base_url: str) -> dict[str, Any]:
    org_id = str(record["pk"]).split("#", 2)[1]
    member_of = groups.user_groups_attribute(org_id, record["user_id"], base_url)
    return documents.representation(record, base_url, member_of)


def _user_answer(record: dict[str, Any], base_url: str, status: int = 200) -> dict[str, Any]:
    resource = _user_resource(record, base_url)
    headers = {"ETag": documents.etag(record), "Location": resource["meta"]["location"]}
    return _answer(status, resource, headers)


def _search(
    caller: tokens.ScimCaller, params: dict[str, Any], base_url: str, resource_type: str
) -> dict[str, Any]:
    start = _positive(params.get("startIndex"), "startIndex", 1, low=1)
    count = min(_positive(params.get("count"), "count", MAX_RESULTS, low=0), MAX_RESULTS)
    if resource_type in ("Group", "any"):
        every = groups.search(caller, params.get("filter"), base_url)
        if resource_type == "any":  # a search at the server root spans every type
            found = users.search(caller, params.get("filter"))
            every = [_user_resource(r, base_url) for r in found] + every
        total, page = len(every), every[start - 1 : start - 1 + count]
    else:
        found = users.search(caller, params.get("filter"))
        total = len(found)
        page = [_user_resource(r, base_url) for r in found[start - 1 : start - 1 + count]]
    attributes = _names(params.get("attributes"))
    excluded = _names(params.get("excludedAttributes"))
    resources = [documents.project(r, attributes, excluded) for r in page]
    return _answer(200, _list(resources, start, total))


def _search_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or SEARCH_SCHEMA not in (body.get("schemas") or []):
        raise ScimError(400, f"A search body is a {SEARCH_SCHEMA} message.", "invalidSyntax")
    return body


def _group_answer(
    found: tuple[Item, list[Item]], base_url: str, status: int = 200
) -> dict[str, Any]:
    resource = groups.representation(found[0], found[1], base_url)
    headers = {"ETag": resource["meta"]["version"], "Location": resource["meta"]["location"]}
    return _answer(status, resource, headers)


def _groups_route(request: _Request) -> dict[str, Any]:
    caller, method, path, base_url = request.caller, request.method, request.path, request.base_url
    if path == "/Groups" and method == "GET":
        return _search(caller, request.params, base_url, "Group")
    if path == "/Groups/.search" and method == "POST":
        return _search(caller, _search_body(request.body), base_url, "Group")
    if path == "/Groups" and method == "POST":
        return _group_answer(groups.create(caller, request.body), base_url, 201)
    match = _GROUP.fullmatch(path)
    if match is None:
        raise ScimError(404, f"No SCIM endpoint at {BASE}{path}.")
    group_id = match["id"]
    if method == "GET":
        group, members = groups.get(caller, group_id)
        resource = documents.project(
            groups.representation(group, members, base_url),
            _names(request.params.get("attributes")),
            _names(request.params.get("excludedAttributes")),
        )
        return _answer(200, resource, {"ETag": f'W/"{group["version"]}"'})
    if method == "PUT":
        return _group_answer(
            groups.replace(caller, group_id, request.body, request.if_match), base_url
        )
    if method == "PATCH":
        return _group_answer(
            groups.modify(caller, group_id, request.body, request.if_match), base_url
        )
    if method == "DELETE":
        groups.delete(caller, group_id, request.if_match)
        return _answer(204)
    raise ScimError(405, f"{method} is not supported on {BASE}{path}.")


class _Request(msgspec.Struct, frozen=True):
    caller: tokens.ScimCaller
    method: str
    path: str
    params: dict[str, Any]
    body: Any
    if_match: str | None
    base_url: str


def _discovery(path: str) -> dict[str, Any] | None:
    if path == "/ServiceProviderConfig":
        return _answer(200, SERVICE_PROVIDER_CONFIG)
    for prefix, catalogue in (("/ResourceTypes", RESOURCE_TYPES), ("/Schemas", SCHEMAS)):
        if path == prefix:
            items = list(catalogue.values())
            return _answer(200, _list(items, 1, len(items)))
        if path.startswith(prefix + "/"):
            found = catalogue.get(path[len(prefix) + 1 :])
            if found is None:
                raise ScimError(404, f"No such {prefix[1:-1]}.")
            return _answer(200, found)
    return None


def _route(event: dict[str, Any]) -> dict[str, Any]:
    method = str(event.get("requestContext", {}).get("http", {}).get("method", "GET")).upper()
    path = str(event.get("rawPath") or "")[len(BASE) :].rstrip("/") or "/"
    headers = {k.lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    params = dict(event.get("queryStringParameters") or {})
    base_url = f"https://{headers.get('host', 'localhost')}{BASE}"
    if headers.get("x-forwarded-proto") == "http" or headers.get("host", "").startswith("127."):
        base_url = "http" + base_url[5:]
    caller = tokens.authenticate(headers.get("authorization"))
    discovered = _discovery(path)
    if discovered is not None:
        if method != "GET":
            raise ScimError(405, f"{BASE}{path} is read-only.")
        return discovered
    body = json.loads(event["body"]) if event.get("body") else None
    if_match = headers.get("if-match")
    if path == "/Groups" or path.startswith("/Groups/"):
        return _groups_route(_Request(caller, method, path, params, body, if_match, base_url))
    if path == "/Users" and method == "GET":
        return _search(caller, params, base_url, "User")
    if path == "/Users/.search" and method == "POST":
        return _search(caller, _search_body(body), base_url, "User")
    if path == "/.search" and method == "POST":
        return _search(caller, _search_body(body), base_url, "any")
    if path == "/Users" and method == "POST":
        return _user_answer(users.create(caller, body), base_url, 201)
    match = _USER.fullmatch(path)
    if match is None:
        raise ScimError(404, f"No SCIM endpoint at {BASE}{path}.")
    user_id = match["id"]
    if method == "GET":
        record = users.get(caller, user_id)
        resource = documents.project(
            _user_resource(record, base_url),
            _names(params.get("attributes")),
            _names(params.get("excludedAttributes")),
        )
        return _answer(200, resource, {"ETag": documents.etag(record)})
    if method == "PUT":
        return _user_answer(users.replace(caller, user_id, body, if_match), base_url)
    if method == "PATCH":
        return _user_answer(users.modify(caller, user_id, body, if_match), base_url)
    if method == "DELETE":
        users.delete(caller, user_id, if_match)
        return _answer(204)
    raise ScimError(405, f"{method} is not supported on {BASE}{path}.")


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    rejected = check_request(event)
    if rejected is not None:
        return from_problem(rejected).lambda_result()
    bind_event(event, context)
    try:
        return _route(event)
    except ScimError as error:
        return error.lambda_result()
    except Problem as problem:
        return from_problem(problem).lambda_result()
    except ValidationError as invalid:  # a value identity's rules refuse (an email, a zone)
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in invalid.errors())
        return ScimError(400, f"Invalid value for {fields}.", "invalidValue").lambda_result()
    except Exception:  # never a stack trace to an identity provider
        logger.exception("unhandled SCIM error")
        return ScimError(
            500, "Something went wrong on our side; it has been logged."
        ).lambda_result()
