"""Every call the calendar context makes into the 1:1s context, in one place.

The calendar is the source of truth for linked 1:1s; these are the only ways it changes
them, and each one is a one_on_ones.service function.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from momentum.frame.principal import Principal
from momentum.one_on_ones import service as one_on_ones
from momentum.one_on_ones.models import CreateAnswer, OneOnOneCreate
from momentum.store.codec import Item

# --- create / attach -------------------------------------------------------------------------


def import_event(
    principal: Principal,
    request: OneOnOneCreate,
    *,
    provider: str,
    event_id: str,
    time_zone: str,
) -> CreateAnswer:
    """A series (recurring event) or meeting linked to (provider, event id). The series
    expands its rule in the event's own zone, so its slots match the calendar's across
    DST whatever the importing user's zone is."""
    in_event_zone = msgspec.structs.replace(principal, time_zone=time_zone)
    return one_on_ones.import_from_calendar(
        in_event_zone, request, provider=provider, event_id=event_id
    )


def linked_to(org_id: str, provider: str, event_id: str) -> tuple[str, str] | None:
    return one_on_ones.linked_to(org_id, provider, event_id)


def series_view(principal: Principal, series_id: str) -> CreateAnswer:
    return CreateAnswer(series=one_on_ones.get_series(principal, series_id))


def meeting_view(principal: Principal, meeting_id: str) -> CreateAnswer:
    return CreateAnswer(meeting=one_on_ones.get_meeting(principal, meeting_id))


# --- reads the sync needs ------------------------------------------------------------------


def series(org_id: str, series_id: str) -> Item | None:
    return one_on_ones.series_for_calendar(org_id, series_id)


def series_meetings(org_id: str, series_id: str) -> list[Item]:
    return one_on_ones.series_meetings_for_calendar(org_id, series_id)


def meeting(org_id: str, meeting_id: str) -> Item | None:
    return one_on_ones.meeting_for_calendar(org_id, meeting_id)


def as_calendar_sees(meeting: Item) -> dict[str, Any]:
    """A meeting's title, start and end as the calendar last gave them: a name or time
    changed in Momentum is not a difference the sync should undo."""
    return one_on_ones.as_calendar_sees(meeting)


# --- changes from the calendar ------------------------------------------------------------------


# The sync hands over the meeting it read (`read`), so the 1:1s do not read it again.


def update_meeting(
    org_id: str,
    meeting: Item,
    *,
    title: str,
    start: datetime,
    end: datetime,
    now: datetime,
    event_id: str | None = None,
) -> None:
    one_on_ones.update_meeting_from_calendar(
        org_id, meeting["id"], title=title, start=start, end=end, now=now, event_id=event_id,
        read=meeting,
    )  # fmt: skip


def restore_meeting(
    org_id: str,
    meeting: Item,
    *,
    title: str,
    start: datetime,
    end: datetime,
    now: datetime,
    event_id: str | None = None,
) -> None:
    """A cancelled meeting the calendar has again (a decline taken back)."""
    one_on_ones.restore_meeting_from_calendar(
        org_id, meeting["id"], title=title, start=start, end=end, now=now, event_id=event_id,
        read=meeting,
    )  # fmt: skip


def cancel_meeting(org_id: str, meeting: Item, now: datetime) -> None:
    one_on_ones.cancel_meeting_from_calendar(org_id, meeting["id"], now, read=meeting)


def add_occurrence(
    org_id: str,
    series_id: str,
    *,
    original_start: datetime,
    start: datetime,
    end: datetime,
    title: str,
    now: datetime,
    event_id: str | None = None,
) -> None:
    one_on_ones.extend_series_with_occurrence(
        org_id,
        series_id,
        original_start=original_start,
        start=start,
        end=end,
        now=now,
        title=title,
        event_id=event_id,
    )


def end_recurrence(org_id: str, series_id: str, now: datetime, last_end: datetime | None) -> None:
    one_on_ones.end_series_recurrence(org_id, series_id, now, last_end)


def rename_series(org_id: str, series_id: str, title: str, now: datetime) -> None:
    """The recurring event was renamed: the series (its name and list rows) follows."""
    one_on_ones.rename_series_from_calendar(org_id, series_id, title=title, now=now)


def retime_series(
    org_id: str, series_id: str, start: datetime, end: datetime, now: datetime
) -> None:
    """The recurring event's own time: once it moves, a time given to the series here ends."""
    one_on_ones.retime_series_from_calendar(org_id, series_id, start=start, end=end, now=now)
