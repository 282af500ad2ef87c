"""Coaching's items: templates, engagement collections and the engagement indexes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from momentum.coaching import keys
from momentum.store import table
from momentum.store.codec import Item, serialize
from momentum.store.keys import due_attributes
from momentum.store.schema import GSI_BY_LOOKUP, GSI_BY_OWNER, Index

ENGAGEMENT_TYPE = "engagement"
INDEX_ATTRIBUTES = ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "due_pk", "due_sk")


# --- templates ------------------------------------------------------------------------


def template(org_id: str, template_id: str) -> Item | None:
    item = table.get(keys.template_key(org_id, template_id))
    return item if item and item.get("type") == "engagement_template" else None


def template_item(org_id: str, body: dict[str, Any]) -> Item:
    return {**body, **keys.template_key(org_id, body["id"]), "type": "engagement_template"}


def templates_page(org_id: str, limit: int, cursor: str | None) -> tuple[list[Item], str | None]:
    return table.page(
        keys.templates_partition(org_id),
        scope=f"engagement-templates:{org_id}",
        cursor=cursor,
        limit=limit,
        sk_prefix="TEMPLATE#",
    )


# --- engagements ----------------------------------------------------------------------


class Collection(msgspec.Struct):
    engagement: Item
    sessions: list[Item] = msgspec.field(default_factory=list)
    calls: list[Item] = msgspec.field(default_factory=list)


def engagement(org_id: str, engagement_id: str) -> Item | None:
    item = table.get(keys.engagement_key(org_id, engagement_id))
    return item if item and item.get("type") == ENGAGEMENT_TYPE else None


def collection(org_id: str, engagement_id: str) -> Collection | None:
    """The engagement with its sessions and discovery calls: one Query."""
    found = table.query_all(keys.engagement_partition(org_id, engagement_id))
    head = next((item for item in found if item["sk"] == keys.ENGAGEMENT_SK), None)
    if head is None or head.get("type") != ENGAGEMENT_TYPE:
        return None
    by_date = sorted(found, key=lambda item: (item.get("date", ""), item["sk"]))
    return Collection(
        engagement=head,
        sessions=[i for i in by_date if i["sk"].startswith(keys.SESSION_PREFIX)],
        calls=[i for i in by_date if i["sk"].startswith(keys.CALL_PREFIX)],
    )


def engagement_item(org_id: str, body: dict[str, Any], due_at: datetime | None) -> Item:
    """The engagement's item with its index entries derived from its fields; in the due
    index at `due_at` while the progress sweep has work on it."""
    item = {k: v for k, v in body.items() if k not in INDEX_ATTRIBUTES and v is not None}
    item.update(keys.engagement_key(org_id, body["id"]), type=ENGAGEMENT_TYPE, org_id=org_id)
    item["gsi1pk"] = keys.org_engagements_partition(org_id)
    item["gsi1sk"] = body["id"]
    item["gsi2pk"] = keys.coachee_engagements_partition(org_id, body["coachee_id"])
    item["gsi2sk"] = body["id"]
    if due_at is not None:
        item.update(due_attributes(keys.PROGRESS_SWEEP, due_at, item["pk"]))
    return item


def child_item(org_id: str, engagement_id: str, kind: str, body: dict[str, Any]) -> Item:
    if kind == "session":
        item_key = keys.session_key(org_id, engagement_id, body["id"])
    else:
        item_key = keys.call_key(org_id, engagement_id, body["id"])
    return {**body, **item_key, "type": f"engagement_{kind}", "engagement_id": engagement_id}


def _listing(org_id: str, coachee_id: str | None) -> tuple[str, Index]:
    if coachee_id is None:
        return keys.org_engagements_partition(org_id), GSI_BY_OWNER
    return keys.coachee_engagements_partition(org_id, coachee_id), GSI_BY_LOOKUP


def engagements_page(
    org_id: str, coachee_id: str | None, limit: int, start_key: dict[str, Any] | None
) -> table.Page:
    """A page of engagement items, newest first: the org's, or one coachee's."""
    partition, index = _listing(org_id, coachee_id)
    return table.query(partition, index=index, newest_first=True, limit=limit, start_key=start_key)


def all_engagements(org_id: str, coachee_id: str | None) -> list[Item]:
    partition, index = _listing(org_id, coachee_id)
    return table.query_all(partition, index=index, newest_first=True)


def position_of(item: Item, coachee_id: str | None) -> dict[str, Any]:
    """The start key that continues a listing right after `item` (for cursors)."""
    _, index = _listing("", coachee_id)
    names = ("pk", "sk", index.partition_key, index.sort_key)
    return serialize({name: item[name] for name in names})
