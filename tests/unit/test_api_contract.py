"""The shipped OpenAPI document tells a client what each operation really answers: valid
OpenAPI 3.1, real success codes, problem+json errors, the bearer token, Idempotency-Key
on creates, shared pagination, and names a generated client can use."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate

from momentum import api_document, catalog
from momentum.api_contract.examples import CREATE_EXAMPLES

DOCUMENT: dict[str, Any] = json.loads(api_document.DOCUMENT_FILE.read_text(encoding="utf-8"))
OPERATIONS = [
    (method.upper(), path, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
]
EACH_OPERATION = [pytest.param(m, p, op, id=f"{m} {p}") for m, p, op in OPERATIONS]
# The docs function answers only these two reads: nothing about them can go wrong.
DOCUMENTATION_READS = {("GET", "/v1/openapi.json"), ("GET", "/v1/docs")}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        section, name = node["$ref"].removeprefix("#/components/").split("/")
        node = DOCUMENT["components"][section][name]
    return node


def _snake(name: str) -> str:
    """How openapi-python-client turns a name into a module or function name."""
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower())


def _creates() -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for m, p, op in OPERATIONS if m == "POST" and "201" in op["responses"]]


def test_the_document_is_valid_openapi_3_1() -> None:
    assert DOCUMENT["openapi"] == "3.1.0"
    validate(DOCUMENT)


@pytest.mark.parametrize(("method", "path", "operation"), EACH_OPERATION)
def test_every_operation_documents_its_success_and_its_problems(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    answers = {status: _resolve(answer) for status, answer in operation["responses"].items()}
    successes = [s for s in answers if s.startswith("2")]
    assert successes or "302" in answers, f"{method} {path} documents no success"
    for status in successes:
        content = answers[status].get("content", {})
        assert status in ("202", "204") or any(c.get("schema") for c in content.values()), status
    if "302" in answers:
        assert "Location" in answers["302"]["headers"]
    problems = {
        status: answer["content"]["application/problem+json"]["schema"]
        for status, answer in answers.items()
        if status.startswith("4")
    }
    if (method, path) in DOCUMENTATION_READS:
        assert not problems
        return
    assert problems, f"{method} {path} documents no error"
    assert all(schema == {"$ref": "#/components/schemas/Problem"} for schema in problems.values())
    assert "application/json" not in json.dumps([a.get("content", {}) for a in problems.values()])


def test_the_problem_schema_is_what_the_api_sends() -> None:
    problem = DOCUMENT["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    field = _resolve(problem["properties"]["errors"]["items"])
    assert set(field["required"]) == {"path", "message"}
    schemas = DOCUMENT["components"]["schemas"]
    assert not {"HTTPValidationError", "ValidationError"} & set(schemas)


@pytest.mark.parametrize(("method", "path", "operation"), EACH_OPERATION)
def test_protected_operations_need_the_bearer_token_and_public_ones_none(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    owner = catalog.route_owner(path)
    assert owner is not None, f"{path} is served by no function in the catalog"
    public = owner[1]
    assert operation["security"] == ([] if public else [{"cognito": []}])
    if not public:
        assert "401" in operation["responses"] and "403" in operation["responses"]


def test_the_bearer_scheme_is_a_jwt_and_the_public_operations_are_the_catalogs() -> None:
    scheme = DOCUMENT["components"]["securitySchemes"]["cognito"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    public = {(m, p) for m, p, op in OPERATIONS if op["security"] == []}
    assert public == DOCUMENTATION_READS | {
        ("GET", "/v1/calendar/oauth/start"),
        ("GET", "/v1/calendar/oauth/callback"),
        ("POST", "/webhooks/google"),
        ("POST", "/webhooks/microsoft"),
    }


def test_every_create_takes_an_idempotency_key_and_shows_a_valid_example() -> None:
    creates = _creates()
    assert len(creates) >= 20
    for _, path, operation in creates:
        parameters = [_resolve(p) for p in operation.get("parameters", [])]
        assert ("header", "Idempotency-Key") in {(p["in"], p["name"]) for p in parameters}, path
        body = operation["requestBody"]["content"]["application/json"]
        if "example" in body:
            schema = {**body["schema"], "components": DOCUMENT["components"]}
            jsonschema.Draft202012Validator(schema).validate(body["example"])
    named = {operation["operationId"] for _, _, operation in creates}
    assert not named - set(CREATE_EXAMPLES), "add these to api_contract/examples.py"
    assert not set(CREATE_EXAMPLES) - named, "these examples belong to no create"


def test_an_example_that_breaks_its_schema_is_caught() -> None:
    create_goal = DOCUMENT["paths"]["/v1/goals"]["post"]["requestBody"]["content"]
    schema = {**create_goal["application/json"]["schema"], "components": DOCUMENT["components"]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate({**CREATE_EXAMPLES["create_goal"], "x": 1})


def test_pagination_is_documented_once_and_reused() -> None:
    parameters = [p for _, _, op in OPERATIONS for p in op.get("parameters", [])]
    inline = [p for p in parameters if "$ref" not in p and p["name"] in ("limit", "cursor")]
    assert not inline
    limit = DOCUMENT["components"]["parameters"]["Limit"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 100, 25)
    pages = {n: s for n, s in DOCUMENT["components"]["schemas"].items() if n.endswith("Page")}
    assert {"GoalPage", "UserPage", "OneOnOneRowPage", "AccountPlanTemplatePage"} <= set(pages)
    for schema in pages.values():
        assert schema["properties"]["next_cursor"] == {"$ref": "#/components/schemas/NextCursor"}
    paged = [op for *_, op in OPERATIONS if "parameters/Cursor" in json.dumps(op.get("parameters"))]
    assert len(paged) >= 10


def test_schema_names_are_unique_and_each_context_prefixes_its_own() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    assert not [name for name in schemas if "__" in name or not name.isidentifier()]
    assert all(schema.get("title", name) == name for name, schema in schemas.items())
    clashing = [n for n, count in Counter(_snake(n) for n in schemas).items() if count > 1]
    assert not clashing
    # The names once shared by two contexts, now told apart by their context.
    assert {
        "ActionPlan",
        "AccountActionPlan",
        "GoalMetric",
        "AccountMetric",
        "CoachingReport",
        "OneOnOneReport",
        "CoachingTemplateCreate",
        "AccountTemplateCreate",
    } <= set(schemas)


def test_operation_ids_are_unique_and_in_the_products_words() -> None:
    ids = [operation["operationId"] for _, _, operation in OPERATIONS]
    assert len({_snake(i) for i in ids}) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)
    by_route = {(m, p): op["operationId"] for m, p, op in OPERATIONS}
    assert by_route["POST", "/v1/action-plans"] == "create_action_plan"
    assert by_route["POST", "/v1/accounts/{account_id}/plans"] == "create_account_plan"
    assert by_route["PATCH", "/v1/goals/{goal_id}"] == "update_goal"


def test_every_operation_has_a_summary_and_a_tag_that_is_described() -> None:
    tags = {tag["name"]: tag["description"] for tag in DOCUMENT["tags"]}
    assert {"Goals", "One-on-ones", "Coaching", "Calendar", "Documentation"} <= set(tags)
    for method, path, operation in OPERATIONS:
        assert operation["summary"] and not operation["summary"].startswith(method), path
        assert len(operation["tags"]) == 1 and operation["tags"][0] in tags, path
    report = DOCUMENT["paths"]["/v1/reports/one-on-ones"]["get"]
    assert "Never any note text" in report["description"]


def test_the_webhook_receivers_document_their_headers_and_answers() -> None:
    google = DOCUMENT["paths"]["/webhooks/google"]["post"]
    headers = {p["name"] for p in google["parameters"] if p["in"] == "header"}
    assert {"X-Goog-Channel-ID", "X-Goog-Resource-State", "X-Goog-Channel-Token"} <= headers
    assert {"200", "400", "401", "403"} <= set(google["responses"])
    microsoft = DOCUMENT["paths"]["/webhooks/microsoft"]["post"]
    assert [p["name"] for p in microsoft["parameters"]] == ["validationToken"]
    assert "text/plain" in microsoft["responses"]["200"]["content"]
    assert {"202", "400", "403", "413"} <= set(microsoft["responses"])
