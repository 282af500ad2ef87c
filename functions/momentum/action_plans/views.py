"""Action plans as the API answers them, with their linked goal (live or deleted)."""

from __future__ import annotations

from typing import Any

from momentum.action_plans.models import ActionPlan, GoalLinks, LinkedGoal
from momentum.okrs import service as okrs
from momentum.store.codec import Item


def _linked_goal(plan: Item, goals: dict[str, Item]) -> LinkedGoal | None:
    stored = plan.get("linked_goal")
    if not stored:
        return None
    live = goals.get(stored["id"])
    shown = {**snapshot(live), "status": "linked"} if live else _deleted(stored)
    links = okrs.goal_links(stored["id"])
    return LinkedGoal(
        **shown, assignee_id=shown["owner_id"], links=GoalLinks(web=links.web, login=links.login)
    )


def _deleted(stored: dict[str, Any]) -> dict[str, Any]:
    """The last known goal; snapshots written before issue 15 named the owner `assignee_id`."""
    fields = {k: v for k, v in stored.items() if k != "assignee_id"}
    fields.setdefault("owner_id", stored.get("assignee_id"))
    return {**fields, "status": "deleted"}


def view(plan: Item, goals: dict[str, Item]) -> ActionPlan:
    fields = {k: plan.get(k) for k in ActionPlan.model_fields if k != "linked_goal"}
    return ActionPlan(**fields, linked_goal=_linked_goal(plan, goals))


def goals_of(org_id: str, plans: list[Item]) -> dict[str, Item]:
    ids = [p["linked_goal"]["id"] for p in plans if p.get("linked_goal")]
    return okrs.goal_items(org_id, ids) if ids else {}


def snapshot(goal: Item) -> dict[str, Any]:
    return {
        "id": goal["id"],
        "kind": goal["kind"],
        "title": goal["title"],
        "owner_id": goal["owner_id"],
        "due_date": goal["due_date"],
    }
