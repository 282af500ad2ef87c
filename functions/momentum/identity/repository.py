"""Identity's items: the org, users (with their directory and reports index entries),
email markers, companies and locations."""

from __future__ import annotations

from typing import Any

from momentum.identity import keys
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.schema import GSI_BY_LOOKUP, GSI_BY_OWNER


def org(org_id: str) -> Item | None:
    return table.get(keys.org_key(org_id))


def user(org_id: str, user_id: str) -> Item | None:
    item = table.get(keys.user_key(org_id, user_id))
    return item if item and item.get("type") == "user" else None


def user_and_org(org_id: str, user_id: str) -> tuple[Item | None, Item | None]:
    """Both in one round trip."""
    found = table.batch_get([keys.user_key(org_id, user_id), keys.org_key(org_id)])
    by_sk = {item["sk"]: item for item in found}
    return by_sk.get("PROFILE"), by_sk.get("ORG")


def users(org_id: str, user_ids: list[str]) -> dict[str, Item]:
    found = table.batch_get([keys.user_key(org_id, uid) for uid in dict.fromkeys(user_ids)])
    return {item["id"]: item for item in found if item.get("type") == "user"}


def users_by_email(org_id: str, emails: list[str]) -> dict[str, Item]:
    """{lower-cased email: user item}: the email markers, then the users (a round trip
    each per 100)."""
    wanted = sorted({email.lower() for email in emails if email})
    markers = table.batch_get([keys.email_marker_key(org_id, email) for email in wanted])
    email_of = {str(m["user_id"]): str(m["pk"]).rsplit("#EMAIL#", 1)[-1] for m in markers}
    return {email_of[uid]: user for uid, user in users(org_id, list(email_of)).items()}


def user_item(org_id: str, body: dict[str, Any]) -> Item:
    """A user's item with its index entries derived from its fields."""
    item = {**body, **keys.user_key(org_id, body["id"]), "type": "user"}
    item["gsi1pk"] = keys.directory_partition(org_id)
    item["gsi1sk"] = keys.name_sort_key(body["name"], body["id"])
    item.pop("gsi2pk", None)
    item.pop("gsi2sk", None)
    if body.get("manager_id"):
        item["gsi2pk"] = keys.reports_partition(org_id, body["manager_id"])
        item["gsi2sk"] = item["gsi1sk"]
    return item


def email_marker(org_id: str, email: str, user_id: str) -> Item:
    return {**keys.email_marker_key(org_id, email), "type": "email_marker", "user_id": user_id}


def user_by_email(org_id: str, email: str) -> Item | None:
    marker = table.get(keys.email_marker_key(org_id, email))
    return user(org_id, marker["user_id"]) if marker else None


def directory_page(
    org_id: str, prefix: str | None, limit: int, cursor: str | None
) -> tuple[list[Item], str | None]:
    return table.page(
        keys.directory_partition(org_id),
        scope=f"users:{org_id}:{prefix or ''}",
        cursor=cursor,
        limit=limit,
        index=GSI_BY_OWNER,
        sk_prefix=prefix or None,
    )


def direct_reports(org_id: str, manager_id: str) -> list[Item]:
    return table.query_all(keys.reports_partition(org_id, manager_id), index=GSI_BY_LOOKUP)


def companies(org_id: str) -> list[Item]:
    items = table.query_all(keys.org_key(org_id)["pk"], sk_prefix="COMPANY#")
    return [item for item in items if item.get("type") == "company"]


def company(org_id: str, company_id: str) -> Item | None:
    return table.get(keys.company_key(org_id, company_id))


def company_with_locations(org_id: str, company_id: str) -> tuple[Item | None, list[Item]]:
    """The company and its locations share a sort-key prefix: one Query for both."""
    items = table.query_all(
        keys.org_key(org_id)["pk"], sk_prefix=keys.company_key(org_id, company_id)["sk"]
    )
    company = next((i for i in items if i.get("type") == "company" and i["id"] == company_id), None)
    return company, [i for i in items if i.get("type") == "location"]


def location(org_id: str, company_id: str, location_id: str) -> Item | None:
    return table.get(keys.location_key(org_id, company_id, location_id))


def write(ops: list[transactions.Op]) -> None:
    transactions.write(ops)


def role_markers(org_id: str, user_id: str, roles: list[str]) -> list[Item]:
    return [
        {**keys.role_marker_key(org_id, role, user_id), "type": "role_marker", "user_id": user_id}
        for role in dict.fromkeys(roles)
    ]


def holders_of(org_id: str, role: str) -> list[str]:
    partition = keys.role_marker_key(org_id, role, "")["pk"]
    return [item["user_id"] for item in table.query_all(partition)]


# --- reorganisations (identity/reorganising.py) ------------------------------------------


def reports_page(
    org_id: str, manager_id: str, start_key: dict[str, Any] | None, limit: int
) -> table.Page:
    """One page of a manager's direct reports (the reports index), for a resumable walk."""
    return table.query(
        keys.reports_partition(org_id, manager_id),
        index=GSI_BY_LOOKUP,
        limit=limit,
        start_key=start_key,
    )


def set_chain_op(org_id: str, user_id: str, manager_id: str, chain: list[str]) -> transactions.Op:
    """A report's new chain, only while it still reports to `manager_id` (a report moved
    meanwhile has its own job); the version moves, so a PATCH read before it is refused
    rather than writing the old chain back."""
    return transactions.update(
        keys.user_key(org_id, user_id),
        "SET manager_chain = :chain, #version = #version + :one",
        condition="manager_id = :manager",
        names={"#version": "version"},
        values={":chain": chain, ":manager": manager_id, ":one": 1},
    )


def settled_op(org_id: str, user_id: str, job_id: str) -> transactions.Op:
    """The reorganisation marker goes, if it is still this job's (a later move keeps its own)."""
    return transactions.update(
        keys.user_key(org_id, user_id),
        "REMOVE reorganisation SET #version = #version + :one",
        condition="reorganisation = :job",
        names={"#version": "version"},
        values={":job": job_id, ":one": 1},
    )
