"""Lambda entry point: calendar connections, OAuth callback, event listings and import."""

from typing import Any

from momentum.calendar.routes import router
from momentum.frame.api import build_resolver, handle

app = build_resolver(router)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)
