"""The OpenAPI 3.1 document of the whole API, built from every context's router.

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
    "momentum.slack.routes",
)


def build() -> dict[str, Any]:
    from momentum.core.api import build_resolver

    routers = [importlib.import_module(name).router for name in ROUTE_MODULES]
    app = build_resolver(*routers)
    document: dict[str, Any] = app.get_openapi_schema(
        title=TITLE, version=VERSION, openapi_version="3.1.0"
    ).model_dump(mode="json", by_alias=True, exclude_none=True)
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    DOCUMENT_FILE.write_text(render(build()), encoding="utf-8")
    print(f"wrote {DOCUMENT_FILE}")


if __name__ == "__main__":
    main()
