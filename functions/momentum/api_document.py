"""The OpenAPI 3.1 document of the whole API, built from every context's router and
completed by momentum.api_contract (status codes, errors, security, names, webhooks).

Building it means importing every context, which no Lambda function should pay for on
a cold start. So it is built ahead of time into `openapi.json` beside this module
(`make openapi`, i.e. `python -m momentum.api_document`), shipped with the code, and
served as a file by the docs function. tests/unit/test_api_document.py fails when the
file no longer matches the routes, naming the command that mends it.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

TITLE = "Momentum API"
VERSION = "1.0.0"
DESCRIPTION = (
    "OKRs with check-ins, action plans, 1:1s, coaching engagements and account action "
    "plans. Every `/v1` operation but the documentation and the OAuth callback needs a "
    "Cognito ID token as `Authorization: Bearer <token>` (Authorize); every error is "
    "`application/problem+json`."
)
DOCUMENT_FILE = Path(__file__).with_name("openapi.json")

# Every context's routes module; each exposes `router`.
ROUTE_MODULES = (
    "momentum.identity.routes",
    "momentum.notify.routes",
    "momentum.okrs.routes",
    "momentum.action_plans.routes",
    "momentum.one_on_ones.routes",
    "momentum.calendar.routes",
    "momentum.coaching.routes",
    "momentum.accounts.routes",
    "momentum.audit.routes",
    "momentum.scim.token_routes",
    "momentum.scim.directory_routes",
    "momentum.webhooks_out.routes",
    "momentum.slack.routes",
    "momentum.report_exports.routes",
)


def build() -> dict[str, Any]:
    from momentum.api_contract import shape
    from momentum.frame.api import build_resolver

    routers = [importlib.import_module(name).router for name in ROUTE_MODULES]
    app = build_resolver(*routers)
    document: dict[str, Any] = app.get_openapi_schema(
        title=TITLE, version=VERSION, openapi_version="3.1.0", description=DESCRIPTION
    ).model_dump(mode="json", by_alias=True, exclude_none=True)
    # The Route objects behind the document: what each operation's function says.
    contexts = [name.split(".")[1] for name in ROUTE_MODULES]
    return shape(document, app._static_routes + app._dynamic_routes, contexts)


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    DOCUMENT_FILE.write_text(render(build()), encoding="utf-8")
    print(f"wrote {DOCUMENT_FILE}")


if __name__ == "__main__":
    main()
