"""Lambda entry point: 1:1 series, meetings, agendas, notes and the 1:1 report."""

from typing import Any

from momentum.frame.api import build_resolver, handle
from momentum.handlers.cold_start import loaded
from momentum.one_on_ones.routes import router

app = build_resolver(router)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
