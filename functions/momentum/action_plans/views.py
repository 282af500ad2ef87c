"""Action plans as the API answers them, with their linked goal (live or deleted)."""

from __future__ import annotations

from typing import Any

from momentum.action_plans.models import ActionPlan, GoalLinks, LinkedGoal
from momentum.okrs import service as okrs
from momentum.store.codec import Item


def _linked_goal(plan: Item, goals: dict[str, Item]) -> LinkedGoal | None:
    snapshot = plan.get("linked_goal")
    if not snapshot:
        return None
    live = goals.get(snapshot["id"])
    shown = (
        {
            "id": live["id"],
            "kind": live["kind"],
            "title": live["title"],
            "assignee_id": live["owner_id"],
            "due_date": live["due_date"],
            "status": "linked",
        }
        if live
        else {**snapshot, "status": "deleted"}
    )
    links = okrs.goal_links(snapshot["id"])
    return LinkedGoal(**shown, links=GoalLinks(web=links.web, login=links.login))


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
        "assignee_id": goal["owner_id"],
        "due_date": goal["due_date"],
    }
