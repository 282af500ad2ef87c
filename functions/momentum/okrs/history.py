"""A goal's progress over time: one point per check-in or roll-up change (SPEC §7).

Points are items of the goal's own collection (sk HISTORY#instant#id), written by the
same transaction as the check-in or roll-up they record, so recording costs no round
trip. The goal item sorts right before them (GOAL < HISTORY#): the first page is one
Query returning the goal (to decide who may read it) and its oldest points.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from momentum.core import clock, cursors
from momentum.core.ids import is_id, new_id
from momentum.core.problems import NotFound
from momentum.frame.principal import Principal
from momentum.okrs import keys
from momentum.okrs.access import may_view, require_okrs, visible_goal
from momentum.okrs.cycle_models import History, HistoryPoint
from momentum.store import table, transactions
from momentum.store.codec import Item

POINT_FIELDS = ("at", "progress", "status", "confidence", "source")


def point_op(org_id: str, goal: Item, at: datetime, source: str) -> transactions.Op:
    """The point a check-in or roll-up adds to the goal's history (same transaction)."""
    point: dict[str, Any] = {
        **keys.history_key(org_id, goal["id"], at, new_id()),
        "type": "goal_history",
        "at": clock.api_instant(at),
        "progress": goal["progress"],
        "status": goal["status"],
        "source": source,
    }
    if goal.get("confidence"):
        point["confidence"] = goal["confidence"]
    return transactions.put(point)


def changed(before: Item, after: Item) -> bool:
    return before.get("progress") != after.get("progress") or before.get("status") != after.get(
        "status"
    )


def history(principal: Principal, goal_id: str, limit: int, cursor: str | None) -> History:
    """Oldest first, for a chart. The first page is one Query; a later page also re-reads
    the goal, so a goal made private since the first page stops answering."""
    require_okrs(principal)
    if not is_id(goal_id):
        raise NotFound("Goal not found.")
    org_id = principal.org_id
    scope = f"history:{org_id}:{goal_id}"
    partition = keys.goal_partition(org_id, goal_id)
    upper = keys.HISTORY_PREFIX + "\uffff"
    start = cursors.decode(cursor, scope=scope)
    if start is None:
        page = table.query(
            partition, sk_between=(keys.GOAL_SK, upper), limit=limit + 1, consistent=True
        )
        goal = page.items[0] if page.items and page.items[0]["sk"] == keys.GOAL_SK else None
        if goal is None or not may_view(principal, goal):
            raise NotFound("Goal not found.")
        points = page.items[1:]
    else:
        visible_goal(principal, goal_id)
        page = table.query(
            partition,
            sk_between=(keys.HISTORY_PREFIX, upper),
            limit=limit,
            start_key=start,
            consistent=True,
        )
        points = page.items
    return History(
        points=[HistoryPoint.model_validate({k: p.get(k) for k in POINT_FIELDS}) for p in points],
        next_cursor=cursors.encode(page.last_key, scope=scope),
    )
