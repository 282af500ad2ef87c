"""Schema names: each model's component is named after its context (names.schema_name),
every `$ref` follows, and Powertools' own validation schemas go (the API answers
validation errors as problem+json)."""

from __future__ import annotations

from typing import Any

from momentum.api_contract.names import schema_name
from momentum.core.models import MODEL_MARK

SCHEMAS = "#/components/schemas/"
# Powertools adds these for its default 422 and response validation; nothing sends them.
POWERTOOLS_SCHEMAS = frozenset(
    {"HTTPValidationError", "ValidationError", "ResponseValidationError"}
)
# pydantic's suffixes when a model's input and output schemas differ.
MODE_SUFFIXES = ("Input", "Output", "")


def _new_name(old: str, mark: str, schema: dict[str, Any], renamed: dict[str, str]) -> str:
    module, _, qualname = mark.partition(":")
    context = module.split(".")[1]
    if qualname.startswith("Page["):
        # A page is named after what it lists: GoalPage, AccountPlanTemplatePage.
        listed = str(schema["properties"]["items"]["items"]["$ref"]).removeprefix(SCHEMAS)
        return renamed.get(listed, listed) + "Page"
    suffix = next(s for s in MODE_SUFFIXES if old.endswith(qualname + s))
    return schema_name(context, qualname) + suffix


def rename_schemas(document: dict[str, Any]) -> None:
    schemas: dict[str, Any] = document["components"]["schemas"]
    for name in POWERTOOLS_SCHEMAS:
        schemas.pop(name, None)
    marks = {name: schema.pop(MODEL_MARK) for name, schema in schemas.items()}
    renamed: dict[str, str] = {}
    # Pages last: their names follow the renamed item schema.
    for old in sorted(schemas, key=lambda name: marks[name].partition(":")[2].startswith("Page[")):
        renamed[old] = _new_name(old, marks[old], schemas[old], renamed)
    clashes = {new for new in renamed.values() if list(renamed.values()).count(new) > 1}
    if clashes:
        raise ValueError(f"two schemas would share a name: {sorted(clashes)}")
    document["components"]["schemas"] = {
        renamed[old]: _with_title(schema, renamed[old]) for old, schema in schemas.items()
    }
    _follow_refs(document, {SCHEMAS + old: SCHEMAS + new for old, new in renamed.items()})


def _with_title(schema: dict[str, Any], name: str) -> dict[str, Any]:
    # pydantic's title is the class name; clients and Swagger UI show it as the type's name.
    return {**schema, "title": name}


def _follow_refs(node: Any, moved: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref in moved:
            node["$ref"] = moved[ref]
        for value in node.values():
            _follow_refs(value, moved)
    elif isinstance(node, list):
        for value in node:
            _follow_refs(value, moved)
