"""How a goal change is retried, and the reminder and index attributes it carries.

A change reads the goal, writes it (with its check-in, tokens, history and activity) in ONE
transaction conditioned on the version and roll-up seq it read, then rolls up the chain
(`rollup.settle`). If the goal was written in between (a concurrent edit, or a child's
roll-up reaching it), the whole use case is retried on fresh reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from momentum.core.problems import Conflict, Problem
from momentum.frame import org as org_cache
from momentum.okrs import cadence, keys, repository
from momentum.store.codec import Item

T = TypeVar("T")
RETRIES = 5


class ChainMoved(Conflict):
    """The goal was written since it was read: recompute and try again."""


def moved() -> Problem:
    return ChainMoved("This goal changed at the same time; try again.")


def retrying(attempt: Callable[[], T]) -> T:
    for _ in range(RETRIES - 1):
        try:
            return attempt()
        except ChainMoved:
            continue
    return attempt()


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
