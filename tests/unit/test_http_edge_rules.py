"""core.edge: which bodies reach a route, and the headers every answer carries."""

from __future__ import annotations

import base64
import json
import time

import pytest

from momentum import catalog
from momentum.core import edge
from momentum.core.problems import BadRequest, PayloadTooLarge
from tests.support import events


def _nest(depth: int) -> str:
    return '{"a":' * depth + "[]" + "}" * depth  # depth + 1 levels


def test_nesting_up_to_the_bound_passes_and_one_more_level_is_a_400() -> None:
    edge.check_json(_nest(edge.MAX_DEPTH - 1))
    with pytest.raises(BadRequest, match="nests deeper than 32"):
        edge.check_json(_nest(edge.MAX_DEPTH))


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    edge.check_json(json.dumps({"note": "[" * 5000 + '\\"{' * 100, "list": [[1], [2]]}))


def test_nesting_past_pythons_recursion_limit_is_a_400_not_a_crash() -> None:
    for body in ("[" * 5000 + "]" * 5000, "[" * 200_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        with pytest.raises(BadRequest) as refused:
            edge.check_json(body)
        assert "Recursion" not in refused.value.detail


def test_a_body_of_brackets_at_the_size_limit_is_checked_quickly() -> None:
    wide = "[" + ",".join(["[[]]"] * 50_000) + "]"
    deep = "[" * 30 + "]" * 30
    started = time.perf_counter()
    edge.check_json(wide)
    edge.check_json("[" + ",".join([deep] * 4000) + "]")
    # About 0.1 s on an idle laptop; a regex that backtracked would take minutes. The bound
    # is that difference, not a timing: a busy CI machine may be 50 times slower.
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize(
    "body",
    [
        '{"time_zone": "\\ud800x"}',
        '{"time_zone": "Europe/\\uDC00"}',
        '["ok", {"deep": ["\\udbff"]}]',
        '{"\\ud83d": 1}',
        '"\\ud83d\\u0041"',
    ],
)
def test_a_lone_surrogate_anywhere_is_a_400(body: str) -> None:
    with pytest.raises(BadRequest, match="surrogate"):
        edge.check_json(body)


def test_a_surrogate_pair_and_an_escaped_backslash_u_are_valid() -> None:
    edge.check_json('{"title": "\\ud83d\\ude00 launch"}')
    edge.check_json('{"title": "C:\\\\ud800"}')  # a backslash, then the letters ud800


def test_malformed_json_says_where_without_the_parsers_words() -> None:
    with pytest.raises(BadRequest) as refused:
        edge.check_json('{"title": ')
    assert refused.value.detail == "The body is not valid JSON (line 1, column 11)."


def test_body_text_decodes_base64_and_enforces_the_limits() -> None:
    encoded = base64.b64encode(b'{"a": 1}').decode()
    assert edge.body_text({"body": encoded, "isBase64Encoded": True}) == '{"a": 1}'
    with pytest.raises(BadRequest, match="base64"):
        edge.body_text({"body": "%%%", "isBase64Encoded": True})
    with pytest.raises(PayloadTooLarge):
        edge.body_text({"body": "x" * (edge.MAX_BODY_BYTES + 1)})
    with pytest.raises(BadRequest, match="UTF-8"):
        edge.body_text({"body": "\ud800"})


def test_query_values_with_a_lone_surrogate_are_refused() -> None:
    edge.check_text("query", "plain")
    with pytest.raises(BadRequest, match="query"):
        edge.check_text("query", "a\udc80")


def test_answers_are_not_sniffed_and_not_cached_unless_their_function_says_so() -> None:
    personal = edge.secured({"statusCode": 200, "headers": {"Content-Type": "application/json"}})
    assert personal["headers"]["X-Content-Type-Options"] == "nosniff"
    assert personal["headers"]["Cache-Control"] == "no-store"
    public = edge.secured({"statusCode": 200, "headers": {"cache-control": "public, max-age=5"}})
    assert public["headers"]["cache-control"] == "public, max-age=5"
    assert "Cache-Control" not in public["headers"]
    assert edge.secured({"statusCode": 204})["headers"]["Cache-Control"] == "no-store"


def test_the_allowed_origin_is_the_web_apps() -> None:
    assert catalog.allowed_origins("https://App.Momentum.example/some/path") == (
        "https://app.momentum.example",
    )
    assert catalog.allowed_origins("http://127.0.0.1:3000/app") == ("http://127.0.0.1:3000",)
    with pytest.raises(ValueError, match="scheme"):
        catalog.allowed_origins("app.momentum.example")


def _event(method: str, path: str, body: str) -> dict[str, object]:
    return events.api_request(method, path, raw_body=body)


def test_the_plain_functions_refuse_nesting_with_a_problem_and_the_headers() -> None:
    from momentum.handlers import docs_api, webhooks
    from tests.support.harness import LambdaContext

    nested = "[" * 5000 + "]" * 5000
    answer = webhooks.handler(_event("POST", "/webhooks/microsoft", nested), LambdaContext())
    assert answer["statusCode"] == 400
    assert answer["headers"]["Content-Type"] == "application/problem+json"
    assert json.loads(answer["body"])["detail"] == "The body nests deeper than 32 levels."
    assert answer["headers"]["X-Content-Type-Options"] == "nosniff"
    surrogate = '{"value": ["\\ud800"]}'
    lone = webhooks.handler(_event("POST", "/webhooks/microsoft", surrogate), LambdaContext())
    assert lone["statusCode"] == 400
    document = docs_api.handler(_event("GET", "/v1/openapi.json", nested), LambdaContext())
    assert document["statusCode"] == 200
    assert document["headers"]["X-Content-Type-Options"] == "nosniff"
