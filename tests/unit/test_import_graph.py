"""The import graph keeps the layers' promises (lint-imports checks the contracts in
pyproject.toml; these are the two rules worth a direct test)."""

from __future__ import annotations

import re
from pathlib import Path

import grimp

from momentum import catalog

ROOT = Path(__file__).resolve().parents[2] / "functions" / "momentum"


def _package_edges() -> dict[str, set[str]]:
    """momentum.<package> -> the momentum.<package>s it imports, function-local included."""
    graph = grimp.build_graph("momentum")
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        importer = ".".join(module.split(".")[:2])
        for imported in graph.find_modules_directly_imported_by(module):
            target = ".".join(imported.split(".")[:2])
            if target != importer:
                edges.setdefault(importer, set()).add(target)
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_packages() -> None:
    assert _cycle(_package_edges()) is None


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_only_the_store_calls_the_dynamodb_client() -> None:
    calls = re.compile(r"aws\.dynamodb\(\)|client\(\"dynamodb\"\)|ConditionalCheckFailed")
    outside = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if path.parent.name != "store" and calls.search(path.read_text())
    ]
    outside.remove("core/aws.py")  # the one factory of boto3 clients
    assert outside == []


def test_every_lambda_has_the_domain_event_subscriptions() -> None:
    """Each handler module lives in the handlers package, whose import wires the events."""
    assert all(f.handler.startswith("momentum.handlers.") for f in catalog.FUNCTIONS)
    graph = grimp.build_graph("momentum")
    assert "momentum.wiring" in graph.find_modules_directly_imported_by("momentum.handlers")
