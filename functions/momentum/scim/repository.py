"""SCIM items, all in one partition per org: user records, uniqueness markers for
userName and externalId, and reports waiting for a manager not provisioned yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from momentum.core.problems import Conflict, Problem
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.keys import key, org_prefix


def partition(org_id: str) -> str:
    return f"{org_prefix(org_id)}#SCIM"


def record_key(org_id: str, user_id: str) -> dict[str, str]:
    return key(partition(org_id), f"USER#{user_id}")


def user_name_key(org_id: str, user_name: str) -> dict[str, str]:
    return key(partition(org_id), f"USERNAME#{user_name.lower()}")


def external_key(org_id: str, external_id: str) -> dict[str, str]:
    return key(partition(org_id), f"EXTERNAL#{external_id}")


def awaiting_key(org_id: str, reference: str, user_id: str) -> dict[str, str]:
    return key(partition(org_id), f"AWAITS#{reference}#{user_id}")


def record(org_id: str, user_id: str) -> Item | None:
    return table.get(record_key(org_id, user_id), consistent=True)


def records(org_id: str) -> list[Item]:
    return table.query_all(partition(org_id), sk_prefix="USER#")


def user_id_by(org_id: str, marker: dict[str, str]) -> str | None:
    found = table.get(marker, consistent=True)
    return str(found["user_id"]) if found else None


def by_user_name(org_id: str, user_name: str) -> str | None:
    return user_id_by(org_id, user_name_key(org_id, user_name))


def by_external_id(org_id: str, external_id: str) -> str | None:
    return user_id_by(org_id, external_key(org_id, external_id))


def awaiting(org_id: str, reference: str) -> list[Item]:
    """Reports whose manager reference is `reference` and was not resolvable yet."""
    return table.query_all(partition(org_id), sk_prefix=f"AWAITS#{reference}#", consistent=True)


KeyOf = Callable[[str, str], dict[str, str]]


def _taken_error(noun: str, what: str) -> Callable[[], Problem]:
    return lambda: Conflict(f"Another {noun} already has this {what}.")


def unique_markers(
    org_id: str,
    owner: dict[str, str],
    before: dict[str, Any],
    after: dict[str, Any],
    attributes: tuple[tuple[str, KeyOf], ...],
    noun: str,
) -> list[transactions.Op]:
    """Claim the new values of unique attributes, free the old ones (one transaction)."""
    ops: list[transactions.Op] = []
    for name, key_of in attributes:
        old, new = before.get(name), after.get(name)
        old_key = key_of(org_id, old) if old else None
        new_key = key_of(org_id, new) if new else None
        if old_key == new_key:
            continue
        if old_key:
            ops.append(transactions.delete(old_key))
        if new_key:
            marker = {**new_key, "type": "scim_marker", **owner}
            ops.append(transactions.put_new(marker, on_condition_failed=_taken_error(noun, name)))
    return ops


def marker_changes(
    org_id: str, user_id: str, before: dict[str, Any], after: dict[str, Any]
) -> list[transactions.Op]:
    """A user's userName and externalId markers."""
    unique = (("userName", user_name_key), ("externalId", external_key))
    return unique_markers(org_id, {"user_id": user_id}, before, after, unique, "user")
