"""Who may see and change which goal, and loading goals through those rules.

Permissions read only the goal item: the owner's manager chain is copied onto the goal
when it is written (see `owner_facts`), so deciding costs no extra round trip.
"""

from __future__ import annotations

from typing import Any

import msgspec

from momentum.core.ids import is_id
from momentum.core.membership import is_active
from momentum.core.problems import Conflict, Forbidden, Invalid, NotFound, field_error
from momentum.frame import org as org_cache
from momentum.frame.principal import Principal
from momentum.identity import service as identity
from momentum.okrs import repository, rules
from momentum.okrs.models import GoalPatch
from momentum.store.codec import Item


def require_okrs(principal: Principal) -> None:
    org_cache.require_module(principal, "okrs")


def may_view(principal: Principal, goal: Item) -> bool:
    return rules.can_view(principal.user_id, principal.is_admin, goal)


def may_edit(principal: Principal, goal: Item) -> bool:
    return rules.can_edit(principal.user_id, principal.is_admin, goal)


def visible_goal(principal: Principal, goal_id: str) -> Item:
    """The goal, or 404 if it does not exist, is another org's or may not be viewed."""
    goal = repository.goal(principal.org_id, goal_id) if is_id(goal_id) else None
    if goal is None or not may_view(principal, goal):
        raise NotFound("Goal not found.")
    return goal


def require_cycle_open(principal: Principal, goal: Item) -> None:
    """Goals of a closed cycle are read-only except for admins (their scores are final)."""
    if goal.get("cycle_closed") and not principal.is_admin:
        raise Forbidden("This goal's cycle is closed; only admins may change its goals.")


def editable_goal(principal: Principal, goal_id: str) -> Item:
    goal = visible_goal(principal, goal_id)
    require_cycle_open(principal, goal)
    if not may_edit(principal, goal):
        raise Forbidden("Only the goal's owner, the owner's managers and admins may change it.")
    return goal


def goal_to_patch(principal: Principal, goal_id: str, patch: GoalPatch) -> Item:
    """The goal a PATCH may change: an editable one, or, for a patch that only detaches it,
    one aligned under an objective the caller may edit (the parent's owner, their
    managers and admins may take a child out of their objective, never edit it)."""
    goal = visible_goal(principal, goal_id)
    require_cycle_open(principal, goal)
    if may_edit(principal, goal):
        return goal
    if rules.is_detach(patch.model_fields_set, patch.parent_id) and goal.get("parent_id"):
        parent = repository.goal(principal.org_id, goal["parent_id"])
        if parent is not None and may_edit(principal, parent):
            return goal
    raise Forbidden(
        "Only the goal's owner, the owner's managers and admins may change it; "
        "the owner of the objective it aligns to may only detach it."
    )


def parent_to_contribute(principal: Principal, parent_id: str) -> Item:
    """A parent the caller may align a goal under: any objective they may view (else 422
    unknown goal); a closed one takes no new children (409). Whether it is an objective
    and whether the chain would loop is `rules.check_parent`'s."""
    parent = repository.goal(principal.org_id, parent_id) if is_id(parent_id) else None
    if parent is None or not may_view(principal, parent):
        raise Invalid(
            "The parent goal does not exist.", errors=[field_error("parent_id", "unknown goal")]
        )
    if parent.get("closed"):
        raise Conflict("That objective is closed; reopen it to align goals under it.")
    require_cycle_open(principal, parent)
    return parent


class OwnerFacts(msgspec.Struct, frozen=True):
    """What a goal keeps about its owner: permissions, type-ahead and reminders need it."""

    owner_id: str
    owner_name: str
    owner_chain: list[str]
    owner_time_zone: str

    def fields(self) -> dict[str, Any]:
        return {
            "owner_id": self.owner_id,
            "owner_name": self.owner_name,
            "owner_chain": self.owner_chain,
            "owner_time_zone": self.owner_time_zone,
        }


def owner_facts(
    principal: Principal, owner_id: str | None, *, acting_for: bool = True
) -> OwnerFacts:
    """The owner (default: the caller). Giving a goal to someone else takes being one of
    their managers or an admin (`acting_for` False skips that, for callers that checked)."""
    if owner_id is None or owner_id == principal.user_id:
        return OwnerFacts(
            principal.user_id, principal.name, list(principal.manager_chain), principal.time_zone
        )
    user = identity.user_item(principal.org_id, owner_id)
    if not is_active(user):
        raise Invalid(
            "The owner is not an active user of this organisation.",
            errors=[field_error("owner_id", "unknown user")],
        )
    chain = list(user.get("manager_chain") or [])
    if acting_for and not principal.is_admin and principal.user_id not in chain:
        raise Forbidden("Only the owner's managers and admins may give them a goal.")
    return OwnerFacts(
        owner_id, user.get("name", ""), chain, user.get("time_zone") or principal.time_zone
    )
