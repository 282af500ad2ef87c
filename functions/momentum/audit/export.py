"""Audit log exports: CSV (spreadsheet-safe) and JSON Lines, one row per activity entry."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from momentum.store.codec import Item

COLUMNS = ("at", "id", "actor_id", "action", "entity_kind", "entity_id", "summary", "changes")


def entry_view(item: Item) -> dict[str, Any]:
    return {
        "id": item["id"],
        "at": item["at"],
        "actor_id": item.get("actor_id"),
        "action": item["action"],
        "entity_kind": item["entity_kind"],
        "entity_id": item["entity_id"],
        "summary": item.get("summary"),
        "changes": item.get("changes") or {},
    }


def _cell(value: Any) -> Any:
    """A text cell starting with = + - @ is not run as a formula by a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_row(item: Item) -> list[Any]:
    view = entry_view(item)
    view["changes"] = json.dumps(view["changes"], default=str, sort_keys=True)
    return [_cell(view[column]) for column in COLUMNS]


def as_csv(items: list[Item]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow(csv_row(item))
    return out.getvalue()


def as_jsonl(items: list[Item]) -> str:
    return "".join(json.dumps(entry_view(item), default=str) + "\n" for item in items)
