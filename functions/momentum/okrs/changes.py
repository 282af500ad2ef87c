"""Changing goals: create, update (incl. re-parent, close, reopen), delete and check in.

Every change reads the goal and, in one batch, its ancestors; recomputes the chain in
memory (rules.roll_up_chain); and writes the goal, its tokens, every ancestor whose
roll-up moved and the activity entries in ONE transaction, each goal conditioned on the
version read. Round trips therefore do not grow with depth. If another change to the
same chain lands in between, the whole use case is retried on fresh reads.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from momentum.core import clock
from momentum.core import org as org_cache
from momentum.core.ids import new_id
from momentum.core.principal import Principal
from momentum.core.problems import Conflict, Invalid, Problem, field_error
from momentum.okrs import cadence, keys, repository, rules, views
from momentum.okrs.access import (
    editable_goal,
    owner_facts,
    parent_to_contribute,
    require_okrs,
)
from momentum.okrs.models import CheckInCreate, GoalCreate, GoalPatch, MetricIn
from momentum.store import activity, transactions
from momentum.store.codec import Item

T = TypeVar("T")
RETRIES = 3
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
)


class _ChainMoved(Conflict):
    """A goal of the chain was written since it was read: recompute and try again."""


def _moved() -> Problem:
    return _ChainMoved("Goals of this alignment chain changed at the same time; try again.")


def _stale() -> Problem:
    return Conflict("This goal changed since you read it; reload and try again.")


def _retrying(attempt: Callable[[], T]) -> T:
    for _ in range(RETRIES - 1):
        try:
            return attempt()
        except _ChainMoved:
            continue
    return attempt()


def _label(goal: Item) -> str:
    return f"{'key result' if goal['kind'] == 'key_result' else 'objective'} {goal['title']}"


# --- the alignment chain ----------------------------------------------------------------


@dataclass
class Chain:
    before: dict[str, Item]
    after: dict[str, Item]

    @classmethod
    def load(cls, org_id: str, ids: list[str]) -> Chain:
        found = repository.goals(org_id, ids) if ids else {}
        return cls(found, copy.deepcopy(found))

    def ops(self, org_id: str, now: datetime, because: Item) -> list[transactions.Op]:
        """Writes for every ancestor that changed, with a "rolled up from" entry each."""
        ops: list[transactions.Op] = []
        for goal_id, after in self.after.items():
            before = self.before[goal_id]
            if after == before:
                continue
            after["updated_at"] = clock.api_instant(now)
            ops.append(repository.update_goal_op(before, after, _moved))
            moved = {
                k: {"before": before.get(k), "after": after[k]}
                for k in ("progress", "status")
                if before.get(k) != after[k]
            }
            if moved or set(before.get("children") or {}) != set(after["children"]):
                ops.append(
                    activity.record(
                        org_id=org_id,
                        entity_id=goal_id,
                        entity_kind="goal",
                        actor_id=None,
                        action="rolled_up",
                        at=now,
                        changes=moved,
                        summary=f"rolled up from {_label(because)}",
                    )
                )
        return ops


def _item(org_id: str, body: Item, due: dict[str, str] | None) -> Item:
    return repository.goal_item(org_id, body, None if body.get("closed") else due)


def _reminder(org_id: str, goal: Item, now: datetime, *, checked_in: bool) -> dict[str, str]:
    """When the reminder sweep should next look at this goal."""
    rhythm = cadence.Cadence.of_org(org_cache.org_item(org_id))
    zone = goal.get("owner_time_zone")
    at = (
        cadence.reminder_after_checkin(now, rhythm, zone)
        if checked_in
        else cadence.next_reminder(now, rhythm, zone)
    )
    return keys.reminder_due(org_id, goal["owner_id"], goal["id"], at)


def _current_due(goal: Item) -> dict[str, str] | None:
    return {"due_pk": goal["due_pk"], "due_sk": goal["due_sk"]} if "due_sk" in goal else None


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


def create_goal(principal: Principal, request: GoalCreate, *, acting_for: bool = True) -> Item:
    require_okrs(principal)
    return _retrying(lambda: _create(principal, request, acting_for))


def _create(principal: Principal, request: GoalCreate, acting_for: bool) -> Item:
    owner = owner_facts(principal, request.owner_id, acting_for=acting_for)
    parent = parent_to_contribute(principal, request.parent_id) if request.parent_id else None
    rules.check_parent(None, request.kind, parent)
    metric = _new_metric(request.metric)
    mode = request.progress_mode or rules.default_progress_mode(request.kind, metric["type"])
    rules.check_progress_mode(request.kind, mode, metric["type"])
    now = clock.now()
    start = (request.start_date or clock.local_date(now, principal.time_zone)).isoformat()
    _check_dates(start, request.due_date.isoformat())
    goal_id = new_id()
    body: Item = {
        "id": goal_id,
        "kind": request.kind,
        "title": request.title,
        "description": request.description,
        **owner.fields(),
        "parent_id": request.parent_id,
        "ancestor_ids": rules.ancestors_under(parent),
        "visibility": request.visibility,
        "start_date": start,
        "due_date": request.due_date.isoformat(),
        "weight": request.weight,
        "progress_mode": mode,
        "metric": metric,
        "own_progress": rules.metric_progress(metric),
        "own_status": "not_started",
        "children": {},
        "closed": False,
        "version": 1,
        "created_by": principal.user_id,
        "created_at": clock.api_instant(now),
        "updated_at": clock.api_instant(now),
    }
    body = {k: v for k, v in body.items() if v is not None}
    rules.refresh(body)
    chain = Chain.load(principal.org_id, body["ancestor_ids"])
    rules.roll_up_chain(chain.after, body.get("parent_id"), goal_id, rules.child_entry(body))
    item = _item(principal.org_id, body, _reminder(principal.org_id, body, now, checked_in=False))
    repository.write(
        [
            transactions.put_new(item),
            *repository.token_ops(principal.org_id, None, item),
            activity.record(
                org_id=principal.org_id,
                entity_id=goal_id,
                entity_kind="goal",
                actor_id=principal.user_id,
                action="goal_created",
                at=now,
                changes={
                    k: {"before": None, "after": item.get(k)}
                    for k in ("title", "owner_id", "parent_id")
                },
            ),
            *chain.ops(principal.org_id, now, item),
        ]
    )
    return item


# --- update ---------------------------------------------------------------------------------


def patch_goal(principal: Principal, goal_id: str, patch: GoalPatch) -> Item:
    require_okrs(principal)
    return _retrying(lambda: _patch(principal, goal_id, patch))


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


def _patch(principal: Principal, goal_id: str, patch: GoalPatch) -> Item:
    org_id = principal.org_id
    before = editable_goal(principal, goal_id)
    if patch.version is not None and patch.version != before["version"]:
        raise Conflict(
            "This goal changed since you read it.",
            extra={"current": views.goal(before).model_dump(mode="json")},
        )
    after = copy.deepcopy(before)
    _apply_fields(principal, before, after, patch)
    new_parent_id = (
        patch.parent_id if "parent_id" in patch.model_fields_set else before.get("parent_id")
    )
    moving = new_parent_id != before.get("parent_id")
    if moving:
        parent = parent_to_contribute(principal, new_parent_id) if new_parent_id else None
        rules.check_parent(goal_id, after["kind"], parent)
        after["parent_id"], after["ancestor_ids"] = new_parent_id, rules.ancestors_under(parent)
        if new_parent_id is None:
            after.pop("parent_id")
    rules.refresh(after)
    now = clock.now()
    after["updated_at"] = clock.api_instant(now)
    chain = Chain.load(org_id, list(dict.fromkeys(before["ancestor_ids"] + after["ancestor_ids"])))
    if moving:
        rules.roll_up_chain(chain.after, before.get("parent_id"), goal_id, None)
    rules.roll_up_chain(chain.after, after.get("parent_id"), goal_id, rules.child_entry(after))
    rearm = (before.get("closed") and not after["closed"]) or after["owner_id"] != before[
        "owner_id"
    ]
    due = _reminder(org_id, after, now, checked_in=False) if rearm else _current_due(before)
    item = _item(org_id, after, due)
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
            repository.update_goal_op(before, item, _moved if patch.version is None else _stale),
            *repository.token_ops(org_id, before, item),
            *(_subtree_moves(org_id, item) if moving else []),
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
            *chain.ops(org_id, now, item),
        ]
    )
    item["version"] = before["version"] + 1
    return item


def _subtree_moves(org_id: str, moved: Item) -> list[transactions.Op]:
    """Everything aligned below a moved goal gets its new ancestors (same transaction)."""
    ops: list[transactions.Op] = []
    ancestors_of = {moved["id"]: moved["ancestor_ids"]}
    frontier = list(moved.get("children") or {})
    while frontier:
        found = repository.goals(org_id, frontier)
        frontier = []
        for child in found.values():
            parent_id = child["parent_id"]
            new_ancestors = [parent_id, *ancestors_of[parent_id]]
            if len(new_ancestors) > rules.MAX_DEPTH:
                raise Invalid(
                    f"Alignment chains are limited to {rules.MAX_DEPTH} levels.",
                    errors=[field_error("parent_id", "too deep")],
                )
            ancestors_of[child["id"]] = new_ancestors
            ops.append(
                repository.update_goal_op(child, {**child, "ancestor_ids": new_ancestors}, _moved)
            )
            frontier += list(child.get("children") or {})
            if len(ops) > transactions.MAX_TRANSACTION_ITEMS:
                raise Conflict(
                    "Too many goals are aligned below this one to move it at once; "
                    "move its sub-objectives first."
                )
    return ops


# --- delete -----------------------------------------------------------------------------------


def delete_goal(principal: Principal, goal_id: str) -> None:
    require_okrs(principal)
    _retrying(lambda: _delete(principal, goal_id))


def _delete(principal: Principal, goal_id: str) -> None:
    org_id = principal.org_id
    before = editable_goal(principal, goal_id)
    if before.get("children"):
        raise Conflict(
            f"{len(before['children'])} goals are aligned under this objective; "
            "delete or move them first."
        )
    now = clock.now()
    chain = Chain.load(org_id, before["ancestor_ids"])
    rules.roll_up_chain(chain.after, before.get("parent_id"), goal_id, None)
    repository.write(
        [
            transactions.delete(
                {"pk": before["pk"], "sk": before["sk"]},
                condition="#version = :expected",
                names={"#version": "version"},
                values={":expected": before["version"]},
                on_condition_failed=_moved,
            ),
            *repository.token_ops(org_id, before, None),
            activity.record(
                org_id=org_id,
                entity_id=goal_id,
                entity_kind="goal",
                actor_id=principal.user_id,
                action="goal_deleted",
                at=now,
                changes={"title": {"before": before["title"], "after": None}},
            ),
            *chain.ops(org_id, now, before),
        ]
    )


# --- check-ins ----------------------------------------------------------------------------------


def check_in(principal: Principal, goal_id: str, request: CheckInCreate) -> Item:
    require_okrs(principal)
    return _retrying(lambda: _check_in(principal, goal_id, request))


def _check_in(principal: Principal, goal_id: str, request: CheckInCreate) -> Item:
    org_id = principal.org_id
    before = editable_goal(principal, goal_id)
    if before.get("closed"):
        raise Conflict("This goal is closed; reopen it to check in.")
    after = copy.deepcopy(before)
    previous = before["metric"]["current"]
    if request.value is not None:
        after["metric"]["current"] = request.value
        after["own_progress"] = rules.metric_progress(after["metric"])
        if rules.rolls_up(before):
            after["progress_mode"] = "manual"  # a value checked in on a roll-up pins it
    after["own_status"] = request.status
    now = clock.now()
    after["last_checkin_at"] = clock.key_instant(now)
    after["updated_at"] = clock.api_instant(now)
    rules.refresh(after)
    chain = Chain.load(org_id, before["ancestor_ids"])
    rules.roll_up_chain(chain.after, after.get("parent_id"), goal_id, rules.child_entry(after))
    item = _item(org_id, after, _reminder(org_id, after, now, checked_in=True))
    checkin_id = new_id()
    checkin = {
        **keys.checkin_key(org_id, goal_id, now, checkin_id),
        "type": "checkin",
        "id": checkin_id,
        "goal_id": goal_id,
        "author_id": principal.user_id,
        "created_at": clock.api_instant(now),
        "note": request.note,
        "value": request.value,
        "previous_value": previous,
        "status": request.status,
        "progress": item["progress"],
    }
    checkin = {k: v for k, v in checkin.items() if v is not None}
    changes = activity.changed_fields(
        {
            "progress": before["progress"],
            "status": before["status"],
            "value": previous,
            "progress_mode": before["progress_mode"],
        },
        {
            "progress": item["progress"],
            "status": item["status"],
            "value": item["metric"]["current"],
            "progress_mode": item["progress_mode"],
        },
    )
    repository.write(
        [
            transactions.put_new(checkin),
            repository.update_goal_op(before, item, _moved),
            activity.record(
                org_id=org_id,
                entity_id=goal_id,
                entity_kind="goal",
                actor_id=principal.user_id,
                action="checked_in",
                at=now,
                changes=changes,
                summary=f"check-in: {request.status}",
            ),
            *chain.ops(org_id, now, item),
        ]
    )
    return checkin
