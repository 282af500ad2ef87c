"""Account action plan rules: ordering, progress, overdue, the tree and template launches.

Pure: no I/O, no clock. Items are the stored dicts (see repository.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import msgspec
from pydantic import MISSING

from momentum.accounts.models import (
    ActionNode,
    Metric,
    ObjectiveNode,
    Owner,
    PlanNode,
)
from momentum.core.problems import Invalid, field_error
from momentum.core.text import fold

# Every new account starts with these two plans (SPEC §6), internal until shared.
DEFAULT_PLANS = (
    ("Growth Plans", "Forward-looking items such as revenue growth."),
    ("Client Commitments", "Service delivery and contractual obligations."),
)

# Caps that keep every delete within one transaction (100 operations).
MAX_PLANS_PER_ACCOUNT = 50
MAX_OBJECTIVES_PER_PLAN = 50
MAX_ACTIONS_PER_OBJECTIVE = 50

Item = dict[str, Any]


def is_customer(roles: Iterable[str]) -> bool:
    """A customer contact sees a read-only, filtered view, whatever other roles they hold."""
    return "customer" in roles


# --- ordering ------------------------------------------------------------------------


def ordered(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda item: (float(item.get("position", 0)), item["id"]))


def position_between(before: float | None, after: float | None) -> float | None:
    """A position strictly between two neighbours (None for no neighbour on that side).

    None when floats leave no room between them: the siblings must be renumbered.
    """
    if before is None and after is None:
        return 1.0
    if before is None:
        assert after is not None
        return after - 1.0
    if after is None:
        return before + 1.0
    middle = (before + after) / 2
    return middle if before < middle < after else None


def position_after(siblings: list[Item], after_id: str | None) -> float | None:
    """Where an item goes when moved just after `after_id` (None: first) among `siblings`.

    `siblings` are in order and exclude the moving item; `after_id` must be one of them.
    """
    positions = [float(s.get("position", 0)) for s in siblings]
    if after_id is None:
        return position_between(None, positions[0] if positions else None)
    index = next(i for i, s in enumerate(siblings) if s["id"] == after_id)
    following = positions[index + 1] if index + 1 < len(positions) else None
    return position_between(positions[index], following)


def placement(
    siblings: list[Item], node_id: str, after_id: str | None
) -> tuple[float, dict[str, float]]:
    """The moved item's position, and new positions for siblings when midpoints ran out.

    Moving writes one item; only when floats leave no room between two neighbours are
    the siblings renumbered (rare: after ~50 moves into the same gap).
    """
    position = position_after(siblings, after_id)
    if position is not None:
        return position, {}
    order = [s["id"] for s in siblings]
    order.insert(0 if after_id is None else order.index(after_id) + 1, node_id)
    fresh = renumbered(order)
    current = {s["id"]: float(s.get("position", 0)) for s in siblings}
    return fresh.pop(node_id), {sid: p for sid, p in fresh.items() if current[sid] != p}


def last_position(siblings: Iterable[Item]) -> float:
    return max((float(s.get("position", 0)) for s in siblings), default=0.0) + 1.0


def renumbered(order: list[str]) -> dict[str, float]:
    """Fresh evenly spaced positions for ids in this order (when midpoints run out)."""
    return {item_id: float(i + 1) for i, item_id in enumerate(order)}


# --- progress and overdue -------------------------------------------------------------


def metric_progress(start: float, target: float, current: float) -> float:
    """Percent of the way from start to target (either direction), clamped to 0-100."""
    if target == start:
        return 100.0 if current == target else 0.0
    fraction = (current - start) / (target - start)
    return round(min(max(fraction, 0.0), 1.0) * 100, 1)


def merged_metric(current: Item, changes: dict[str, Any]) -> dict[str, Any]:
    """A metric patch changes only the fields sent (typically `current`)."""
    if changes.get("metric") is None:
        return changes
    sent = {k: v for k, v in changes["metric"].items() if v is not None}
    merged = {"start": 0.0, "current": 0.0, "unit": "", **(current.get("metric") or {}), **sent}
    if "target" not in merged:
        raise Invalid(
            "A new metric needs a target.", errors=[field_error("metric.target", "required")]
        )
    return {**changes, "metric": merged}


def is_overdue(due_date: date | None, status: str, today: date) -> bool:
    return due_date is not None and due_date < today and status != "done"


def due_date_from(start: date, offset_days: int | None) -> date | None:
    return None if offset_days is None else start + timedelta(days=offset_days)


# --- the tree ----------------------------------------------------------------------------


class Tree(msgspec.Struct):
    """An account's items grouped by parent, in order."""

    account: Item | None
    plans: list[Item]
    objectives_of: dict[str, list[Item]]
    actions_of: dict[str, list[Item]]

    def plan(self, plan_id: str) -> Item | None:
        return next((p for p in self.plans if p["id"] == plan_id), None)

    def objective(self, objective_id: str) -> Item | None:
        for objectives in self.objectives_of.values():
            for objective in objectives:
                if objective["id"] == objective_id:
                    return objective
        return None

    def action(self, action_id: str) -> Item | None:
        for actions in self.actions_of.values():
            for action in actions:
                if action["id"] == action_id:
                    return action
        return None


def grouped(items: Iterable[Item]) -> Tree:
    """Items of one account collection as a tree; orphans (parent gone) are left out."""
    account, plans, objectives, actions = None, [], [], []
    for item in items:
        kind = item.get("type")
        if kind == "account":
            account = item
        elif kind == "account_plan":
            plans.append(item)
        elif kind == "account_objective":
            objectives.append(item)
        elif kind == "account_action":
            actions.append(item)
    plan_ids = {p["id"] for p in plans}
    objectives_of: dict[str, list[Item]] = defaultdict(list)
    for objective in ordered(objectives):
        if objective["plan_id"] in plan_ids:
            objectives_of[objective["plan_id"]].append(objective)
    objective_ids = {o["id"] for group in objectives_of.values() for o in group}
    actions_of: dict[str, list[Item]] = defaultdict(list)
    for action in ordered(actions):
        if action["objective_id"] in objective_ids:
            actions_of[action["objective_id"]].append(action)
    return Tree(account, ordered(plans), dict(objectives_of), dict(actions_of))


def _internal(value: Any, customer: bool) -> Any:
    return MISSING if customer else value


def action_node(item: Item, *, customer: bool, today: date) -> ActionNode:
    due = date.fromisoformat(item["due_date"]) if item.get("due_date") else None
    owner = item.get("owner")
    metric = item.get("metric")
    return ActionNode(
        id=item["id"],
        objective_id=item["objective_id"],
        title=item["title"],
        description=item.get("description"),
        internal_description=_internal(item.get("internal_description"), customer),
        owner=None
        if not owner
        else Owner(id=owner["id"], name=owner["name"], email=_internal(owner["email"], customer)),
        due_date=due,
        status=item["status"],
        metric=None
        if not metric
        else Metric(
            **metric,
            progress=metric_progress(metric["start"], metric["target"], metric["current"]),
        ),
        show_customer=item["show_customer"],
        overdue=is_overdue(due, item["status"], today),
        position=item["position"],
        version=item["version"],
    )


def objective_node(tree: Tree, item: Item, *, customer: bool, today: date) -> ObjectiveNode:
    actions = [
        action_node(a, customer=customer, today=today)
        for a in tree.actions_of.get(item["id"], [])
        if a["show_customer"] or not customer
    ]
    return ObjectiveNode(
        id=item["id"],
        plan_id=item["plan_id"],
        title=item["title"],
        description=item.get("description"),
        internal_description=_internal(item.get("internal_description"), customer),
        show_customer=item["show_customer"],
        # Computed over what the caller sees, so the flag never contradicts the list.
        missing_actions=not actions,
        position=item["position"],
        version=item["version"],
        actions=actions,
    )


def plan_node(tree: Tree, item: Item, *, customer: bool, today: date) -> PlanNode:
    objectives = [
        objective_node(tree, o, customer=customer, today=today)
        for o in tree.objectives_of.get(item["id"], [])
        if o["show_customer"] or not customer
    ]
    return PlanNode(
        id=item["id"],
        title=item["title"],
        description=item.get("description"),
        internal_description=_internal(item.get("internal_description"), customer),
        show_customer=item["show_customer"],
        missing_objective=not objectives,
        position=item["position"],
        version=item["version"],
        objectives=objectives,
    )


def plan_nodes(tree: Tree, *, customer: bool, today: date) -> list[PlanNode]:
    """The plans the caller may see: customers only what is shown to them, top down."""
    return [
        plan_node(tree, p, customer=customer, today=today)
        for p in tree.plans
        if p["show_customer"] or not customer
    ]


def overdue_count(plans: list[PlanNode]) -> int:
    return sum(a.overdue for p in plans for o in p.objectives for a in o.actions)


# --- template launches ------------------------------------------------------------------


class ChosenObjective(msgspec.Struct):
    objective: Item  # the template's objective
    actions: list[Item]


class ChosenPlan(msgspec.Struct):
    plan: Item  # the template's plan
    existing_plan_id: str | None  # the account's plan of the same title, if any
    objectives: list[ChosenObjective] = msgspec.field(default_factory=list)


def choose_from_template(
    template_plans: list[Item],
    objective_ids: list[str],
    action_ids: list[str],
    existing_plan_ids_by_title: dict[str, str],
) -> tuple[list[ChosenPlan], list[dict[str, str]]]:
    """The part of a template a launch writes, in template order, and what is wrong.

    A plan comes along when one of its objectives is chosen; an action only when chosen
    and its objective is chosen too. A plan whose title matches one of the account's
    plans (ignoring case and accents) adds its objectives to that plan.
    """
    objective_of_action: dict[str, str] = {}
    known_objectives: set[str] = set()
    for plan in template_plans:
        for objective in plan["objectives"]:
            known_objectives.add(objective["id"])
            for action in objective["actions"]:
                objective_of_action[action["id"]] = objective["id"]
    wanted_objectives, wanted_actions = set(objective_ids), set(action_ids)
    errors = [
        {"path": f"objective_ids.{i}", "message": "not an objective of this template"}
        for i, oid in enumerate(objective_ids)
        if oid not in known_objectives
    ]
    for i, aid in enumerate(action_ids):
        if aid not in objective_of_action:
            errors.append({"path": f"action_ids.{i}", "message": "not an action of this template"})
        elif objective_of_action[aid] not in wanted_objectives:
            errors.append({"path": f"action_ids.{i}", "message": "its objective is not chosen"})
    chosen: list[ChosenPlan] = []
    for plan in template_plans:
        picked = [
            ChosenObjective(o, [a for a in o["actions"] if a["id"] in wanted_actions])
            for o in plan["objectives"]
            if o["id"] in wanted_objectives
        ]
        if picked:
            existing = existing_plan_ids_by_title.get(fold(plan["title"]))
            chosen.append(ChosenPlan(plan, existing, picked))
    return chosen, errors


def launch_size(chosen: list[ChosenPlan]) -> tuple[int, int, int]:
    """(new plans, objectives, actions) a launch writes."""
    plans = sum(1 for c in chosen if c.existing_plan_id is None)
    objectives = sum(len(c.objectives) for c in chosen)
    actions = sum(len(o.actions) for c in chosen for o in c.objectives)
    return plans, objectives, actions
