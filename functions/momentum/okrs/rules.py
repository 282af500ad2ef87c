"""Pure OKR rules: metric progress, roll-up, explanations, permissions. No I/O, no clock.

A goal is handled here as its stored item (a dict). A parent objective keeps, in its own
item, only commutative aggregates of its children (`rollup_*` numbers: sum of weights, sum
of weight * progress, how many children, how many per status): a child's change is an
ADD of its contribution's delta, so concurrent changes under one parent never conflict
and the parent item does not grow with its children. What an explanation shows about each
child lives in one entry item per child, under the parent's partition (see `keys`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from momentum.core.problems import Conflict, Invalid, field_error

Goal = dict[str, Any]

STATUSES = ("at_risk", "behind", "on_track", "not_started")
# Worst first: a parent shows the worst status among its started children.
SEVERITY = {"at_risk": 0, "behind": 1, "on_track": 2}
MAX_DEPTH = 12  # alignment levels above a goal a create or move may reach
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

WEIGHT = "rollup_weight"  # sum of the children's weights
WEIGHTED = "rollup_weighted"  # sum of weight * progress
CHILDREN = "rollup_children"  # how many children
SEQ = "rollup_seq"  # bumped by every write that changes what the goal contributes upward


def count_attribute(status: str, closed: bool) -> str:
    return f"rollup_{'closed' if closed else 'open'}_{status}"


AGGREGATES = (
    WEIGHT,
    WEIGHTED,
    CHILDREN,
    *(count_attribute(s, c) for c in (False, True) for s in SEVERITY),
)


def _exact(value: Any) -> Decimal:
    """Numbers as DynamoDB adds them: decimals, so sums are exact in any order."""
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def contribution(entry: Mapping[str, Any] | None) -> dict[str, Decimal]:
    """What one child adds to its parent's aggregates (nothing for a removed child)."""
    if entry is None or entry.get("removed"):
        return {}
    weight = _exact(entry["weight"])
    parts = {WEIGHT: weight, WEIGHTED: weight * _exact(entry["progress"]), CHILDREN: Decimal(1)}
    if entry["status"] in SEVERITY:
        parts[count_attribute(entry["status"], bool(entry.get("closed")))] = Decimal(1)
    return parts


def delta(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> dict[str, Decimal]:
    """The ADDs turning a parent's aggregates from counting `old` to counting `new`."""
    before, after = contribution(old), contribution(new)
    changes = {k: after.get(k, Decimal(0)) - before.get(k, Decimal(0)) for k in {*before, *after}}
    return {k: v for k, v in sorted(changes.items()) if v != 0}


def summed(entries: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """The aggregates of these children, computed from scratch."""
    total: dict[str, Decimal] = {}
    for entry in entries:
        for name, value in contribution(entry).items():
            total[name] = total.get(name, Decimal(0)) + value
    return total


def aggregates(goal: Mapping[str, Any]) -> dict[str, Any]:
    """The goal's aggregates as the explanation names them (missing numbers are 0)."""
    return {
        "total_weight": float(goal.get(WEIGHT) or 0),
        "weighted_sum": float(goal.get(WEIGHTED) or 0),
        "open_status_counts": {s: int(goal.get(count_attribute(s, False)) or 0) for s in SEVERITY},
        "closed_status_counts": {s: int(goal.get(count_attribute(s, True)) or 0) for s in SEVERITY},
        "child_count": int(goal.get(CHILDREN) or 0),
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


def child_count(goal: Mapping[str, Any]) -> int:
    return int(goal.get(CHILDREN) or 0)


def rolls_up(goal: Mapping[str, Any]) -> bool:
    """Whether the goal's progress and status come from its children right now."""
    return goal.get("progress_mode") == "rollup" and child_count(goal) > 0


def effective(goal: Mapping[str, Any]) -> tuple[float, str]:
    """The progress and status the goal shows: rolled up, or its own (pinned, KPI, leaf)."""
    if rolls_up(goal):
        return rolled_up(aggregates(goal))
    return float(goal.get("own_progress", 0) or 0), str(goal.get("own_status", "not_started"))


def refresh(goal: Goal) -> None:
    """Recompute the goal's progress and status from its own item."""
    goal["progress"], goal["status"] = effective(goal)


ENTRY_FIELDS = (
    "kind",
    "title",
    "weight",
    "progress",
    "status",
    "closed",
    "visibility",
    "owner_id",
    "owner_chain",
)


def child_entry(goal: Mapping[str, Any]) -> dict[str, Any]:
    """What a parent keeps about one child (enough to roll up and to explain)."""
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


def shown_upward(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether a change of the goal changes what its parent(s) keep about it."""
    return child_entry(before) != child_entry(after) or before.get("parent_id") != after.get(
        "parent_id"
    )


def rollup_summary(goal: Mapping[str, Any], child_title: str) -> str:
    return f"rolled up from {child_title}: progress {goal['progress']}, status {goal['status']}"


# --- explanations -------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:g}"


def explanation(
    goal: Mapping[str, Any], entries: Mapping[str, Mapping[str, Any]], visible: Iterable[str]
) -> dict[str, Any]:
    """How the goal's progress and status were reached, from its aggregates and its
    children's entries (by child id). Children the reader may not view are shown
    without their title."""
    may_see = set(visible)
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
        for child_id, child in sorted(entries.items())
    ]
    mode = goal.get("progress_mode", "manual")
    agg: dict[str, Any] | None = None
    if rolls_up(goal):
        agg = aggregates(goal)
        terms = " + ".join(f"{_number(c['weight'])} * {_number(c['progress'])}" for c in shown)
        text = (
            f"({terms}) / {_number(agg['total_weight'])} = {_number(goal['progress'])}"
            if agg["total_weight"]
            else "every child has weight 0: progress 0"
        )
        source = "rollup"
    else:
        text = {
            "custom_kpi": "tracked by its custom KPI; never rolled up",
            "manual": "pinned by its latest check-in"
            if child_count(goal)
            else "set by its check-ins",
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


def check_parent(
    goal_id: str | None, kind: str, parent: Mapping[str, Any] | None, above: list[str]
) -> None:
    """A key result needs its objective; a parent is always an objective; no cycles.
    `above` is the parent's own ancestors, nearest first (read along parent pointers)."""
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
    if goal_id is not None and (parent["id"] == goal_id or goal_id in above):
        raise Conflict("That objective is aligned under this goal; the chain cannot loop.")
    if len(above) + 1 > MAX_DEPTH:
        raise Invalid(
            f"Alignment chains are limited to {MAX_DEPTH} levels.",
            errors=[field_error("parent_id", "too deep")],
        )


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
