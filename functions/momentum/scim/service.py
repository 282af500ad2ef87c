"""What other contexts may ask of provisioning: the directory groups an identity provider
pushed (a report filtered by group, a user's groups)."""

from __future__ import annotations

from momentum.core.ids import is_id
from momentum.frame.principal import Principal
from momentum.scim import groups


def group_member_ids(org_id: str, group_id: str) -> set[str] | None:
    """The ids of a directory group's members; None if there is no such group."""
    found = groups.group_and_members(org_id, group_id) if is_id(group_id) else None
    if found is None:
        return None
    return {member["user_id"] for member in found[1]}


def directory_groups(org_id: str, member_id: str | None = None) -> list[dict[str, object]]:
    """Every directory group (or a member's), with its name and member count."""
    if member_id is not None:
        mine = (
            {m["group_id"] for m in groups.groups_of(org_id, member_id)}
            if is_id(member_id)
            else set()
        )
    pairs = groups.all_groups(org_id)
    return [
        {
            "id": group["group_id"],
            "name": group["document"]["displayName"],
            "external_id": group["document"].get("externalId"),
            "member_count": len(members),
        }
        for group, members in pairs
        if member_id is None or group["group_id"] in mine
    ]


def can_view_activity(principal: Principal, entity_id: str) -> bool:
    """SCIM tokens and directory groups are the org admins' business."""
    return principal.is_admin
