"""Lambda entry point: the OpenAPI 3.1 document and Swagger UI (public routes).

It serves the document built ahead of time (momentum.api_document) rather than
importing every context to build it, so its cold start is as small as the webhook
receiver's. Swagger UI's script and style are the copies Powertools ships in the
dependencies layer, inlined as Powertools' own `enable_swagger` does, so the page
needs no CDN.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

from momentum.core import config, edge, observability, problems
from momentum.handlers.cold_start import loaded

DOCUMENT_FILE = Path(__file__).parent.parent / "openapi.json"
DOCUMENT_PATH, PAGE_PATH = "/v1/openapi.json", "/v1/docs"
config.check_cold_start()

# persistAuthorization: a token given to Authorize survives reloading the page.
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<div id="swagger-ui">Loading…</div>
<script>{js}</script>
<script>
SwaggerUIBundle({{url: "{document_path}", dom_id: "#swagger-ui", deepLinking: true, filter: true,
  persistAuthorization: true, displayOperationId: true}});
</script>
</body>
</html>
"""


def _answer(body: str, content_type: str) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"Content-Type": content_type, "Cache-Control": "public, max-age=300"},
        "body": body,
        "isBase64Encoded": False,
    }


@cache
def _document() -> str:
    return DOCUMENT_FILE.read_text(encoding="utf-8")


@cache
def _page() -> str:
    # find_spec locates the installed package without importing it (importing would
    # load the whole resolver, which is what this function avoids).
    spec = importlib.util.find_spec("aws_lambda_powertools")
    assert spec is not None and spec.submodule_search_locations
    assets = Path(next(iter(spec.submodule_search_locations))) / "event_handler/openapi/swagger_ui"
    return _PAGE.format(
        title="Momentum API",
        css=(assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        js=(assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        document_path=DOCUMENT_PATH,
    )


@observability.traced(observability.API_REQUEST_ID)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # The document and the page ignore any body, so no body can make them fail.
    return edge.secured(_answered(event))


def _answered(event: dict[str, Any]) -> dict[str, Any]:
    path = event.get("rawPath") or ""
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method", "GET")
    if path not in (DOCUMENT_PATH, PAGE_PATH):
        return problems.lambda_result(problems.NotFound(f"No route for {method} {path}."))
    if method not in ("GET", "HEAD"):
        refused = problems.MethodNotAllowed("The documentation is read with GET.")
        return problems.lambda_result(refused)
    if path == DOCUMENT_PATH:
        return _answer(_document(), "application/json")
    return _answer(_page(), "text/html; charset=utf-8")


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
