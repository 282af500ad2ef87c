"""What each exportable report writes, a chunk of CSV rows at a time, resumably.

A source reads through its report's own queries (the 1:1 report's month partitions, the
audit log's month index), never a table scan, and after each chunk says where the rows
after it start (a small JSON cursor). Given the same data and cursor, a source yields the
same rows, so a job cut short and continued writes the same file as one run straight
through. The 1:1 report sums meetings per pair before it has a single row: that tally
is kept in a scratch object whenever the job pauses, and read back to continue.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import msgspec

from momentum.audit import export as audit_export
from momentum.audit import service as audit
from momentum.coaching import listing as engagements_listing
from momentum.coaching.models import ReportRow
from momentum.core import clock
from momentum.core.membership import is_active
from momentum.core.problems import Forbidden
from momentum.frame.principal import principal_from_item
from momentum.frame.sweeps import Budget
from momentum.identity import service as identity
from momentum.one_on_ones import report as one_on_ones_report
from momentum.report_exports import jobs, storage

ROWS_PER_CHUNK = 1000
PAGE_ITEMS: int | None = None  # items per Query; None = DynamoDB's 1 MB pages
Cursor = dict[str, Any] | None


class Chunk(msgspec.Struct):
    rows: list[list[Any]]
    cursor: Cursor  # where the rows after this chunk start


class Context(msgspec.Struct):
    org_id: str
    export_id: str
    filters: dict[str, Any]
    requested_at: str  # the job's "now": what counts as held does not move between runs
    budget: Budget
    requested_by: str  # whose view of the report (engagements) the file is
    reads: int = 0  # items read, for the benchmark's cost per row

    def scratch(self, name: str) -> str:
        return jobs.scratch_key(self.org_id, self.export_id, name)


class Source(msgspec.Struct, frozen=True):
    columns: list[str]
    chunks: Callable[[Context, Cursor], Iterator[Chunk]]
    scratch: tuple[str, ...] = ()  # scratch objects to delete once the file is complete


# --- the 1:1 report ------------------------------------------------------------------------


def _one_on_ones(ctx: Context, cursor: Cursor) -> Iterator[Chunk]:
    span = one_on_ones_report.period(
        ctx.org_id, date.fromisoformat(ctx.filters["from"]), date.fromisoformat(ctx.filters["to"])
    )
    members = one_on_ones_report.group_members(ctx.org_id, ctx.filters.get("group_id"))
    now = clock.key_instant(clock.parse_instant(ctx.requested_at))
    tally_key = ctx.scratch("tally.json")
    position = cursor or {"stage": "tally", "month": 0, "start": None, "saved": False}
    if position["stage"] == "tally":
        pairs = _load_pairs(tally_key) if position["saved"] else {}
        pages = one_on_ones_report.meeting_pages(
            ctx.org_id, span, position["month"], position["start"], limit=PAGE_ITEMS
        )
        for meetings, month, start in pages:
            ctx.reads += len(meetings)
            one_on_ones_report.tally(pairs, meetings, span, members, now)
            if month < len(span.months) and ctx.budget.exhausted():
                _save_pairs(tally_key, pairs, None)
                yield Chunk([], {"stage": "tally", "month": month, "start": start, "saved": True})
        ids = sorted({uid for pair in pairs for uid in pair})
        ctx.reads += len(ids)
        names = one_on_ones_report.names_of(ctx.org_id, ids)
        _save_pairs(tally_key, pairs, names)  # the rows stage continues from this
        offset = 0
    else:
        pairs, names = _load_pairs(tally_key), _load_names(tally_key)
        offset = int(position["offset"])
    rows = one_on_ones_report.pair_rows(pairs, names)
    span_from, span_to = span.from_date, span.to_date
    for first in range(offset, len(rows), ROWS_PER_CHUNK):
        chunk = rows[first : first + ROWS_PER_CHUNK]
        following = first + len(chunk)
        yield Chunk(
            [one_on_ones_report.csv_row(span_from, span_to, row) for row in chunk],
            {"stage": "rows", "offset": following},
        )


def _save_pairs(key: str, pairs: dict[tuple[str, str], dict[str, int]], names: Any) -> None:
    data = {"pairs": [[*pair, counts] for pair, counts in pairs.items()], "names": names}
    storage.put_scratch(key, json.dumps(data, separators=(",", ":")).encode())


def _load_pairs(key: str) -> dict[tuple[str, str], dict[str, int]]:
    data = json.loads(storage.get_scratch(key))
    return {(low, high): counts for low, high, counts in data["pairs"]}


def _load_names(key: str) -> dict[str, str]:
    names: dict[str, str] = json.loads(storage.get_scratch(key))["names"] or {}
    return names


# --- the audit log -------------------------------------------------------------------------


def _audit_log(ctx: Context, cursor: Cursor) -> Iterator[Chunk]:
    query = audit.audit_query(
        ctx.filters.get("from"),
        ctx.filters.get("to") or ctx.requested_at,
        ctx.filters.get("actor_id"),
        ctx.filters.get("entity_kind"),
    )
    position: Cursor = cursor or audit.first_position(query)
    while position is not None:
        items, position = audit.page_at(ctx.org_id, query, ROWS_PER_CHUNK, position)
        ctx.reads += len(items)
        yield Chunk([audit_export.csv_row(item) for item in items], position)


# --- the engagements report ----------------------------------------------------------------


def _engagements(ctx: Context, cursor: Cursor) -> Iterator[Chunk]:
    """As the asker sees them now: their roles are read again for every invocation."""
    item = identity.user_item(ctx.org_id, ctx.requested_by)
    if not is_active(item):
        raise Forbidden("The person who asked for this export no longer has access.")
    principal = principal_from_item(ctx.org_id, item)
    given = ctx.filters
    progress = given.get("progress")
    low, high = given.get("off_track_from"), given.get("off_track_to")
    filters = (
        progress,
        date.fromisoformat(low) if low else None,
        date.fromisoformat(high) if high else None,
    )
    start = (cursor or {}).get("start")
    while True:
        items, start = engagements_listing.report_page(principal, start)
        ctx.reads += len(items)
        rows = engagements_listing.report_rows(principal, items, *filters)
        yield Chunk([engagements_listing.csv_row(row) for row in rows], {"start": start})
        if start is None:
            return


def _audit_columns() -> list[str]:
    return list(audit_export.COLUMNS)


def source_of(report: str) -> Source:
    if report == "one-on-ones":
        return Source(list(one_on_ones_report.COLUMNS), _one_on_ones, scratch=("tally.json",))
    if report == "audit-log":
        return Source(_audit_columns(), _audit_log)
    if report == "engagements":
        return Source(list(ReportRow.model_fields), _engagements)
    raise KeyError(report)
