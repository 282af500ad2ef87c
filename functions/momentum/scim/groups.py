"""SCIM Groups: directory groups an identity provider pushes (teams, departments).

A group is one item plus one item per member in the org's SCIM partition, so reading a
group and its members is one Query, and each member item also sits in the `by_lookup`
index under its user, so a user's groups are one Query too. Membership changes are put
and delete of member items: idempotent, so a retried PATCH converges even if an earlier
attempt was cut off between two transactions.
"""

from __future__ import annotations

import copy
from typing import Any

from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.problems import Conflict
from momentum.scim import repository
from momentum.scim.errors import ScimError, invalid_value
from momentum.scim.schema import GROUP_SCHEMA, GROUP_SHAPE
from momentum.scim.tokens import ScimCaller
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.keys import key, org_prefix
from momentum.store.schema import GSI_BY_LOOKUP

MAX_TEXT = 500


def group_key(org_id: str, group_id: str) -> dict[str, str]:
    return key(repository.partition(org_id), f"GROUP#{group_id}")


def member_key(org_id: str, group_id: str, user_id: str) -> dict[str, str]:
    return key(repository.partition(org_id), f"GROUP#{group_id}#MEMBER#{user_id}")


def _groups_of_partition(org_id: str, user_id: str) -> str:
    return f"{org_prefix(org_id)}#SCIMGROUPSOF#{user_id}"


def name_key(org_id: str, name: str) -> dict[str, str]:
    return key(repository.partition(org_id), f"GROUPNAME#{name.lower()}")


def group_external_key(org_id: str, external_id: str) -> dict[str, str]:
    return key(repository.partition(org_id), f"GROUPEXTERNAL#{external_id}")


# --- documents ---------------------------------------------------------------------


def normalise(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ScimError(400, "The body must be a SCIM Group object.", "invalidSyntax")
    lowered = {k.lower(): v for k, v in raw.items()}
    name = lowered.get("displayname")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_TEXT:
        raise invalid_value("'displayName' is required (at most 500 characters).")
    document: dict[str, Any] = {"displayName": name}
    external = lowered.get("externalid")
    if external is not None:
        if not isinstance(external, str) or len(external) > MAX_TEXT:
            raise invalid_value("'externalId' must be a string.")
        document["externalId"] = external
    members = lowered.get("members") or []
    if not isinstance(members, list):
        raise invalid_value("'members' must be a list.")
    kept: dict[str, dict[str, Any]] = {}
    for member in members:
        value = member.get("value") if isinstance(member, dict) else None
        if not isinstance(value, str) or not value:
            raise invalid_value("Each member needs a 'value': the member user's id.")
        ref = next((v for k, v in member.items() if k.lower() == "$ref"), None)
        kept[value] = {"value": value, **({"$ref": str(ref)} if ref else {})}
    if kept:
        document["members"] = list(kept.values())
    return document


def representation(group: Item, members: list[Item], base_url: str) -> dict[str, Any]:
    document = group["document"]
    resource: dict[str, Any] = {"schemas": [GROUP_SCHEMA], "id": group["group_id"], **document}
    resource.pop("members", None)
    if members:
        resource["members"] = [
            {
                "value": m["user_id"],
                "$ref": m.get("ref") or f"{base_url}/Users/{m['user_id']}",
            }
            for m in sorted(members, key=lambda m: m["user_id"])
        ]
    resource["meta"] = {
        "resourceType": "Group",
        "created": group["created_at"],
        "lastModified": group["modified_at"],
        "location": f"{base_url}/Groups/{group['group_id']}",
        "version": f'W/"{group["version"]}"',
    }
    return resource


# --- reads -------------------------------------------------------------------------


def group_and_members(org_id: str, group_id: str) -> tuple[Item, list[Item]] | None:
    if not is_id(group_id):
        return None
    items = table.query_all(
        repository.partition(org_id), sk_prefix=f"GROUP#{group_id}", consistent=True
    )
    group = next((i for i in items if i["type"] == "scim_group"), None)
    if group is None:
        return None
    return group, [i for i in items if i["type"] == "scim_member"]


def all_groups(org_id: str) -> list[tuple[Item, list[Item]]]:
    items = table.query_all(repository.partition(org_id), sk_prefix="GROUP#")
    groups: dict[str, tuple[Item, list[Item]]] = {
        i["group_id"]: (i, []) for i in items if i["type"] == "scim_group"
    }
    for item in items:
        if item["type"] == "scim_member" and item["group_id"] in groups:
            groups[item["group_id"]][1].append(item)
    return sorted(groups.values(), key=lambda pair: pair[0]["group_id"])


def groups_of(org_id: str, user_id: str) -> list[Item]:
    """The member items of one user (each names its group and the group's name)."""
    return table.query_all(_groups_of_partition(org_id, user_id), index=GSI_BY_LOOKUP)


def user_groups_attribute(org_id: str, user_id: str, base_url: str) -> list[dict[str, str]]:
    return [
        {
            "value": m["group_id"],
            "$ref": f"{base_url}/Groups/{m['group_id']}",
            "display": m["group_name"],
        }
        for m in sorted(groups_of(org_id, user_id), key=lambda m: m["group_id"])
    ]


# --- writes ------------------------------------------------------------------------


def _member_items(caller: ScimCaller, group_id: str, document: dict[str, Any]) -> dict[str, Item]:
    members = document.get("members") or []
    ids = [m["value"] for m in members]
    if any(not is_id(i) for i in ids):
        raise invalid_value("Members must be users provisioned here (their SCIM id).")
    found: dict[str, Item] = {}
    for start in range(0, len(ids), 100):
        keys = [repository.record_key(caller.org_id, i) for i in ids[start : start + 100]]
        found.update({r["user_id"]: r for r in table.batch_get(keys)})
    missing = [i for i in ids if i not in found]
    if missing:
        raise invalid_value(f"Unknown member users: {', '.join(missing[:5])}.")
    items = {}
    for member in members:
        user_document = found[member["value"]]["document"]
        display = user_document.get("displayName") or user_document.get("userName")
        items[member["value"]] = {
            **member_key(caller.org_id, group_id, member["value"]),
            "type": "scim_member",
            "group_id": group_id,
            "user_id": member["value"],
            "group_name": document["displayName"],
            "display": display,
            **({"ref": member["$ref"]} if member.get("$ref") else {}),
            "gsi2pk": _groups_of_partition(caller.org_id, member["value"]),
            "gsi2sk": group_id,
        }
    return items


def _marker_ops(
    org_id: str, group_id: str, before: dict[str, Any], after: dict[str, Any]
) -> list[transactions.Op]:
    unique = (("displayName", name_key), ("externalId", group_external_key))
    return repository.unique_markers(org_id, {"group_id": group_id}, before, after, unique, "group")


def _save(
    caller: ScimCaller,
    group_id: str,
    before: tuple[Item, list[Item]] | None,
    document: dict[str, Any],
    action: str,
) -> None:
    now = clock.api_instant(clock.now())
    old_group, old_members = before or ({}, [])
    wanted = _member_items(caller, group_id, document)
    renamed = old_group and old_group["document"].get("displayName") != document["displayName"]
    member_ops = [
        transactions.put(item)
        for uid, item in wanted.items()
        if renamed or uid not in {m["user_id"] for m in old_members}
    ] + [
        transactions.delete(member_key(caller.org_id, group_id, m["user_id"]))
        for m in old_members
        if m["user_id"] not in wanted
    ]
    group = {
        **group_key(caller.org_id, group_id),
        "type": "scim_group",
        "group_id": group_id,
        "document": {k: v for k, v in document.items() if k != "members"},
        "version": old_group.get("version", 0) + 1,
        "created_at": old_group.get("created_at", now),
        "modified_at": now,
    }
    head = [
        transactions.put_versioned(group, old_group["version"])
        if old_group
        else transactions.put_new(group),
        *_marker_ops(caller.org_id, group_id, old_group.get("document") or {}, document),
        caller.activity("directory_group", group_id, action, document["displayName"]),
    ]
    room = transactions.MAX_TRANSACTION_ITEMS - len(head)
    try:
        transactions.write(head + member_ops[:room])
        for start in range(room, len(member_ops), transactions.MAX_TRANSACTION_ITEMS):
            transactions.write(member_ops[start : start + transactions.MAX_TRANSACTION_ITEMS])
    except Conflict as conflict:
        raise ScimError(409, conflict.detail, "uniqueness") from conflict


def create(caller: ScimCaller, body: Any) -> tuple[Item, list[Item]]:
    document = normalise(body)
    group_id = new_id()
    _save(caller, group_id, None, document, "directory_group_created")
    found = group_and_members(caller.org_id, group_id)
    assert found is not None
    return found


def get(caller: ScimCaller, group_id: str) -> tuple[Item, list[Item]]:
    found = group_and_members(caller.org_id, group_id)
    if found is None:
        raise ScimError(404, "Group not found.")
    return found


def _check_version(group: Item, if_match: str | None) -> None:
    if if_match and if_match.strip() not in ("*", f'W/"{group["version"]}"'):
        raise ScimError(412, "The group changed since this version was read.")


def _full_document(group: Item, members: list[Item]) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(group["document"])
    if members:
        document["members"] = [
            {"value": m["user_id"], **({"$ref": m["ref"]} if m.get("ref") else {})} for m in members
        ]
    return document


def replace(
    caller: ScimCaller, group_id: str, body: Any, if_match: str | None
) -> tuple[Item, list[Item]]:
    before = get(caller, group_id)
    _check_version(before[0], if_match)
    _save(caller, group_id, before, normalise(body), "directory_group_updated")
    return get(caller, group_id)


def modify(
    caller: ScimCaller, group_id: str, body: Any, if_match: str | None
) -> tuple[Item, list[Item]]:
    before = get(caller, group_id)
    _check_version(before[0], if_match)
    from momentum.scim import patch  # only PATCH pays for the filter parser

    document = normalise(patch.apply(GROUP_SHAPE, _full_document(*before), body))
    _save(caller, group_id, before, document, "directory_group_updated")
    return get(caller, group_id)


def delete(caller: ScimCaller, group_id: str, if_match: str | None) -> None:
    group, members = get(caller, group_id)
    _check_version(group, if_match)
    ops = [
        transactions.delete(group_key(caller.org_id, group_id)),
        *_marker_ops(caller.org_id, group_id, group["document"], {}),
        caller.activity(
            "directory_group", group_id, "directory_group_deleted", group["document"]["displayName"]
        ),
    ]
    deletes = [
        transactions.delete(member_key(caller.org_id, group_id, m["user_id"])) for m in members
    ]
    room = transactions.MAX_TRANSACTION_ITEMS - len(ops)
    transactions.write(ops + deletes[:room])
    for start in range(room, len(deletes), transactions.MAX_TRANSACTION_ITEMS):
        transactions.write(deletes[start : start + transactions.MAX_TRANSACTION_ITEMS])


def leave_all(org_id: str, user_id: str) -> None:
    """A deprovisioned user leaves every group."""
    deletes = [
        transactions.delete(member_key(org_id, m["group_id"], user_id))
        for m in groups_of(org_id, user_id)
    ]
    for start in range(0, len(deletes), transactions.MAX_TRANSACTION_ITEMS):
        transactions.write(deletes[start : start + transactions.MAX_TRANSACTION_ITEMS])


def search(caller: ScimCaller, filter_text: str | None, base_url: str) -> list[dict[str, Any]]:
    groups = all_groups(caller.org_id)
    resources = [representation(g, m, base_url) for g, m in groups]
    if not filter_text:
        return resources
    from momentum.scim import filters

    node = filters.parse(filter_text)
    return [r for r in resources if filters.matches(node, r)]
