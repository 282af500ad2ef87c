"""Who may see and change an action plan. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from momentum.frame.principal import Principal


def can_view(
    principal: Principal, plan: Mapping[str, Any], owner_chain: Sequence[str] = ()
) -> bool:
    """The owner, the owner's team (direct reports), the assignee, the owner's whole
    manager chain (`owner_chain`, nearest first) and admins. All of them may comment."""
    return (
        principal.is_admin
        or principal.user_id in (plan["owner_id"], plan["assignee_id"])
        or principal.manager_id == plan["owner_id"]
        or principal.user_id in owner_chain
    )


def can_edit(principal: Principal, plan: Mapping[str, Any]) -> bool:
    return principal.is_admin or principal.user_id in (plan["owner_id"], plan["assignee_id"])


def can_delete(principal: Principal, plan: Mapping[str, Any]) -> bool:
    return principal.is_admin or principal.user_id == plan["owner_id"]


def may_assign(principal: Principal, assignee_id: str, assignee_chain: list[str]) -> bool:
    """A plan (and its goal) goes to the caller, someone they manage, or anyone for admins."""
    return (
        principal.is_admin
        or assignee_id == principal.user_id
        or principal.user_id in assignee_chain
    )
