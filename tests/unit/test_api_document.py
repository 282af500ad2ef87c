"""The served OpenAPI document is the one the routes build, and the docs function serves it."""

from __future__ import annotations

import json

from momentum import api_document
from momentum.handlers import docs_api
from tests.support import events
from tests.support.harness import LambdaContext


def _get(path: str, method: str = "GET") -> dict:
    return docs_api.handler(events.api_request(method, path), LambdaContext())


def test_the_shipped_document_matches_the_routes() -> None:
    shipped = api_document.DOCUMENT_FILE.read_text(encoding="utf-8")
    built = api_document.render(api_document.build())
    assert shipped == built, "openapi.json is stale: run `make openapi` and commit it"


def test_the_document_lists_every_context() -> None:
    paths = json.loads(api_document.DOCUMENT_FILE.read_text(encoding="utf-8"))["paths"]
    for prefix in ("/v1/me", "/v1/goals", "/v1/action-plans", "/v1/one-on-ones", "/v1/calendar"):
        assert any(path.startswith(prefix) for path in paths), prefix
    assert any("/engagements" in path for path in paths)
    assert any("/accounts" in path for path in paths)


def test_the_docs_function_serves_the_document_and_the_page() -> None:
    document = _get("/v1/openapi.json")
    assert document["statusCode"] == 200
    assert json.loads(document["body"])["openapi"].startswith("3.1")
    page = _get("/v1/docs")
    assert page["statusCode"] == 200
    assert page["headers"]["Content-Type"].startswith("text/html")
    assert "SwaggerUIBundle" in page["body"] and "/v1/openapi.json" in page["body"]


def test_the_docs_function_answers_problems_for_anything_else() -> None:
    missing = _get("/v1/nothing")
    assert missing["statusCode"] == 404
    assert missing["headers"]["Content-Type"] == "application/problem+json"
    assert json.loads(missing["body"])["status"] == 404
    assert _get("/v1/docs", "POST")["statusCode"] == 405
