"""Lambda entry point: report exports (ask for one, follow its job)."""

from typing import Any

from momentum.frame.api import build_resolver, handle
from momentum.handlers.cold_start import loaded
from momentum.report_exports.routes import router

app = build_resolver(router)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
