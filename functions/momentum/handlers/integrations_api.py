"""Lambda entry point: audit log, SCIM tokens, directory groups, webhook subscriptions."""

from typing import Any

from momentum.audit.routes import router as audit_router
from momentum.frame.api import build_resolver, handle
from momentum.handlers.cold_start import loaded
from momentum.scim.directory_routes import router as directory_router
from momentum.scim.token_routes import router as scim_token_router
from momentum.webhooks_out.routes import router as webhooks_router

app = build_resolver(audit_router, scim_token_router, directory_router, webhooks_router)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(app, event, context)


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
