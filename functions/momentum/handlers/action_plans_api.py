"""Lambda entry point: Engage action plans linked to OKRs."""

from typing import Any

from momentum.action_plans.routes import router
from momentum.frame.api import build_resolver, handle
from momentum.handlers.cold_start import loaded

app = build_resolver(router)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
