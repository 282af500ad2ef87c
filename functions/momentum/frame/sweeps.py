"""The frame every sweep runs in.

A sweep is `fn(now, budget) -> Summary`. `now` comes from the scheduled event, never the
wall clock. Work is found through the due index (store.schema.GSI_DUE): each due entry
is an item whose `due_sk` instant has passed. Processing an entry must clear or re-arm
its due attributes in the same write as the work itself; that is what makes a replay for
the same instant find nothing and change nothing.

The index holds keys only: each page of due entries is read back from the table with a
consistent BatchGetItem, and an entry whose item no longer carries that due key (already
processed, moved by a request, or gone) is passed over, so a lagging index never replays
work. The budget names the shards of the due index this invocation covers (all of them,
or the one a worker was handed: handlers.sweeps fans a run out per shard) and how long it
may work; when the time runs out the summary says `more` and lists the shards left.

One entry never stops the others: if processing it raises, the error is logged with the
entry's ids (never its content), counted as `failed`, and the entry is re-armed later
(FAILURE_BACKOFF, growing with its failures) rather than left due for every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import msgspec
from aws_lambda_powertools import Logger

from momentum.core.clock import key_instant, monotonic
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.keys import due_partition
from momentum.store.schema import DUE_SHARDS

ALL_SHARDS = tuple(range(DUE_SHARDS))

PAGE_SIZE = 100
FAILURE_BACKOFF = (
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),  # and every 6 h after: a defect is fixed by a deploy, not by haste
)
logger = Logger(service="momentum")


class Summary(msgspec.Struct):
    due: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    more: bool = False
    details: dict[str, Any] = msgspec.field(default_factory=dict)
    unfinished_shards: tuple[int, ...] = ()  # when `more`: what a continuation must cover

    def as_dict(self) -> dict[str, Any]:
        return {
            "due": self.due,
            "done": self.done,
            "skipped": self.skipped,
            "failed": self.failed,
            "more": self.more,
            **self.details,
        }


class Budget(msgspec.Struct):
    """This invocation's share of a sweep: which due-index shards, and until when
    (seconds, monotonic clock)."""

    deadline: float | None = None
    shards: tuple[int, ...] = ALL_SHARDS

    @classmethod
    def from_lambda_context(
        cls, context: Any, reserve_seconds: float = 30.0, shards: tuple[int, ...] = ALL_SHARDS
    ) -> Budget:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        if remaining is None:
            return cls(shards=shards)
        return cls(monotonic() + remaining() / 1000 - reserve_seconds, shards)

    def exhausted(self) -> bool:
        return self.deadline is not None and monotonic() >= self.deadline


# Processes one due entry; True = done, False = skipped (e.g. the recipient opted out).
Processor = Callable[[Item, datetime], bool]


def due_upper_bound(now: datetime) -> str:
    """The largest due sort key that is due at `now` (any suffix after the instant)."""
    return key_instant(now) + "#\uffff"


def shards_due(sweep: str, now: datetime, among: tuple[int, ...] = ALL_SHARDS) -> list[int]:
    """The shards (of `among`) holding an entry due at `now`: what a run fans out to."""
    upper = due_upper_bound(now)
    return [k for k in among if table.has_due(due_partition(sweep, k), upper)]


def due_pages(sweep: str, shard: int, now: datetime) -> Iterator[list[Item]]:
    """Pages of the items due in one shard, oldest first, each read as it is now.

    An item is yielded only while it still carries the due key the index listed it under.
    """
    pages = table.due_items(due_partition(sweep, shard), due_upper_bound(now), page_size=PAGE_SIZE)
    for page in pages:
        listed = [(str(e["due_pk"]), str(e["due_sk"])) for e in page.items]
        wanted = [{"pk": e["pk"], "sk": e["sk"]} for e in page.items]
        current = {
            (str(i.get("due_pk")), str(i.get("due_sk"))): i
            for i in table.batch_get(wanted, consistent=True)
        }
        yield [current[entry] for entry in listed if entry in current]


def out_of_time(summary: Summary, budget: Budget, unfinished: tuple[int, ...]) -> bool:
    """If the budget is spent, mark the summary with the shards a continuation must cover."""
    if not budget.exhausted():
        return False
    summary.more = True
    summary.unfinished_shards = unfinished
    return True


def sweep_due(sweep: str, now: datetime, process: Processor, budget: Budget) -> Summary:
    """Run `process` on every entry due for `sweep` at or before `now` in the budget's
    shards, oldest first within a shard."""
    summary = Summary()
    shards = budget.shards
    for position, shard in enumerate(shards):
        for page in due_pages(sweep, shard, now):
            for item in page:
                summary.due += 1
                try:
                    done = process(item, now)
                except Exception:  # one entry's defect or outage must not stop the run
                    entries_failed(sweep, [item], now)
                    summary.failed += 1
                    continue
                if done:
                    summary.done += 1
                else:
                    summary.skipped += 1
            if out_of_time(summary, budget, shards[position:]):
                return summary
    return summary


def entries_failed(sweep: str, entries: list[Item], now: datetime) -> None:
    """Log the failure (ids only) and re-arm each entry later, if it is still the one read.

    Only the instant of `due_sk` changes: its suffix (which some sweeps group by) stays.
    """
    logger.exception(
        "sweep entry failed; backing off",
        extra={"sweep": sweep, "entries": [f"{e['pk']}|{e['sk']}" for e in entries]},
    )
    for entry in entries:
        failures = int(entry.get("due_failures", 0))
        later = now + FAILURE_BACKOFF[min(failures, len(FAILURE_BACKOFF) - 1)]
        read = str(entry["due_sk"])
        # A failed condition means the work already moved the entry (a claim re-armed
        # it): that stands. Any other failure leaves it due, and the next run retries.
        try:
            transactions.write_if(
                transactions.update(
                    {"pk": entry["pk"], "sk": entry["sk"]},
                    "SET due_sk = :later, due_failures = :failures",
                    condition="due_sk = :read",
                    values={
                        ":later": key_instant(later) + read[len(key_instant(now)) :],
                        ":failures": failures + 1,
                        ":read": read,
                    },
                )
            )
        except Exception:  # the entry failed already; its re-arm must not hide that
            logger.warning("failed entry not re-armed", extra={"pk": entry["pk"]})
