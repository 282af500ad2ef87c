"""The HTTP edge shared by every API function: one resolver factory, one error mapper.

Everything a client can send wrong is answered here as RFC 9457 problem+json before or
instead of reaching a route: oversized, non-UTF-8 or malformed bodies, wrong media types,
validation errors (with field paths), unknown routes and every domain Problem. Anything
unexpected is logged and answered as a 500 problem without internals.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import BaseModel

from momentum.core import clock, edge, observability
from momentum.core.config import check_cold_start
from momentum.core.problems import (
    PROBLEM_JSON,
    InternalError,
    Invalid,
    NotFound,
    Problem,
    UnsupportedMediaType,
    lambda_result,
)
from momentum.frame import principal as principal_module

logger = observability.logger


def problem_response(problem: Problem) -> Response[Any]:
    return Response(
        status_code=problem.status,
        content_type=PROBLEM_JSON,
        body=json.dumps(problem.body()),
    )


def _field_path(location: Any) -> str:
    parts = [str(part) for part in location if part not in ("body",)]
    return ".".join(parts) or "body"


def _validation_problem(error: RequestValidationError) -> Problem:
    errors = [
        {"path": _field_path(item.get("loc", ())), "message": item.get("msg", "invalid")}
        for item in error.errors()
    ]
    return Invalid("The request does not match the expected shape.", errors=errors)


def check_request(event: dict[str, Any]) -> Problem | None:
    """Reject requests the routes must never see. Normalises base64 bodies to text."""
    try:
        for name, values in (
            ("query", event.get("queryStringParameters")),
            ("path", event.get("pathParameters")),
        ):
            for value in (values or {}).values():
                edge.check_text(name, str(value))
        if event.get("body") is None or event.get("body") == "":
            return None
        text = edge.body_text(event)
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        content_type = headers.get("content-type", "application/json")
        media_type = content_type.split(";")[0].strip().lower()
        if media_type not in ("application/json", "") and not media_type.endswith("+json"):
            return UnsupportedMediaType("Send the body as application/json.")
        edge.check_json(text)
    except Problem as problem:
        return problem
    event["body"], event["isBase64Encoded"] = text, False
    return None


def build_resolver(*routers: Router) -> APIGatewayHttpResolver:
    check_cold_start()  # an API function missing a setting fails its first request loudly
    app = APIGatewayHttpResolver(enable_validation=True)
    for router in routers:
        app.include_router(router)

    @app.exception_handler(Problem)
    def _problem(error: Problem) -> Response[Any]:
        return problem_response(error)

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[Any]:
        return problem_response(_validation_problem(error))

    @app.not_found
    def _not_found(_: Exception) -> Response[Any]:
        path = app.current_event.path
        return problem_response(NotFound(f"No route for {app.current_event.http_method} {path}."))

    return app


def handle(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The body of every API Lambda handler."""
    return _traced_answer(event, context, app=app)


@observability.traced(observability.API_REQUEST_ID)
def _traced_answer(
    event: dict[str, Any], context: Any, *, app: APIGatewayHttpResolver
) -> dict[str, Any]:
    started = clock.monotonic()
    result = _answer(event, context, app)
    route, status = str(event.get("routeKey") or "$default"), str(result.get("statusCode"))
    observability.count("Requests", {"route": route, "status": status})
    elapsed = round((clock.monotonic() - started) * 1000, 1)
    logger.info("request answered", extra={"route": route, "status": status, "ms": elapsed})
    return result


def _answer(event: dict[str, Any], context: Any, app: APIGatewayHttpResolver) -> dict[str, Any]:
    problem = check_request(event)
    if problem is not None:
        return edge.secured(lambda_result(problem))
    principal_module.bind_event(event, context)
    try:
        return edge.secured(app.resolve(event, context))
    except Exception:  # the last line of defence: never a stack trace to the client
        logger.exception("unhandled error")
        failed = InternalError("Something went wrong on our side; it has been logged.")
        return edge.secured(lambda_result(failed))


def created(model: BaseModel | dict[str, Any]) -> Response[Any]:
    """201 with the created resource (serialised and checked against the route's type)."""
    return Response(status_code=201, content_type="application/json", body=model)


def no_content() -> Response[Any]:
    return Response(status_code=204, content_type="application/json", body="")


def json_or_csv(model: type[BaseModel]) -> dict[int, Any]:
    """`responses=` for a report answering `model` as JSON, or CSV with `format=csv`."""
    return {
        200: {
            "description": "The report (CSV with `format=csv`)",
            "content": {
                "application/json": {"model": model},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    }


def header(app_or_router: Any, name: str) -> str | None:
    headers = app_or_router.current_event.headers or {}
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value)
    return None


LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
