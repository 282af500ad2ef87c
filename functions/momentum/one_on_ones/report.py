"""The admin report: per pair of participants and period, meetings held and cancelled,
agenda topics and action items created and completed. It is built from the meeting items
alone (their counters), so no note text is ever read for it."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from momentum.core import clock
from momentum.core.domain_events import DirectoryGroupMembers, ask
from momentum.core.problems import Invalid, NotFound, field_error
from momentum.frame.org import org_item
from momentum.frame.principal import Principal
from momentum.identity import service as identity
from momentum.one_on_ones import repository
from momentum.one_on_ones.access import open_module
from momentum.one_on_ones.models import PairReport, Report

MAX_DAYS = 366
COLUMNS = [
    "user_a_id", "user_a_name", "user_b_id", "user_b_name", "from", "to", "meetings_held",
    "meetings_cancelled", "topics_created", "topics_completed", "action_items_created",
    "action_items_completed",
]  # fmt: skip


def _months(low: datetime, high: datetime) -> list[str]:
    months, cursor = [], date(low.year, low.month, 1)
    while cursor <= high.date():
        months.append(f"{cursor:%Y-%m}")
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


def report(
    principal: Principal, from_date: date, to_date: date, *, group_id: str | None = None
) -> Report:
    open_module(principal)
    principal.require_admin()
    members = _group_members(principal.org_id, group_id)
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
    zone = clock.zone(org_item(principal.org_id).get("time_zone"))
    low = datetime.combine(from_date, time(0), tzinfo=zone).astimezone(clock.UTC)
    high = datetime.combine(to_date + timedelta(days=1), time(0), tzinfo=zone).astimezone(clock.UTC)
    low_key, high_key = clock.key_instant(low), clock.key_instant(high)
    now = clock.now()
    pairs: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month in _months(low, high):
        for meeting in repository.org_meetings_in_month(principal.org_id, month, low_key, high_key):
            if meeting.get("type") != "meeting" or meeting["gsi2sk"] >= high_key:
                continue
            low_id, high_id = sorted(meeting["participant_ids"])
            if members is not None and not {low_id, high_id} & members:
                continue
            counts = pairs[(low_id, high_id)]
            if meeting.get("state") == "cancelled":
                counts["meetings_cancelled"] += 1
            elif clock.parse_instant(meeting["start"]) <= now:
                counts["meetings_held"] += 1
            counts["topics_created"] += int(meeting.get("topics_total") or 0)
            counts["topics_completed"] += int(meeting.get("topics_done") or 0)
            counts["action_items_created"] += int(meeting.get("items_total") or 0)
            counts["action_items_completed"] += int(meeting.get("items_done") or 0)
    ids = sorted({uid for pair in pairs for uid in pair})
    names: dict[str, str] = {}
    for first in range(0, len(ids), 100):
        for uid, user in identity.users_by_id(principal.org_id, ids[first : first + 100]).items():
            names[uid] = str(user.get("name", ""))
    rows = [
        PairReport(
            user_ids=list(pair),
            user_names=[names.get(uid, "") for uid in pair],
            meetings_held=counts["meetings_held"],
            meetings_cancelled=counts["meetings_cancelled"],
            topics_created=counts["topics_created"],
            topics_completed=counts["topics_completed"],
            action_items_created=counts["action_items_created"],
            action_items_completed=counts["action_items_completed"],
        )
        for pair, counts in pairs.items()
    ]
    rows.sort(key=lambda row: ([name.casefold() for name in row.user_names], row.user_ids))
    return Report(from_date=from_date, to_date=to_date, pairs=rows)


def _group_members(org_id: str, group_id: str | None) -> set[str] | None:
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


def as_csv(answer: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in answer.pairs:
        writer.writerow(
            [
                _cell(value)
                for value in (
                    row.user_ids[0],
                    row.user_names[0],
                    row.user_ids[1],
                    row.user_names[1],
                    answer.from_date.isoformat(),
                    answer.to_date.isoformat(),
                    row.meetings_held,
                    row.meetings_cancelled,
                    row.topics_created,
                    row.topics_completed,
                    row.action_items_created,
                    row.action_items_completed,
                )
            ]
        )
    return buffer.getvalue()
