"""Changing goals: create, update (incl. re-parent, close, reopen) and delete, each one
transaction on the goal alone, then rolled up the alignment chain by conflict-free ADDs
(see `rollup`). A re-parent is the goal's pointer plus its contribution ADDed out of the
old ancestors and into the new ones: O(depth) writes, whatever the size of its subtree
(descendants keep only their parent pointer; ancestry is read along those)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from momentum.core import clock
from momentum.core.ids import new_id
from momentum.core.problems import Conflict, Invalid, field_error
from momentum.frame.principal import Principal
from momentum.okrs import chain, cycles, repository, rollup, rules, views
from momentum.okrs.access import (
    editable_goal,
    goal_to_patch,
    owner_facts,
    parent_to_contribute,
    require_okrs,
)
from momentum.okrs.models import GoalCreate, GoalPatch, MetricIn
from momentum.store import activity, transactions
from momentum.store.codec import Item

RETRIES = chain.RETRIES
AUDITED = (
    "title",
    "description",
    "owner_id",
    "parent_id",
    "visibility",
    "start_date",
    "due_date",
    "weight",
    "progress_mode",
    "metric",
    "closed",
    "cycle_id",
)


# --- create -------------------------------------------------------------------------------


def _new_metric(request: MetricIn) -> dict[str, Any]:
    if request.type == "milestone":
        start, target = 0.0, 1.0
    elif request.type == "percent":
        start = 0.0 if request.start is None else request.start
        target = 100.0 if request.target is None else request.target
    else:
        if request.target is None:
            raise Invalid(
                "This metric needs a target.", errors=[field_error("metric.target", "required")]
            )
        start, target = request.start or 0.0, request.target
    metric: dict[str, Any] = {
        "type": request.type,
        "start": start,
        "target": target,
        "current": start if request.current is None else request.current,
    }
    if request.unit:
        metric["unit"] = request.unit
    rules.check_metric(metric)
    return metric


def _check_dates(start: str, due: str) -> None:
    if start > due:
        raise Invalid(
            "A goal's due date cannot be before its start date.",
            errors=[field_error("due_date", "before start_date")],
        )


# Writes another context adds to a goal's creation (same transaction), given the goal.
AlsoWrite = Callable[[Item], list[transactions.Op]]


def create_goal(
    principal: Principal,
    request: GoalCreate,
    *,
    acting_for: bool = True,
    also: AlsoWrite | None = None,
    summary: str | None = None,
    carried: Item | None = None,
) -> Item:
    """Create a goal; `also` adds writes (e.g. an action plan) to the same transaction;
    `carried` is the state a goal carried over from a closed cycle starts with."""
    require_okrs(principal)
    return chain.retrying(
        lambda: _create(principal, request, acting_for, also, summary, carried or {})
    )


def _dates(principal: Principal, request: GoalCreate, cycle: Item) -> tuple[str, str]:
    """Missing dates are the cycle's; a default start never falls after the due date."""
    due = request.due_date.isoformat() if request.due_date else cycle["end_date"]
    if request.start_date is not None:
        return request.start_date.isoformat(), due
    if request.due_date is not None and request.cycle_id is None:
        # dates chosen without a cycle: the goal starts today, as before cycles existed
        today = clock.local_date(clock.now(), principal.time_zone).isoformat()
        return min(today, due), due
    return min(cycle["start_date"], due), due


def _create(
    principal: Principal,
    request: GoalCreate,
    acting_for: bool,
    also: AlsoWrite | None,
    summary: str | None,
    carried: Item,
) -> Item:
    owner = owner_facts(principal, request.owner_id, acting_for=acting_for)
    parent = parent_to_contribute(principal, request.parent_id) if request.parent_id else None
    rules.check_parent(None, request.kind, parent, _above(principal.org_id, parent))
    metric = _new_metric(request.metric)
    mode = request.progress_mode or rules.default_progress_mode(request.kind, metric["type"])
    rules.check_progress_mode(request.kind, mode, metric["type"])
    now = clock.now()
    due_asked = request.due_date.isoformat() if request.due_date else None
    start_asked = request.start_date.isoformat() if request.start_date else None
    if start_asked is None and due_asked is not None:
        # dated without a start: it starts today (see _dates), so today decides its cycle
        start_asked = min(clock.local_date(now, principal.time_zone).isoformat(), due_asked)
    cycle = cycles.cycle_of_new_goal(principal, request.cycle_id, start_asked, due_asked)
    start, due = _dates(principal, request, cycle)
    _check_dates(start, due)
    goal_id = new_id()
    body: Item = {
        "id": goal_id,
        "kind": request.kind,
        "title": request.title,
        "description": request.description,
        **owner.fields(),
        "parent_id": request.parent_id,
        "visibility": request.visibility,
        "start_date": start,
        "due_date": due,
        "cycle_id": cycle["id"],
        "weight": request.weight,
        "progress_mode": mode,
        "metric": metric,
        "own_progress": rules.metric_progress(metric),
        "own_status": "not_started",
        "closed": False,
        "version": 1,
        "created_by": principal.user_id,
        "created_at": clock.api_instant(now),
        "updated_at": clock.api_instant(now),
        **carried,
    }
    body = {k: v for k, v in body.items() if v is not None}
    rules.refresh(body)
    rollup.bumped(None, body)
    item = chain.goal_with_due(
        principal.org_id, body, chain.reminder(principal.org_id, body, now, checked_in=False)
    )
    repository.write(
        [
            transactions.put_new(item),
            *repository.token_ops(principal.org_id, None, item),
            *cycles.membership_ops(principal.org_id, None, item),
            activity.record(
                org_id=principal.org_id,
                entity_id=goal_id,
                entity_kind="goal",
                actor_id=principal.user_id,
                action="goal_created",
                at=now,
                changes={
                    k: {"before": None, "after": item.get(k)}
                    for k in ("title", "owner_id", "parent_id", "cycle_id", "carried_from")
                    if item.get(k) is not None or k in ("title", "owner_id", "parent_id")
                },
                summary=summary,
            ),
            *(also(item) if also else []),
        ]
    )
    rollup.settle(principal.org_id, item, now)
    return item


def _above(org_id: str, parent: Item | None) -> list[str]:
    """The parent's own ancestors, nearest first (one read per level)."""
    return repository.ancestors(org_id, parent)[1:] if parent else []


# --- update ---------------------------------------------------------------------------------


def patch_goal(principal: Principal, goal_id: str, patch: GoalPatch) -> Item:
    require_okrs(principal)
    return chain.retrying(lambda: _patch(principal, goal_id, patch))


def _apply_fields(principal: Principal, before: Item, after: Item, patch: GoalPatch) -> None:
    for name in ("title", "description", "visibility", "weight", "closed"):
        value = getattr(patch, name)
        if value is not None:
            after[name] = value
    if patch.start_date is not None:
        after["start_date"] = patch.start_date.isoformat()
    if patch.due_date is not None:
        after["due_date"] = patch.due_date.isoformat()
    _check_dates(after["start_date"], after["due_date"])
    if patch.metric is not None:
        metric = after["metric"]
        if metric["type"] != "milestone":
            for name in ("start", "target"):
                if getattr(patch.metric, name) is not None:
                    metric[name] = getattr(patch.metric, name)
        if patch.metric.unit is not None:
            metric["unit"] = patch.metric.unit
        rules.check_metric(metric)
        after["own_progress"] = rules.metric_progress(metric)
    if patch.progress_mode is not None:
        rules.check_progress_mode(after["kind"], patch.progress_mode, after["metric"]["type"])
        after["progress_mode"] = patch.progress_mode
    if patch.owner_id is not None and patch.owner_id != before["owner_id"]:
        after.update(owner_facts(principal, patch.owner_id).fields())
    if patch.cycle_id is not None and patch.cycle_id != before.get("cycle_id"):
        cycle = cycles.cycle_by_id(principal.org_id, patch.cycle_id)
        if cycle is None:
            raise Invalid("No such cycle.", errors=[field_error("cycle_id", "unknown cycle")])
        cycles.require_open(principal, cycle)
        after["cycle_id"] = cycle["id"]


def _patch(principal: Principal, goal_id: str, patch: GoalPatch) -> Item:
    org_id = principal.org_id
    before = goal_to_patch(principal, goal_id, patch)
    if patch.version is not None and patch.version != before["version"]:
        raise Conflict(
            "This goal changed since you read it.",
            extra={"current": views.listed(org_id, before).model_dump(mode="json")},
        )
    after = copy.deepcopy(before)
    _apply_fields(principal, before, after, patch)
    new_parent_id = (
        patch.parent_id if "parent_id" in patch.model_fields_set else before.get("parent_id")
    )
    moving = new_parent_id != before.get("parent_id")
    if moving:
        parent = parent_to_contribute(principal, new_parent_id) if new_parent_id else None
        rules.check_parent(goal_id, after["kind"], parent, _above(org_id, parent))
        after["parent_id"] = new_parent_id
        if new_parent_id is None:
            after.pop("parent_id")
    after.pop("ancestor_ids", None)  # stored before pointers sufficed: dropped on write
    rules.refresh(after)
    climbs = rules.shown_upward(before, after)
    if climbs:
        rollup.bumped(before, after)
    now = clock.now()
    after["updated_at"] = clock.api_instant(now)
    rearm = (before.get("closed") and not after["closed"]) or after["owner_id"] != before[
        "owner_id"
    ]
    due = (
        chain.reminder(org_id, after, now, checked_in=False) if rearm else chain.current_due(before)
    )
    item = chain.goal_with_due(org_id, after, due)
    action = (
        "goal_closed"
        if after["closed"] and not before.get("closed")
        else "goal_reopened"
        if before.get("closed") and not after["closed"]
        else "goal_moved"
        if moving
        else "goal_updated"
    )
    repository.write(
        [
            # a version sent was checked against the one read: a failure here is a write
            # since the read (an edit, or a child's roll-up), so retry and check again
            repository.update_goal_op(before, item, chain.moved),
            *repository.token_ops(org_id, before, item),
            *cycles.membership_ops(org_id, before, item),
            activity.record(
                org_id=org_id,
                entity_id=goal_id,
                entity_kind="goal",
                actor_id=principal.user_id,
                action=action,
                at=now,
                changes=activity.changed_fields(
                    {k: before.get(k) for k in AUDITED}, {k: item.get(k) for k in AUDITED}
                ),
            ),
        ]
    )
    item["version"] = before["version"] + 1
    if climbs:
        rollup.settle(org_id, item, now, left=before.get("parent_id") if moving else None)
    return item


# --- delete -----------------------------------------------------------------------------------


def delete_goal(principal: Principal, goal_id: str) -> None:
    require_okrs(principal)
    chain.retrying(lambda: _delete(principal, goal_id))


def _delete(principal: Principal, goal_id: str) -> None:
    org_id = principal.org_id
    before = editable_goal(principal, goal_id)
    if rules.child_count(before):
        raise Conflict(
            f"{rules.child_count(before)} goals are aligned under this objective; "
            "delete or move them first."
        )
    now = clock.now()
    gone = dict(before)
    rollup.bumped(before, gone)
    seen = before.get(rules.SEQ)
    asserted = {":expected": before["version"], **({} if seen is None else {":seen": seen})}
    repository.write(
        [
            transactions.delete(
                {"pk": before["pk"], "sk": before["sk"]},
                condition="#version = :expected AND "
                + ("attribute_not_exists(#seq)" if seen is None else "#seq = :seen"),
                names={"#version": "version", "#seq": rules.SEQ},
                values=asserted,
                on_condition_failed=chain.moved,
            ),
            *repository.token_ops(org_id, before, None),
            *cycles.membership_ops(org_id, before, None),
            activity.record(
                org_id=org_id,
                entity_id=goal_id,
                entity_kind="goal",
                actor_id=principal.user_id,
                action="goal_deleted",
                at=now,
                changes={"title": {"before": before["title"], "after": None}},
            ),
        ]
    )
    rollup.settle(org_id, gone, now, left=before.get("parent_id"), removed=True)
