"""The API document as a client needs it, beyond what Powertools derives from the types.

`shape` takes the document Powertools builds from the routers and the routes behind it,
and adds what the code knows but the types do not say: real status codes, problem+json
errors, the bearer token, shared pagination and `Idempotency-Key`, names in the
product's words, and the operations of the plain functions (webhooks, docs). Rules, not
per-route lists, so a route added tomorrow is described the same way.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from momentum import catalog
from momentum.api_contract.components import add_shared
from momentum.api_contract.operations import RouteFacts, describe
from momentum.api_contract.receivers import add_receivers
from momentum.api_contract.schemas import rename_schemas


def _context_tags(facts: list[tuple[RouteFacts, dict[str, Any]]]) -> dict[str, str]:
    """Each context's tag: the one most of its routes carry."""
    counts: dict[str, Counter[str]] = {}
    for route, operation in facts:
        counts.setdefault(route.context, Counter()).update(operation.get("tags", []))
    return {context: tags.most_common(1)[0][0] for context, tags in counts.items() if tags}


def _tag_list(document: dict[str, Any], first: list[str]) -> list[dict[str, str]]:
    """Every tag, the contexts' first, each described by the function serving its paths."""
    described: dict[str, str] = {}
    for path, item in document["paths"].items():
        owner = catalog.route_owner(path)
        for operation in item.values():
            for tag in operation.get("tags", []):
                if tag not in described and owner is not None:
                    described[tag] = owner[0].description
    # Two contexts may share a tag (notify's delivery problems sit with the organisation).
    first = list(dict.fromkeys(first))
    order = [tag for tag in first if tag in described] + sorted(set(described) - set(first))
    return [{"name": tag, "description": described[tag]} for tag in order]


def shape(document: dict[str, Any], routes: list[Any], contexts: list[str]) -> dict[str, Any]:
    """`contexts` in the order their tags are listed (Swagger UI shows them so)."""
    paired = [
        (facts, document["paths"][facts.path][facts.method])
        for facts in (RouteFacts.of(route) for route in routes)
    ]
    tags = _context_tags(paired)
    for facts, operation in paired:
        describe(operation, facts, tags.get(facts.context))
    rename_schemas(document)
    add_shared(document)
    add_receivers(document)
    # Sorted paths read in order within each tag: a collection, then its items.
    document["paths"] = dict(sorted(document["paths"].items()))
    document["tags"] = _tag_list(document, [tags[c] for c in contexts if c in tags])
    return document
