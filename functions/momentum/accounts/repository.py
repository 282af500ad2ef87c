"""The accounts context's items: accounts with their plan trees, and plan templates."""

from __future__ import annotations

from typing import Any

from momentum.accounts import keys
from momentum.accounts.keys import NodeKind
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.schema import GSI_BY_OWNER

NODE_TYPES: dict[NodeKind, str] = {
    "PLAN": "account_plan",
    "OBJECTIVE": "account_objective",
    "ACTION": "account_action",
}


def account_item(org_id: str, body: dict[str, Any]) -> Item:
    """The account item, listed by name in the by_owner index."""
    return {
        **body,
        **keys.account_key(org_id, body["id"]),
        "type": "account",
        "gsi1pk": keys.accounts_directory(org_id),
        "gsi1sk": keys.account_name_sort_key(body["name"], body["id"]),
    }


def account_update(
    org_id: str, account_id: str, fields: dict[str, Any], expected_version: int
) -> transactions.Op:
    """Sets (or, for None, removes) these fields if the account is still at that version."""
    names = {f"#f{i}": name for i, name in enumerate(fields)}
    names["#version"] = "version"
    sets = [f"#f{i} = :f{i}" for i, value in enumerate(fields.values()) if value is not None]
    removes = [f"#f{i}" for i, value in enumerate(fields.values()) if value is None]
    values: dict[str, Any] = {
        f":f{i}": value for i, value in enumerate(fields.values()) if value is not None
    }
    values.update({":expected": expected_version, ":one": 1})
    expression = "SET " + ", ".join([*sets, "#version = #version + :one"])
    if removes:
        expression += " REMOVE " + ", ".join(removes)
    return transactions.update(
        keys.account_key(org_id, account_id),
        expression,
        condition="#version = :expected",
        names=names,
        values=values,
    )


def node_item(org_id: str, account_id: str, kind: NodeKind, body: dict[str, Any]) -> Item:
    item = {**body, **keys.node_key(org_id, account_id, kind, body["id"]), "type": NODE_TYPES[kind]}
    return {k: v for k, v in item.items() if v is not None}


def collection(org_id: str, account_id: str) -> list[Item]:
    """The account and its whole tree: one Query (more only past 1 MB)."""
    return table.query_all(keys.account_partition(org_id, account_id))


def account(org_id: str, account_id: str) -> Item | None:
    item = table.get(keys.account_key(org_id, account_id))
    return item if item and item.get("type") == "account" else None


def accounts(org_id: str, account_ids: list[str]) -> list[Item]:
    found: list[Item] = []
    unique = list(dict.fromkeys(account_ids))
    for start in range(0, len(unique), 100):
        batch = [keys.account_key(org_id, aid) for aid in unique[start : start + 100]]
        found += [item for item in table.batch_get(batch) if item.get("type") == "account"]
    return found


def accounts_page(
    org_id: str, prefix: str | None, limit: int, cursor: str | None
) -> tuple[list[Item], str | None]:
    return table.page(
        keys.accounts_directory(org_id),
        scope=f"accounts:{org_id}:{prefix or ''}",
        cursor=cursor,
        limit=limit,
        index=GSI_BY_OWNER,
        sk_prefix=prefix or None,
    )


def template_item(org_id: str, body: dict[str, Any]) -> Item:
    return {**body, **keys.template_key(org_id, body["id"]), "type": "plan_template"}


def template(org_id: str, template_id: str) -> Item | None:
    item = table.get(keys.template_key(org_id, template_id))
    return item if item and item.get("type") == "plan_template" else None


def templates_page(org_id: str, limit: int, cursor: str | None) -> tuple[list[Item], str | None]:
    return table.page(
        keys.templates_partition(org_id),
        scope=f"plan-templates:{org_id}",
        cursor=cursor,
        limit=limit,
        sk_prefix="TEMPLATE#",
    )
