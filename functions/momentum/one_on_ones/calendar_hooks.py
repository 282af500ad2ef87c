"""What the calendar context changes in linked 1:1s (reached through one_on_ones.service).

The calendar is the source of truth, except for a name, date or time a participant changed
in Momentum: that holds until the calendar changes the same field (overrides.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from momentum.core import clock
from momentum.one_on_ones import (
    carry,
    linked_series,
    materialise,
    meetings,
    overrides,
    repository,
)
from momentum.one_on_ones.series import end_recurrence
from momentum.store import activity, transactions
from momentum.store.codec import Item


def _incoming(title: str, start: datetime, end: datetime) -> dict[str, Any]:
    return {"title": title, "start": clock.api_instant(start), "end": clock.api_instant(end)}


def _follows(meeting: Item, event_id: str | None) -> dict[str, Any]:
    """The meeting's link names the calendar event it follows (a series may follow several)."""
    link = meeting.get("calendar")
    if not event_id or not link or link.get("event_id") == event_id:
        return {}
    return {"calendar": {**link, "event_id": event_id}}


def series_for_calendar(org_id: str, series_id: str) -> Item | None:
    return repository.series(org_id, series_id)


def series_meetings_for_calendar(org_id: str, series_id: str) -> list[Item]:
    return repository.series_meetings(org_id, series_id)


def meeting_for_calendar(org_id: str, meeting_id: str) -> Item | None:
    return repository.meeting(org_id, meeting_id)


def as_calendar_sees(meeting: Item) -> dict[str, Any]:
    """Title, start and end as the calendar last gave them, overrides aside."""
    return overrides.as_calendar_sees(meeting)


def series_meeting_at(org_id: str, series_id: str, original_start: datetime) -> Item | None:
    """The meeting of a series for one occurrence (calendar instances are keyed by it)."""
    wanted = clock.key_instant(original_start)
    for item in repository.series_meetings(org_id, series_id):
        if item.get("occurrence") == wanted:
            return item
    return None


def update_meeting_from_calendar(
    org_id: str,
    meeting_id: str,
    *,
    title: str,
    start: datetime,
    end: datetime,
    now: datetime,
    event_id: str | None = None,
    read: Item | None = None,
) -> Item | None:
    """A renamed or moved calendar event (or instance) updates its 1:1 meeting (`read`:
    the meeting as the caller has just read it, so it is not read twice)."""
    return _follow_event(org_id, meeting_id, title, start, end, now, event_id, read, {})


def restore_meeting_from_calendar(
    org_id: str,
    meeting_id: str,
    *,
    title: str,
    start: datetime,
    end: datetime,
    now: datetime,
    event_id: str | None = None,
    read: Item | None = None,
) -> Item | None:
    """A cancelled meeting the calendar has again (a decline taken back) is scheduled."""
    scheduled = {"state": "scheduled"}
    return _follow_event(org_id, meeting_id, title, start, end, now, event_id, read, scheduled)


def _follow_event(
    org_id: str,
    meeting_id: str,
    title: str,
    start: datetime,
    end: datetime,
    now: datetime,
    event_id: str | None,
    read: Item | None,
    also: dict[str, Any],
) -> Item | None:
    """The meeting takes the event's title and times (unless overridden here) and `also`."""
    meeting = read if read is not None else repository.meeting(org_id, meeting_id)
    if meeting is None:
        return None
    changes = {
        **overrides.from_calendar(meeting, _incoming(title, start, end)),
        **_follows(meeting, event_id),
        **also,
    }
    return meetings.apply_change(org_id, meeting, changes, None, now)


def cancel_meeting_from_calendar(
    org_id: str, meeting_id: str, now: datetime, read: Item | None = None
) -> Item | None:
    """A deleted or declined event marks its meeting cancelled (content kept, carried
    unfinished entries move on). Repeats change nothing."""
    meeting = read if read is not None else repository.meeting(org_id, meeting_id)
    if meeting is None:
        return None
    return meetings.apply_change(org_id, meeting, {"state": "cancelled"}, None, now)


def rename_series_from_calendar(org_id: str, series_id: str, *, title: str, now: datetime) -> None:
    """The recurring event was renamed: the series follows, unless a participant renamed
    it in Momentum and the calendar's name is still the one it had then."""
    series = repository.series(org_id, series_id)
    if series is None:
        return
    changes = overrides.from_calendar(series, {"title": title})
    audit = activity.changed_fields(series, {k: v for k, v in changes.items() if k == "title"})
    if not changes:
        return
    transactions.write(
        [
            *repository.series_change_ops(org_id, series, changes),
            activity.record(
                org_id=org_id,
                entity_id=series_id,
                entity_kind="series",
                actor_id=None,
                action="series_updated",
                at=now,
                changes=audit,
            ),
        ]
    )


def retime_series_from_calendar(
    org_id: str, series_id: str, *, start: datetime, end: datetime, now: datetime
) -> None:
    """The recurring event's time: once it moves, a time given to the series here ends."""
    linked_series.retime_from_calendar(org_id, series_id, start=start, end=end, now=now)


def extend_series_with_occurrence(
    org_id: str,
    series_id: str,
    *,
    original_start: datetime,
    start: datetime,
    end: datetime,
    now: datetime,
    title: str | None = None,
    event_id: str | None = None,
) -> Item | None:
    """Extend a series with one occurrence of the calendar event `event_id` (keyed by its
    original start); one that already has a meeting is updated instead, so repeats
    change nothing."""
    series = repository.series(org_id, series_id)
    if series is None:
        return None
    existing = series_meeting_at(org_id, series_id, original_start)
    if existing is not None:
        return update_meeting_from_calendar(
            org_id,
            existing["id"],
            title=title or existing["title"],
            start=start,
            end=end,
            now=now,
            event_id=event_id,
        )
    meeting = materialise.series_meeting(series, original_start, now)
    incoming = _incoming(title or meeting["title"], start, end)
    meeting.update(overrides.from_calendar(meeting, incoming))
    meeting.update(_follows(meeting, event_id))
    transactions.write(repository.new_meeting_ops(org_id, meeting, now))
    target = repository.meeting(org_id, meeting["id"])
    if target is not None:
        carry.release_waiting(org_id, series, target, now)
    return target


def end_series_recurrence(
    org_id: str, series_id: str, now: datetime, last_end: datetime | None = None
) -> Item | None:
    return end_recurrence(org_id, series_id, now, last_end)
