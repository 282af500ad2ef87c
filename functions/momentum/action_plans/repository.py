"""Action plan items: plans (with their index entries) and their updates."""

from __future__ import annotations

from typing import Any

from momentum.action_plans import keys
from momentum.store import table
from momentum.store.codec import Item, serialize
from momentum.store.schema import GSI_BY_LOOKUP, GSI_BY_OWNER, Index

INDEX_FIELDS = ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")


def plan(org_id: str, plan_id: str) -> Item | None:
    item = table.get(keys.plan_key(org_id, plan_id), consistent=True)
    return item if item and item.get("type") == "action_plan" else None


def plan_item(org_id: str, body: dict[str, Any]) -> Item:
    """A plan's item with its index entries derived from its fields."""
    item = {k: v for k, v in body.items() if k not in INDEX_FIELDS and v is not None}
    item.update(keys.plan_key(org_id, body["id"]), type="action_plan", org_id=org_id)
    item["gsi1pk"] = keys.owner_partition(org_id, body["owner_id"])
    item["gsi1sk"] = body["id"]
    item["gsi2pk"] = keys.assignee_partition(org_id, body["assignee_id"])
    item["gsi2sk"] = body["id"]
    return item


def plans_by(
    org_id: str,
    *,
    owner_id: str | None = None,
    assignee_id: str | None = None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> table.Page:
    """One Query: plans of an owner or of an assignee, newest first."""
    if owner_id is not None:
        pk, index = keys.owner_partition(org_id, owner_id), GSI_BY_OWNER
    else:
        pk, index = keys.assignee_partition(org_id, assignee_id or ""), GSI_BY_LOOKUP
    return table.query(pk, index=index, newest_first=True, limit=limit, start_key=start_key)


def position_of(item: Item, index: Index) -> dict[str, Any]:
    """The start key that resumes a query on `index` right after `item` (raw format)."""
    names = ("pk", "sk", index.partition_key, index.sort_key)
    return serialize({name: item[name] for name in names})


def updates_page(
    org_id: str, plan_id: str, limit: int, cursor: str | None
) -> tuple[list[Item], str | None]:
    return table.page(
        keys.plan_partition(org_id, plan_id),
        scope=f"plan-updates:{org_id}:{plan_id}",
        cursor=cursor,
        limit=limit,
        sk_prefix=keys.UPDATE_PREFIX,
        newest_first=True,
    )
