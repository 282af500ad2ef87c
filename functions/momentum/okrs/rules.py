"""Pure OKR rules: metric progress, roll-up, explanations, permissions. No I/O, no clock.

A goal is handled here as its stored item (a dict). Every parent objective keeps, in its
own item, one entry per child (`children[child_id]`: weight, progress, status, closed and
what an explanation shows), plus the aggregates derived from them (`rollup`). A change to
one goal therefore rewrites only the goal and its ancestors, each recomputed from its own
item: that is what lets a check-in update the whole chain in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from momentum.core.problems import Conflict, Invalid, field_error

Goal = dict[str, Any]

STATUSES = ("at_risk", "behind", "on_track", "not_started")
# Worst first: a parent shows the worst status among its started children.
SEVERITY = {"at_risk": 0, "behind": 1, "on_track": 2}
MAX_DEPTH = 12  # alignment levels above a goal: bounds the roll-up transaction
FORMULA = "progress = sum(weight * child progress) / sum(weight)"


def _round(value: float, places: int = 2) -> float:
    rounded = round(value, places)
    return 0.0 if rounded == 0 else rounded  # never -0.0


def metric_progress(metric: Mapping[str, Any]) -> float:
    """Progress 0-100 of a metric; a decreasing target (target < start) works the same way."""
    kind = metric.get("type", "percent")
    current = float(metric.get("current", 0) or 0)
    if kind == "milestone":
        return 100.0 if current >= 1 else 0.0
    start, target = float(metric.get("start", 0) or 0), float(metric.get("target", 100) or 0)
    if target == start:
        return 100.0 if current == target else 0.0
    return _round(min(100.0, max(0.0, (current - start) / (target - start) * 100)))


def check_metric(metric: Mapping[str, Any], path: str = "metric") -> None:
    if metric["type"] not in ("milestone",) and metric["start"] == metric["target"]:
        raise Invalid(
            "A metric's target must differ from its start.",
            errors=[field_error(f"{path}.target", "equals start")],
        )


def default_progress_mode(kind: str, metric_type: str) -> str:
    if metric_type == "custom_kpi":
        return "custom_kpi"
    return "rollup" if kind == "objective" else "manual"


def check_progress_mode(kind: str, mode: str, metric_type: str) -> None:
    if (mode == "custom_kpi") != (metric_type == "custom_kpi"):
        raise Invalid(
            "progress_mode custom_kpi goes with a custom_kpi metric, and only with it.",
            errors=[field_error("progress_mode", "does not match metric.type")],
        )
    if kind == "key_result" and mode == "rollup":
        raise Invalid(
            "A key result has no children to roll up; use manual.",
            errors=[field_error("progress_mode", "rollup is for objectives")],
        )


# --- roll-up ------------------------------------------------------------------------------


def aggregate(children: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The per-parent aggregates: weight sum, weighted progress sum, status counts."""
    total_weight = sum(float(c["weight"]) for c in children.values())
    weighted_sum = sum(float(c["weight"]) * float(c["progress"]) for c in children.values())
    open_counts = {s: 0 for s in SEVERITY}
    closed_counts = {s: 0 for s in SEVERITY}
    for child in children.values():
        if child["status"] in SEVERITY:
            (closed_counts if child.get("closed") else open_counts)[child["status"]] += 1
    return {
        "total_weight": _round(total_weight, 6),
        "weighted_sum": _round(weighted_sum, 6),
        "open_status_counts": open_counts,
        "closed_status_counts": closed_counts,
        "child_count": len(children),
    }


def rolled_up(agg: Mapping[str, Any]) -> tuple[float, str]:
    """(progress, status) of a parent from its aggregates.

    Status is the worst among started children that are still open; closed children
    keep counting for progress (their final value) but need no attention, so they
    decide the status only when every started child is closed.
    """
    total = float(agg["total_weight"])
    progress = _round(float(agg["weighted_sum"]) / total) if total > 0 else 0.0
    for counts in (agg["open_status_counts"], agg["closed_status_counts"]):
        started = [s for s in SEVERITY if counts.get(s, 0) > 0]
        if started:
            return progress, min(started, key=SEVERITY.__getitem__)
    return progress, "not_started"


def rolls_up(goal: Mapping[str, Any]) -> bool:
    """Whether the goal's progress and status come from its children right now."""
    return goal.get("progress_mode") == "rollup" and bool(goal.get("children"))


def effective(goal: Mapping[str, Any]) -> tuple[float, str]:
    """The progress and status the goal shows: rolled up, or its own (pinned, KPI, leaf)."""
    if rolls_up(goal):
        return rolled_up(aggregate(goal["children"]))
    return float(goal.get("own_progress", 0) or 0), str(goal.get("own_status", "not_started"))


def refresh(goal: Goal) -> None:
    """Recompute the goal's aggregates, progress and status from its own item."""
    children = goal.get("children") or {}
    goal["children"] = children
    goal["rollup"] = aggregate(children)
    goal["progress"], goal["status"] = effective(goal)


def child_entry(goal: Mapping[str, Any]) -> dict[str, Any]:
    """What a parent stores about one child (enough to roll up and to explain)."""
    return {
        "kind": goal["kind"],
        "title": goal["title"],
        "weight": goal["weight"],
        "progress": goal["progress"],
        "status": goal["status"],
        "closed": bool(goal.get("closed")),
        "visibility": goal["visibility"],
        "owner_id": goal["owner_id"],
        "owner_chain": list(goal.get("owner_chain") or []),
    }


def roll_up_chain(
    goals: dict[str, Goal], parent_id: str | None, child_id: str, entry: dict[str, Any] | None
) -> list[str]:
    """Set (or, with None, remove) `child_id`'s entry in `parent_id` and recompute every
    ancestor up the chain. `goals` holds the ancestors by id and is updated in place;
    returns the ids of the goals visited, nearest first."""
    visited: list[str] = []
    while parent_id is not None and parent_id in goals:
        parent = goals[parent_id]
        children = dict(parent.get("children") or {})
        if entry is None:
            children.pop(child_id, None)
        else:
            children[child_id] = entry
        parent["children"] = children
        refresh(parent)
        visited.append(parent_id)
        child_id, entry, parent_id = parent_id, child_entry(parent), parent.get("parent_id")
    return visited


def rollup_summary(goal: Mapping[str, Any], child_title: str) -> str:
    return f"rolled up from {child_title}: progress {goal['progress']}, status {goal['status']}"


# --- explanations -------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:g}"


def explanation(goal: Mapping[str, Any], visible: Iterable[str]) -> dict[str, Any]:
    """How the goal's progress and status were reached. Children the reader may not view
    are shown without their title."""
    may_see = set(visible)
    children = goal.get("children") or {}
    shown = [
        {
            "id": child_id,
            "kind": child["kind"],
            "title": child["title"] if child_id in may_see else None,
            "weight": child["weight"],
            "progress": child["progress"],
            "status": child["status"],
            "closed": child.get("closed", False),
        }
        for child_id, child in sorted(children.items())
    ]
    mode = goal.get("progress_mode", "manual")
    if rolls_up(goal):
        agg = aggregate(children)
        terms = " + ".join(f"{_number(c['weight'])} * {_number(c['progress'])}" for c in shown)
        text = (
            f"({terms}) / {_number(agg['total_weight'])} = {_number(goal['progress'])}"
            if agg["total_weight"]
            else "every child has weight 0: progress 0"
        )
        source = "rollup"
    else:
        agg = None
        text = {
            "custom_kpi": "tracked by its custom KPI; never rolled up",
            "manual": "pinned by its latest check-in" if children else "set by its check-ins",
            "rollup": "no children yet: set by its check-ins",
        }.get(mode, "set by its check-ins")
        source = "own"
    return {
        "source": source,
        "formula": FORMULA if source == "rollup" else None,
        "status_rule": "worst of at_risk < behind < on_track among started open children; "
        "not_started if none has started"
        if source == "rollup"
        else None,
        "children": shown,
        "total_weight": agg["total_weight"] if agg else None,
        "weighted_sum": agg["weighted_sum"] if agg else None,
        "text": text,
        "result": {"progress": goal["progress"], "status": goal["status"]},
    }


# --- alignment ------------------------------------------------------------------------------


def check_parent(goal_id: str | None, kind: str, parent: Mapping[str, Any] | None) -> None:
    """A key result needs its objective; a parent is always an objective; no cycles."""
    if parent is None:
        if kind == "key_result":
            raise Invalid(
                "A key result always belongs to an objective.",
                errors=[field_error("parent_id", "required for a key result")],
            )
        return
    if parent["kind"] != "objective":
        raise Invalid(
            "Goals align under objectives only.",
            errors=[field_error("parent_id", "not an objective")],
        )
    if goal_id is not None and (
        parent["id"] == goal_id or goal_id in (parent.get("ancestor_ids") or [])
    ):
        raise Conflict("That objective is aligned under this goal; the chain cannot loop.")
    if len(parent.get("ancestor_ids") or []) + 1 > MAX_DEPTH:
        raise Invalid(
            f"Alignment chains are limited to {MAX_DEPTH} levels.",
            errors=[field_error("parent_id", "too deep")],
        )


def ancestors_under(parent: Mapping[str, Any] | None) -> list[str]:
    """A child's ancestor ids, nearest first."""
    if parent is None:
        return []
    return [parent["id"], *(parent.get("ancestor_ids") or [])]


# --- permissions ----------------------------------------------------------------------------


def can_edit(user_id: str, is_admin: bool, goal: Mapping[str, Any]) -> bool:
    """The owner, the owner's managers and admins edit a goal (and may detach its children)."""
    return is_admin or goal["owner_id"] == user_id or user_id in (goal.get("owner_chain") or [])


def can_view(user_id: str, is_admin: bool, goal: Mapping[str, Any]) -> bool:
    return goal.get("visibility") == "public" or can_edit(user_id, is_admin, goal)


def can_contribute(user_id: str, is_admin: bool, parent: Mapping[str, Any]) -> bool:
    """Alignment is the contributor's right (SPEC §1): whoever may view an open objective
    may align a goal they may edit under it. Editing the parent is not required."""
    return (
        parent["kind"] == "objective"
        and not parent.get("closed")
        and can_view(user_id, is_admin, parent)
    )


def is_detach(fields_set: Iterable[str], parent_id: str | None) -> bool:
    """A patch that only takes the goal out of its parent (`parent_id: null`, maybe a version)."""
    return (
        parent_id is None
        and "parent_id" in fields_set
        and set(fields_set) <= {"parent_id", "version"}
    )


# --- type-ahead --------------------------------------------------------------------------------


def one_year_after(on: date) -> date:
    """The end of the public group's window: a period overlaps [on, this] (ends included)."""
    try:
        return on.replace(year=on.year + 1)
    except ValueError:  # 29 February
        return on.replace(year=on.year + 1, day=28)


def matches(query_words: list[str], goal_words: list[str]) -> bool:
    """Every word typed is the prefix of some word of the title or the owner's name."""
    return all(any(word.startswith(q) for word in goal_words) for q in query_words)
