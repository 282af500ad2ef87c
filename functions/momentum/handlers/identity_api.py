"""Lambda entry point: organisation and users routes (and API Gateway's $default)."""

from typing import Any

from momentum.core.api import build_resolver, handle
from momentum.identity.routes import router

app = build_resolver(router)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
