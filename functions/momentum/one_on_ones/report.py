"""The admin report: per pair of participants and period, meetings held and cancelled,
agenda topics and action items created and completed. It is built from the meeting items
alone (their counters), so no note text is ever read for it.

Inline answers read at most `bound.MAX_INLINE_MEETINGS` meetings; a larger report is an
export (momentum.report_exports), which tallies the same pages with the same `tally`
and writes the same CSV rows (`csv_row`), page by page across invocations."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import msgspec

from momentum.core import clock
from momentum.core.domain_events import DirectoryGroupMembers, ask
from momentum.core.problems import Invalid, NotFound, field_error
from momentum.frame.org import org_item
from momentum.frame.principal import Principal
from momentum.frame.report_bound import MAX_INLINE_MEETINGS, ExportInstead
from momentum.identity import service as identity
from momentum.one_on_ones import repository
from momentum.one_on_ones.access import open_module
from momentum.one_on_ones.models import PairReport, Report
from momentum.store.codec import Item

MAX_DAYS = 366
COUNTERS = (
    "meetings_held", "meetings_cancelled", "topics_created", "topics_completed",
    "action_items_created", "action_items_completed",
)  # fmt: skip
COLUMNS = ["user_a_id", "user_a_name", "user_b_id", "user_b_name", "from", "to", *COUNTERS]
Pairs = dict[tuple[str, str], dict[str, int]]


class Period(msgspec.Struct, frozen=True):
    from_date: date
    to_date: date
    low_key: str  # the first instant, in the org's zone, as a sort key
    high_key: str  # the instant after the last day
    months: tuple[str, ...]  # the index partitions (UTC months) the period touches


def _months(low: datetime, high: datetime) -> list[str]:
    months, cursor = [], date(low.year, low.month, 1)
    while cursor <= high.date():
        months.append(f"{cursor:%Y-%m}")
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


def period(org_id: str, from_date: date, to_date: date) -> Period:
    if not (2000 <= from_date.year <= 2100 and 2000 <= to_date.year <= 2100):
        raise Invalid(
            "The period must lie between the years 2000 and 2100.",
            errors=[field_error("from", "out of range")],
        )
    if to_date < from_date or (to_date - from_date).days >= MAX_DAYS:
        raise Invalid(
            "The period runs from `from` to `to` (inclusive), at most a year.",
            errors=[field_error("to", "must be on or after from, within 366 days")],
        )
    zone = clock.zone(org_item(org_id).get("time_zone"))
    low = datetime.combine(from_date, time(0), tzinfo=zone).astimezone(clock.UTC)
    high = datetime.combine(to_date + timedelta(days=1), time(0), tzinfo=zone).astimezone(clock.UTC)
    return Period(
        from_date,
        to_date,
        clock.key_instant(low),
        clock.key_instant(high),
        tuple(_months(low, high)),
    )


def check(
    principal: Principal, from_date: date, to_date: date, group_id: str | None
) -> tuple[Period, set[str] | None]:
    """Who may ask and what: an admin, with the module on, a valid period and group
    (answered with the group's members, or None for the whole org)."""
    open_module(principal)
    principal.require_admin()
    members = group_members(principal.org_id, group_id)
    return period(principal.org_id, from_date, to_date), members


def meeting_pages(
    org_id: str,
    span: Period,
    month_index: int = 0,
    start: dict[str, Any] | None = None,
    *,
    limit: int | None = None,
) -> Iterator[tuple[list[Item], int, dict[str, Any] | None]]:
    """The period's meetings a page (one Query) at a time, with where the next page starts
    (month index and start key); the month index reaches len(months) at the end."""
    while month_index < len(span.months):
        page = repository.org_meetings_page(
            org_id, span.months[month_index], span.low_key, span.high_key, start, limit
        )
        start = page.last_key
        if start is None:
            month_index += 1
        yield page.items, month_index, start


def tally(
    pairs: Pairs, meetings: list[Item], span: Period, members: set[str] | None, now: str
) -> None:
    """Add meetings to the per-pair counters (`now` as a key instant: held means started)."""
    for meeting in meetings:
        if meeting.get("type") != "meeting" or meeting["gsi2sk"] >= span.high_key:
            continue
        low_id, high_id = sorted(meeting["participant_ids"])
        if members is not None and not {low_id, high_id} & members:
            continue
        counts = pairs.setdefault((low_id, high_id), dict.fromkeys(COUNTERS, 0))
        if meeting.get("state") == "cancelled":
            counts["meetings_cancelled"] += 1
        elif clock.key_instant(clock.parse_instant(meeting["start"])) <= now:
            counts["meetings_held"] += 1
        counts["topics_created"] += int(meeting.get("topics_total") or 0)
        counts["topics_completed"] += int(meeting.get("topics_done") or 0)
        counts["action_items_created"] += int(meeting.get("items_total") or 0)
        counts["action_items_completed"] += int(meeting.get("items_done") or 0)


def names_of(org_id: str, user_ids: list[str]) -> dict[str, str]:
    """Display names, one round trip per 100 people."""
    names: dict[str, str] = {}
    for first in range(0, len(user_ids), 100):
        found = identity.users_by_id(org_id, user_ids[first : first + 100])
        names.update({uid: str(user.get("name", "")) for uid, user in found.items()})
    return names


def pair_rows(pairs: Pairs, names: dict[str, str]) -> list[PairReport]:
    rows = [
        PairReport(user_ids=list(pair), user_names=[names.get(uid, "") for uid in pair], **counts)
        for pair, counts in pairs.items()
    ]
    rows.sort(key=lambda row: ([name.casefold() for name in row.user_names], row.user_ids))
    return rows


def report(
    principal: Principal, from_date: date, to_date: date, *, group_id: str | None = None
) -> Report:
    span, members = check(principal, from_date, to_date, group_id)
    pairs: Pairs = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    now, read = clock.key_instant(clock.now()), 0
    for meetings, _, _ in meeting_pages(principal.org_id, span):
        read += len(meetings)
        if read > MAX_INLINE_MEETINGS:
            raise ExportInstead(
                "meetings", MAX_INLINE_MEETINGS, export_request(from_date, to_date, group_id)
            )
        tally(pairs, meetings, span, members, now)
    names = names_of(principal.org_id, sorted({uid for pair in pairs for uid in pair}))
    return Report(from_date=from_date, to_date=to_date, pairs=pair_rows(pairs, names))


def export_request(from_date: date, to_date: date, group_id: str | None) -> dict[str, Any]:
    """The export request body that produces this report as a file."""
    body: dict[str, Any] = {
        "report": "one-on-ones",
        "from": from_date.isoformat(),
        "to": to_date.isoformat(),
    }
    return {**body, "group_id": group_id} if group_id else body


def group_members(org_id: str, group_id: str | None) -> set[str] | None:
    """A directory group's members (the group an identity provider pushed), or None."""
    if group_id is None:
        return None
    answers = ask(DirectoryGroupMembers(org_id, group_id))  # SCIM answers (wiring.py)
    members: set[str] | None = answers[0] if answers else None
    if members is None:
        raise NotFound("Directory group not found.")
    return members


def _cell(value: Any) -> Any:
    """Spreadsheet-safe: a text cell starting with = + - @ is not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_row(from_date: date, to_date: date, row: PairReport) -> list[Any]:
    values = (
        row.user_ids[0],
        row.user_names[0],
        row.user_ids[1],
        row.user_names[1],
        from_date.isoformat(),
        to_date.isoformat(),
        *(getattr(row, name) for name in COUNTERS),
    )
    return [_cell(value) for value in values]


def as_csv(answer: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in answer.pairs:
        writer.writerow(csv_row(answer.from_date, answer.to_date, row))
    return buffer.getvalue()
