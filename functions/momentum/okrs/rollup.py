"""Rolling a goal's change up its alignment chain without conflicts (SPEC §1).

A goal's own change (check-in, edit, move, close, delete) is one transaction on the goal
alone, conditioned on its version and on `rollup_seq`, which it bumps. Then `settle`
climbs the chain, one level at a time, with single-item writes that never conflict:

1. the parent's entry for the child is set to the child's state as of its seq, unless a
   later state is there already (that writer carries ours too: stop). The entry before
   tells exactly what the parent had counted for the child;
2. the difference is ADDed to the parent's aggregates (DynamoDB adds decimals exactly,
   in any order), which bumps the parent's seq and answers the parent as it is now;
3. if the parent's progress or status moved, it is stored (conditioned on that seq: a
   later ADD stores its own), a history point and a "rolled up" entry recorded, and the
   parent's change climbs on from step 1.

Concurrent check-ins under one objective therefore all succeed, and the last writer of
every level leaves it equal to a from-scratch recomputation. The cost is O(depth) single
writes, whatever the number of children. A process that dies between steps 1 and 2
leaves that parent off by one child's change (documented in docs/decisions.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from momentum.core import clock
from momentum.okrs import history, repository, rollup_items, rules
from momentum.store import activity, transactions
from momentum.store.codec import Item

# Levels a climb follows at most: far above MAX_DEPTH, it only guards against a loop that
# two concurrent moves could in theory make.
WALK_LIMIT = 4 * rules.MAX_DEPTH
# A removed child's entry is kept this long, so a late write of an older state of that
# child (still climbing when it moved) finds it and stops.
TOMBSTONE_DAYS = 7


def bumped(before: Item | None, after: Item) -> None:
    """Mark `after` as the next state of the goal its parent must hear of."""
    after[rules.SEQ] = int((before or {}).get(rules.SEQ) or 0) + 1


def settle(
    org_id: str,
    goal: Item,
    now: datetime,
    *,
    left: str | None = None,
    removed: bool = False,
) -> None:
    """After a goal's own write (its `rollup_seq` included): tell the parent it left
    (`left`), then its current parent (unless `removed`, when it was deleted)."""
    notes: list[transactions.Op] = []
    if left is not None:
        _climb(org_id, goal, left, None, now, notes)
    if goal.get("parent_id") and not removed:
        _climb(org_id, goal, goal["parent_id"], rules.child_entry(goal), now, notes)
    if notes:
        transactions.write(notes)


def _climb(
    org_id: str,
    child: Item,
    parent_id: str,
    entry: Item | None,
    now: datetime,
    notes: list[transactions.Op],
) -> None:
    because = child
    expires = int((now + timedelta(days=TOMBSTONE_DAYS)).timestamp())
    for _ in range(WALK_LIMIT):
        written, old = rollup_items.write_entry(
            org_id, parent_id, child["id"], entry, int(child[rules.SEQ]), expires
        )
        if not written:
            return
        deltas = rules.delta(old, entry)
        if not deltas:
            return
        answer = rollup_items.add_to_aggregates(org_id, parent_id, deltas)
        if answer is None:
            return  # the parent was deleted meanwhile
        parent, before = answer
        shown = rules.effective(parent)
        if (parent.get("progress"), parent.get("status")) != shown and rollup_items.set_rolled_up(
            parent, *shown, clock.api_instant(now)
        ):
            notes += _recorded(org_id, parent, shown, now, because)
        if rules.effective(before) == shown:
            return  # nothing the grandparent counts has moved
        parent["progress"], parent["status"] = shown
        child, entry = parent, rules.child_entry(parent)
        if not parent.get("parent_id"):
            return
        parent_id = parent["parent_id"]


def _recorded(
    org_id: str, parent: Item, shown: tuple[float, str], now: datetime, because: Item
) -> list[transactions.Op]:
    rolled: dict[str, dict[str, Any]] = {
        name: {"before": parent.get(name), "after": value}
        for name, value in zip(("progress", "status"), shown, strict=True)
        if parent.get(name) != value
    }
    return [
        history.point_op(
            org_id, {**parent, "progress": shown[0], "status": shown[1]}, now, "rollup"
        ),
        activity.record(
            org_id=org_id,
            entity_id=parent["id"],
            entity_kind="goal",
            actor_id=None,
            action="rolled_up",
            at=now,
            changes=rolled,
            summary=f"rolled up from {label(because)}",
            subject_id=because["id"],
        ),
    ]


def label(goal: Item) -> str:
    return f"{'key result' if goal['kind'] == 'key_result' else 'objective'} {goal['title']}"


def recomputed(org_id: str, goal_id: str) -> tuple[float, str]:
    """The goal's progress and status computed from scratch: from its subtree's own
    values, read along the children's parent pointers, ignoring every aggregate and
    entry. For checks and benchmarks (it reads the whole subtree)."""
    goal = repository.goal(org_id, goal_id)
    if goal is None:
        raise LookupError(goal_id)
    children = repository.children_of(org_id, goal_id)
    if goal.get("progress_mode") != "rollup" or not children:
        return float(goal.get("own_progress", 0) or 0), str(goal.get("own_status", "not_started"))
    entries = []
    for child in children:
        progress, status = recomputed(org_id, child["id"])
        entries.append({**child, "progress": progress, "status": status})
    return rules.rolled_up(rules.aggregates(rules.summed(entries)))
