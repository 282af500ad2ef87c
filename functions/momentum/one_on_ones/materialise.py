"""Series meetings exist ahead of time: HORIZON (8 weeks) or MIN_AHEAD meetings, whichever
is more. Creating a series materialises them; the meeting-horizon sweep extends them as
time passes. A conditional write on the series' `materialised_through` makes two
extensions of the same series (a sweep replay and a request) never both write."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from momentum.core.clock import api_instant, key_instant, parse_instant
from momentum.core.ids import new_id
from momentum.one_on_ones import carry, keys, linked_series, overrides, repository, rules
from momentum.store import transactions
from momentum.store.codec import Item


def new_meeting(
    *,
    owner_id: str,
    other_id: str,
    title: str,
    start: datetime,
    end: datetime,
    now: datetime,
    series_id: str | None = None,
    calendar: dict[str, Any] | None = None,
) -> Item:
    """A meeting record (what the MEETING item and both participant entries are built from)."""
    return {
        "id": new_id(),
        "series_id": series_id,
        "title": title,
        "start": api_instant(start),
        "end": api_instant(end),
        "owner_id": owner_id,
        "participant_ids": [owner_id, other_id],
        "state": "scheduled",
        "archived": False,
        "occurrence": key_instant(start) if series_id else None,
        "calendar": calendar,
        "created_at": api_instant(now),
    }


def series_meeting(series: Item, occurrence: datetime, now: datetime) -> Item:
    duration = parse_instant(series["first_end"]) - parse_instant(series["first_start"])
    link = series.get("calendar")
    calendar = None
    if link:
        calendar = {
            "provider": link["provider"],
            "event_id": link["event_id"],
            "original_start": api_instant(occurrence),
        }
    owner, other = series["participant_ids"]
    meeting = new_meeting(
        owner_id=owner,
        other_id=other,
        title=series["title"],
        start=occurrence,
        end=occurrence + duration,
        now=now,
        series_id=series["id"],
        calendar=calendar,
    )
    # A linked series renamed or retimed in Momentum: its new meetings carry the change as
    # their own override, so the calendar's unchanged name and time do not undo it.
    changes: dict[str, Any] = {}
    seen = series.get("calendar_seen") or {}
    if "title" in (series.get("overridden") or ()) and "title" in seen:
        changes["title"] = series["title"]
        meeting["title"] = seen["title"]
    if series.get("time_shift"):
        start, end = linked_series.shifted(occurrence, series["time_shift"])
        changes.update(start=api_instant(start), end=api_instant(end))
    if changes:
        meeting.update(overrides.by_participant(meeting, changes))
    return meeting


def _still_growing(series: Item) -> bool:
    return not series.get("archived") and not (series.get("calendar") or {}).get("ended")


def extend(
    org_id: str,
    series: Item,
    now: datetime,
    *,
    read_due_sk: str | None = None,
    made: list[Item] | None = None,
) -> Item:
    """Materialise what the horizon asks for, chunk by chunk; returns the series as written
    (and appends the new meetings to `made`). With `read_due_sk` (a sweep), nothing is
    written unless the due entry is still that one."""
    first_round = True
    while True:
        plan = rules.Extension()
        if _still_growing(series):
            through = series.get("materialised_through")
            plan = rules.plan_extension(
                repository.recurrence_of(series), parse_instant(through) if through else None, now
            )
        meetings = [series_meeting(series, start, now) for start in plan.starts]
        look_again = now + timedelta(minutes=1) if plan.more else plan.look_again_at
        due = repository.horizon_due(org_id, series["id"], look_again)
        unchanged = series.get("due_sk") == due["due_sk"]
        if not meetings and unchanged and not (first_round and read_due_sk):
            return series
        old_through = series.get("materialised_through")
        changes: dict[str, Any] = {**due}
        if meetings:
            changes["materialised_through"] = meetings[-1]["occurrence"]
        conditions = ["attribute_exists(pk)"]
        values: dict[str, Any] = {}
        if old_through:
            conditions.append("materialised_through = :through")
            values[":through"] = old_through
        else:
            conditions.append("attribute_not_exists(materialised_through)")
        if first_round and read_due_sk:
            conditions.append("due_sk = :read")
            values[":read"] = read_due_sk
        ops = [
            repository.set_attributes(
                keys.series_key(org_id, series["id"]),
                {name: value for name, value in changes.items() if value is not None},
                [name for name, value in changes.items() if value is None],
                condition=" AND ".join(conditions),
                condition_values=values,
            )
        ]
        for meeting in meetings:
            ops += repository.new_meeting_ops(org_id, meeting, now)
        transactions.write(ops)
        series = {**series, **changes}
        if made is not None:
            made += meetings
        first_round = False
        if meetings:
            _release_waiting(org_id, series, meetings, now)
        if not plan.more:
            return series


def _release_waiting(org_id: str, series: Item, meetings: list[Item], now: datetime) -> None:
    current = repository.series(org_id, series["id"])
    if current is None:
        return
    target = repository.meeting(org_id, meetings[0]["id"])
    if target is not None:
        carry.release_waiting(org_id, current, target, now)
