"""Hostile JSON bodies against every operation of the OpenAPI document that takes one.

schemathesis generates bodies that match (or nearly match) each schema; these are the
bodies it does not: nesting far past any schema, lone UTF-16 surrogates (`"\\ud800"`)
in values and keys, and the near misses that must still pass the edge (nesting just
inside the bound, surrogate pairs). None may give a 5xx; the hostile ones are a 400.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from momentum.core.edge import MAX_DEPTH
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e

DOCUMENT = json.loads((Path(__file__).parents[2] / "functions/momentum/openapi.json").read_text())
EXAMPLES_PER_OPERATION = 12
SOME_ID = "01JD0000000000000000000000"


def _operations() -> list[tuple[str, str, tuple[str, ...]]]:
    found = []
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch") and "requestBody" in operation:
                found.append((method.upper(), path, _field_names(operation["requestBody"])))
    return found


def _field_names(request_body: dict[str, Any]) -> tuple[str, ...]:
    schema = request_body.get("content", {}).get("application/json", {}).get("schema", {})
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return tuple(schema.get("properties", {})) or ("value",)


OPERATIONS = _operations()


def _nest(depth: int, opener: str, core: str = "1") -> str:
    if opener == "[":
        return "[" * depth + core + "]" * depth
    return '{"a":' * depth + core + "}" * depth


def _surrogate(code: int) -> str:
    return f"\\u{code:04x}"


@cache
def _bodies(fields: tuple[str, ...]) -> st.SearchStrategy[tuple[str, bool]]:
    """(JSON text, whether the edge must refuse it with a 400)."""
    field = st.sampled_from(fields)
    lone = st.integers(0xD800, 0xDFFF)
    words = st.text(alphabet="abcxyz /_-", max_size=6)
    too_deep = st.builds(
        lambda depth, opener, name: (f'{{"{name}": ' + _nest(depth, opener) + "}", True),
        st.integers(MAX_DEPTH, 6000),
        st.sampled_from("[{"),
        field,
    )
    just_inside = st.builds(
        lambda depth, opener, name: (f'{{"{name}": ' + _nest(depth, opener) + "}", False),
        st.integers(1, MAX_DEPTH - 1),
        st.sampled_from("[{"),
        field,
    )
    lone_in_value = st.builds(
        lambda name, code, before, after: (
            f'{{"{name}": "{before}{_surrogate(code)}{after}"}}',
            True,
        ),
        field,
        lone,
        words,
        words,
    )
    lone_in_key = st.builds(
        lambda name, code: (f'{{"{name}": 1, "{_surrogate(code)}": [1]}}', True), field, lone
    )
    paired = st.builds(
        lambda name, high, low: (
            f'{{"{name}": "{_surrogate(high)}{_surrogate(low)}"}}',
            False,
        ),
        field,
        st.integers(0xD800, 0xDBFF),
        st.integers(0xDC00, 0xDFFF),
    )
    return st.one_of(too_deep, just_inside, lone_in_value, lone_in_key, paired)


@pytest.fixture(scope="module")
def member(stack: HttpApi) -> dict[str, str]:
    admin = stack.new_org("Hostile bodies")
    return {"Authorization": f"Bearer {admin.token}", "Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("method", "path", "fields"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_no_hostile_body_gives_a_server_error(
    stack: HttpApi, member: dict[str, str], method: str, path: str, fields: tuple[str, ...]
) -> None:
    target = re.sub(r"\{[^}]+\}", SOME_ID, path)
    sent: list[int] = []

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(_bodies(fields))
    def send(case: tuple[str, bool]) -> None:
        text, refused = case
        answer = stack.http.request(method, target, content=text.encode(), headers=member)
        sent.append(answer.status_code)
        assert answer.status_code < 500, (text[:200], answer.text)
        if refused:
            assert answer.status_code == 400, (text[:200], answer.text)
        if answer.status_code >= 400:
            assert answer.headers["content-type"] == "application/problem+json"
            assert "Traceback" not in answer.text

    send()
    assert len(sent) >= EXAMPLES_PER_OPERATION
    print(f"hostile bodies {method} {path}: {len(sent)} cases, no 5xx")
