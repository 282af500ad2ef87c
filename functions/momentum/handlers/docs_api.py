"""Lambda entry point: the OpenAPI 3.1 document and Swagger UI, built from every router.

This is the only function that imports every context, and it is public and rarely
called, so the other functions' cold starts stay small.
"""

from __future__ import annotations

import importlib
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from momentum.core.api import build_resolver, handle

# Every context's routes module; each exposes `router`.
ROUTE_MODULES = (
    "momentum.identity.routes",
    "momentum.okrs.routes",
    "momentum.action_plans.routes",
    "momentum.one_on_ones.routes",
    "momentum.calendar.routes",
    "momentum.coaching.routes",
    "momentum.accounts.routes",
)


def _routers() -> list[Router]:
    routers = []
    for name in ROUTE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:  # a real import error inside a context, not a gap
                raise
            continue
        routers.append(module.router)
    return routers


app = build_resolver(*_routers())
app.enable_swagger(path="/v1/docs", title="Momentum API", version="1.0.0")


@app.get("/v1/openapi.json", include_in_schema=False)
def openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = app.get_openapi_schema(
        title="Momentum API", version="1.0.0", openapi_version="3.1.0"
    ).model_dump(mode="json", by_alias=True, exclude_none=True)
    return document


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
