"""Engage action plan use cases: plans, their optional goal, updates.

A plan and the goal created for it are written in ONE transaction (the OKR service runs
the goal's writes and appends the plan's). After that the two never sync: the plan keeps
a snapshot of the goal it links to, shown as the live goal while it exists and as
`status: deleted` (with the last known title) once it is gone.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

from momentum.action_plans import keys, repository, rules, views
from momentum.action_plans.listing import list_plans
from momentum.action_plans.models import (
    ActionPlan,
    ActionPlanCreate,
    ActionPlanCreated,
    ActionPlanPatch,
    OkrChoice,
    PlanUpdate,
    UpdateCreate,
)
from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.membership import is_active
from momentum.core.problems import Conflict, Forbidden, Invalid, NotFound, field_error
from momentum.frame import org as org_cache
from momentum.frame.principal import Principal
from momentum.identity import service as identity
from momentum.okrs import service as okrs
from momentum.okrs.models import GoalCreate
from momentum.store import activity, transactions
from momentum.store.codec import Item

__all__ = ["list_plans"]
AUDITED = ("title", "description", "due_date", "assignee_id", "status", "source")


def _require(principal: Principal) -> None:
    org_cache.require_module(principal, "action_plans")


# --- loading through the rules -----------------------------------------------------------


def _may_view(principal: Principal, plan: Item) -> bool:
    """The owner's chain is read from their user item, only when nothing else decides, so
    a reorganisation is followed at once and the common reads cost no extra round trip."""
    if rules.can_view(principal, plan):
        return True
    owner = identity.user_item(principal.org_id, plan["owner_id"]) or {}
    return rules.can_view(principal, plan, list(owner.get("manager_chain") or []))


def visible_plan(principal: Principal, plan_id: str) -> Item:
    plan = repository.plan(principal.org_id, plan_id) if is_id(plan_id) else None
    if plan is None or not _may_view(principal, plan):
        raise NotFound("Action plan not found.")
    return plan


def _check_assignee(principal: Principal, assignee_id: str) -> None:
    if assignee_id == principal.user_id:
        return
    user = identity.user_item(principal.org_id, assignee_id)
    if not is_active(user):
        raise Invalid(
            "The assignee is not an active user of this organisation.",
            errors=[field_error("assignee_id", "unknown user")],
        )
    if not rules.may_assign(principal, assignee_id, list(user.get("manager_chain") or [])):
        raise Invalid(
            "A plan is assigned to you or to someone you manage.",
            errors=[field_error("assignee_id", "not in your team")],
        )


def _goal_request(principal: Principal, plan: Item, choice: OkrChoice) -> GoalCreate:
    """The goal a plan asks for: its title, description, assignee and due date."""
    parent_id = None
    if choice.mode == "key_result":
        if not choice.objective_id:
            raise Invalid(
                "Pick the objective the key result belongs to.",
                errors=[field_error("okr.objective_id", "required for a key result")],
            )
        parent_id = okrs.objective_to_contribute(principal, choice.objective_id)["id"]
    due = date.fromisoformat(plan["due_date"])
    today = clock.local_date(clock.now(), principal.time_zone)
    return GoalCreate(
        kind=choice.mode,
        title=plan["title"],
        description=plan.get("description", ""),
        owner_id=plan["assignee_id"],
        parent_id=parent_id,
        start_date=min(today, due),
        due_date=due,
    )


PlanWrite = Callable[[Item], transactions.Op]


def _with_goal(
    principal: Principal,
    plan: Item,
    choice: OkrChoice | None,
    plan_write: PlanWrite,
    others: list[transactions.Op],
) -> Item | None:
    """Write the plan (`plan_write` of its item) and `others`; with a goal asked for, the
    goal is created in the same transaction and the plan item carries its snapshot."""
    if choice is None or choice.mode == "none":
        transactions.write([plan_write(repository.plan_item(principal.org_id, plan)), *others])
        return None
    request = _goal_request(principal, plan, choice)

    def also(goal: Item) -> list[transactions.Op]:
        plan["linked_goal"] = views.snapshot(goal)
        return [
            plan_write(repository.plan_item(principal.org_id, plan)),
            *others,
            _plan_activity(
                principal,
                plan,
                "goal_linked",
                {"linked_goal": {"before": None, "after": plan["linked_goal"]}},
            ),
        ]

    return okrs.create_goal_with(
        principal, request, also=also, summary=f"goal created from action plan {plan['title']}"
    )


def _plan_activity(
    principal: Principal, plan: Item, action: str, changes: dict[str, dict[str, Any]]
) -> transactions.Op:
    return activity.record(
        org_id=principal.org_id,
        entity_id=plan["id"],
        entity_kind="action_plan",
        actor_id=principal.user_id,
        action=action,
        at=clock.now(),
        changes=changes,
    )


# --- plans --------------------------------------------------------------------------------


def create_plan(principal: Principal, request: ActionPlanCreate) -> ActionPlanCreated:
    _require(principal)
    assignee_id = request.assignee_id or principal.user_id
    _check_assignee(principal, assignee_id)
    now = clock.api_instant(clock.now())
    plan: Item = {
        "id": new_id(),
        "title": request.title,
        "description": request.description,
        "due_date": request.due_date.isoformat(),
        "assignee_id": assignee_id,
        "status": request.status,
        "owner_id": principal.user_id,
        "source": request.source.model_dump(exclude_none=True) if request.source else None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    created = _plan_activity(
        principal,
        plan,
        "action_plan_created",
        {k: {"before": None, "after": plan.get(k)} for k in AUDITED},
    )
    goal = _with_goal(principal, plan, request.okr, transactions.put_new, [created])
    shown = views.view(plan, {goal["id"]: goal} if goal else {})
    message = "Your action plan is published." + (
        f" It is linked to the {goal['kind'].replace('_', ' ')} “{goal['title']}”." if goal else ""
    )
    return ActionPlanCreated(message=message, action_plan=shown, linked_goal=shown.linked_goal)


def get_plan(principal: Principal, plan_id: str) -> ActionPlan:
    _require(principal)
    plan = visible_plan(principal, plan_id)
    return views.view(plan, views.goals_of(principal.org_id, [plan]))


def patch_plan(principal: Principal, plan_id: str, patch: ActionPlanPatch) -> ActionPlan:
    _require(principal)
    before = visible_plan(principal, plan_id)
    if not rules.can_edit(principal, before):
        raise Forbidden("Only the plan's owner, its assignee and admins may change it.")
    current = views.view(before, views.goals_of(principal.org_id, [before]))
    if patch.version is not None and patch.version != before["version"]:
        raise Conflict(
            "This action plan changed since you read it.",
            extra={"current": current.model_dump(mode="json")},
        )
    after = copy.deepcopy(before)
    for name in ("title", "description", "status"):
        if getattr(patch, name) is not None:
            after[name] = getattr(patch, name)
    if patch.due_date is not None:
        after["due_date"] = patch.due_date.isoformat()
    if patch.source is not None:
        after["source"] = patch.source.model_dump(exclude_none=True)
    if patch.assignee_id is not None and patch.assignee_id != before["assignee_id"]:
        _check_assignee(principal, patch.assignee_id)
        after["assignee_id"] = patch.assignee_id
    linking = patch.okr is not None and patch.okr.mode != "none"
    if linking and current.linked_goal and current.linked_goal.status == "linked":
        raise Conflict(
            "This action plan is already linked to a goal.",
            extra={"linked_goal": current.linked_goal.model_dump(mode="json")},
        )
    after["updated_at"] = clock.api_instant(clock.now())
    updated = _plan_activity(
        principal,
        after,
        "action_plan_updated",
        activity.changed_fields(
            {k: before.get(k) for k in AUDITED}, {k: after.get(k) for k in AUDITED}
        ),
    )

    def versioned(item: Item) -> transactions.Op:
        return transactions.put_versioned(
            item,
            before["version"],
            on_condition_failed=lambda: Conflict("This action plan changed meanwhile."),
        )

    goal = _with_goal(principal, after, patch.okr if linking else None, versioned, [updated])
    after["version"] = before["version"] + 1
    goals = {goal["id"]: goal} if goal else views.goals_of(principal.org_id, [after])
    return views.view(after, goals)


def delete_plan(principal: Principal, plan_id: str) -> None:
    """Deleting a plan keeps its goal (no cascade)."""
    _require(principal)
    plan = visible_plan(principal, plan_id)
    if not rules.can_delete(principal, plan):
        raise Forbidden("Only the plan's owner and admins may delete it.")
    transactions.write(
        [
            transactions.delete(
                {"pk": plan["pk"], "sk": plan["sk"]},
                condition="#version = :expected",
                names={"#version": "version"},
                values={":expected": plan["version"]},
            ),
            _plan_activity(
                principal,
                plan,
                "action_plan_deleted",
                {"title": {"before": plan["title"], "after": None}},
            ),
        ]
    )


# --- updates ---------------------------------------------------------------------------------


def post_update(principal: Principal, plan_id: str, request: UpdateCreate) -> PlanUpdate:
    _require(principal)
    plan = visible_plan(principal, plan_id)
    now = clock.now()
    update = {
        "id": new_id(),
        "plan_id": plan["id"],
        "author_id": principal.user_id,
        "body": request.body,
        "created_at": clock.api_instant(now),
    }
    transactions.write(
        [
            transactions.put_new(
                {
                    **keys.update_key(principal.org_id, plan["id"], now, update["id"]),
                    "type": "action_plan_update",
                    **update,
                }
            ),
            _plan_activity(principal, plan, "update_posted", {}),
        ]
    )
    return PlanUpdate(**update)


def list_updates(
    principal: Principal, plan_id: str, limit: int, cursor: str | None
) -> tuple[list[PlanUpdate], str | None]:
    _require(principal)
    visible_plan(principal, plan_id)
    items, next_cursor = repository.updates_page(principal.org_id, plan_id, limit, cursor)
    return [
        PlanUpdate.model_validate({k: i[k] for k in PlanUpdate.model_fields}) for i in items
    ], next_cursor


def can_view_activity(principal: Principal, entity_id: str) -> bool:
    """A plan's activity is shown to whoever may view it (a deleted plan's: admins)."""
    plan = repository.plan(principal.org_id, entity_id) if is_id(entity_id) else None
    return principal.is_admin if plan is None else _may_view(principal, plan)
