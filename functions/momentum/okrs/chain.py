"""The alignment chain every goal change recomputes, and how such a change is retried.

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
from typing import TypeVar

from momentum.core import clock
from momentum.core.problems import Conflict, Problem
from momentum.frame import org as org_cache
from momentum.okrs import cadence, history, keys, repository
from momentum.store import activity, transactions
from momentum.store.codec import Item

T = TypeVar("T")
RETRIES = 3


class ChainMoved(Conflict):
    """A goal of the chain was written since it was read: recompute and try again."""


def moved() -> Problem:
    return ChainMoved("Goals of this alignment chain changed at the same time; try again.")


def stale() -> Problem:
    return Conflict("This goal changed since you read it; reload and try again.")


def retrying(attempt: Callable[[], T]) -> T:
    for _ in range(RETRIES - 1):
        try:
            return attempt()
        except ChainMoved:
            continue
    return attempt()


def label(goal: Item) -> str:
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
        """Writes for every ancestor that changed, with a "rolled up from" entry each and,
        where progress or status moved, a point in its history."""
        ops: list[transactions.Op] = []
        for goal_id, after in self.after.items():
            before = self.before[goal_id]
            if after == before:
                continue
            after["updated_at"] = clock.api_instant(now)
            ops.append(repository.update_goal_op(before, after, moved))
            rolled = {
                k: {"before": before.get(k), "after": after[k]}
                for k in ("progress", "status")
                if before.get(k) != after[k]
            }
            if rolled:
                ops.append(history.point_op(org_id, after, now, "rollup"))
            if rolled or set(before.get("children") or {}) != set(after["children"]):
                ops.append(
                    activity.record(
                        org_id=org_id,
                        entity_id=goal_id,
                        entity_kind="goal",
                        actor_id=None,
                        action="rolled_up",
                        at=now,
                        changes=rolled,
                        summary=f"rolled up from {label(because)}",
                        subject_id=because["id"],
                    )
                )
        return ops


def goal_with_due(org_id: str, body: Item, due: dict[str, str] | None) -> Item:
    return repository.goal_item(org_id, body, None if body.get("closed") else due)


def reminder(org_id: str, goal: Item, now: datetime, *, checked_in: bool) -> dict[str, str]:
    """When the reminder sweep should next look at this goal."""
    rhythm = cadence.Cadence.of_org(org_cache.org_item(org_id))
    zone = goal.get("owner_time_zone")
    at = (
        cadence.reminder_after_checkin(now, rhythm, zone)
        if checked_in
        else cadence.next_reminder(now, rhythm, zone)
    )
    return keys.reminder_due(org_id, goal["owner_id"], goal["id"], at)


def current_due(goal: Item) -> dict[str, str] | None:
    return {"due_pk": goal["due_pk"], "due_sk": goal["due_sk"]} if "due_sk" in goal else None
