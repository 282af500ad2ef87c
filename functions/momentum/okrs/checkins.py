"""Checking in on a goal: its new value, status and history in one transaction on the
goal alone, then rolled up the chain by conflict-free ADDs (see `rollup`)."""

from __future__ import annotations

import copy

from momentum.core import clock
from momentum.core.ids import new_id
from momentum.core.problems import Conflict
from momentum.frame.principal import Principal
from momentum.okrs import chain, history, keys, repository, rollup, rules
from momentum.okrs.access import editable_goal, require_okrs
from momentum.okrs.models import CheckInCreate
from momentum.store import activity, transactions
from momentum.store.codec import Item


def check_in(principal: Principal, goal_id: str, request: CheckInCreate) -> Item:
    require_okrs(principal)
    return chain.retrying(lambda: _check_in(principal, goal_id, request))


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
    if request.confidence is not None:
        after["confidence"] = request.confidence
    now = clock.now()
    after["last_checkin_at"] = clock.key_instant(now)
    after["updated_at"] = clock.api_instant(now)
    rules.refresh(after)
    climbs = rules.shown_upward(before, after)
    if climbs:
        rollup.bumped(before, after)
    item = chain.goal_with_due(org_id, after, chain.reminder(org_id, after, now, checked_in=True))
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
        "confidence": request.confidence,
        "progress": item["progress"],
    }
    checkin = {k: v for k, v in checkin.items() if v is not None}
    changes = activity.changed_fields(
        {
            "progress": before["progress"],
            "status": before["status"],
            "value": previous,
            "progress_mode": before["progress_mode"],
            "confidence": before.get("confidence"),
        },
        {
            "progress": item["progress"],
            "status": item["status"],
            "value": item["metric"]["current"],
            "progress_mode": item["progress_mode"],
            "confidence": item.get("confidence"),
        },
    )
    repository.write(
        [
            transactions.put_new(checkin),
            repository.update_goal_op(before, item, chain.moved),
            history.point_op(org_id, item, now, "check_in"),
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
        ]
    )
    if climbs:
        rollup.settle(org_id, item, now)
    return checkin
