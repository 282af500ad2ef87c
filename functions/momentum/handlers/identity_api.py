"""Lambda entry point: organisation and users routes (and API Gateway's $default)."""

from typing import Any

from momentum.frame.api import build_resolver, handle
from momentum.handlers.cold_start import loaded
from momentum.identity.routes import router
from momentum.notify.routes import router as delivery_problems

app = build_resolver(router, delivery_problems)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
