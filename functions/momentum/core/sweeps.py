"""The frame every sweep runs in.

A sweep is `fn(now, budget) -> Summary`. `now` comes from the scheduled event, never the
wall clock. Work is found through the due index (store.schema.GSI_DUE): each due entry
is an item whose `due_sk` instant has passed. Processing an entry must clear or re-arm
its due attributes in the same write as the work itself; that is what makes a replay for
the same instant find nothing and change nothing. When the budget (the invocation's
remaining time) runs out, the summary says `more` and the handler continues the sweep
through SQS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from momentum.core.clock import key_instant, monotonic
from momentum.store import table
from momentum.store.codec import Item
from momentum.store.keys import due_partition
from momentum.store.schema import DUE_SHARDS

PAGE_SIZE = 100


@dataclass
class Summary:
    due: int = 0
    done: int = 0
    skipped: int = 0
    more: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "due": self.due,
            "done": self.done,
            "skipped": self.skipped,
            "more": self.more,
            **self.details,
        }


@dataclass
class Budget:
    """How long this invocation may keep working (seconds, monotonic clock)."""

    deadline: float | None = None

    @classmethod
    def from_lambda_context(cls, context: Any, reserve_seconds: float = 30.0) -> Budget:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        if remaining is None:
            return cls()
        return cls(monotonic() + remaining() / 1000 - reserve_seconds)

    def exhausted(self) -> bool:
        return self.deadline is not None and monotonic() >= self.deadline


# Processes one due entry; True = done, False = skipped (e.g. the recipient opted out).
Processor = Callable[[Item, datetime], bool]


def sweep_due(sweep: str, now: datetime, process: Processor, budget: Budget) -> Summary:
    """Run `process` on every entry due for `sweep` at or before `now`, oldest first."""
    summary = Summary()
    upper = key_instant(now) + "#\uffff"
    for shard in range(DUE_SHARDS):
        for page in table.due_items(due_partition(sweep, shard), upper, page_size=PAGE_SIZE):
            for item in page.items:
                summary.due += 1
                if process(item, now):
                    summary.done += 1
                else:
                    summary.skipped += 1
            if budget.exhausted():
                summary.more = True
                return summary
    return summary
