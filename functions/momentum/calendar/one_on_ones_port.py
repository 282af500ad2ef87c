"""Every call the calendar context makes into the 1:1s context, in one place.

The calendar is the source of truth for linked 1:1s; these are the only ways it changes
them. Functions marked PENDING are not (yet) exposed by one_on_ones.service: they use the
service function of that name when it exists and otherwise fall back to the 1:1s
modules directly, so the seam stays working while the lead reconciles it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

from momentum.core.principal import Principal
from momentum.one_on_ones import service as one_on_ones
from momentum.one_on_ones.models import CreateAnswer, OneOnOneCreate
from momentum.store.codec import Item


def _service(name: str) -> Callable[..., Any] | None:
    found = getattr(one_on_ones, name, None)
    return found if callable(found) else None


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
    in_event_zone = dataclasses.replace(principal, time_zone=time_zone)
    return one_on_ones.import_from_calendar(
        in_event_zone, request, provider=provider, event_id=event_id
    )


def linked_to(org_id: str, provider: str, event_id: str) -> tuple[str, str] | None:
    return one_on_ones.linked_to(org_id, provider, event_id)


def series_view(principal: Principal, series_id: str) -> CreateAnswer:
    return CreateAnswer(series=one_on_ones.get_series(principal, series_id))


def meeting_view(principal: Principal, meeting_id: str) -> CreateAnswer:
    return CreateAnswer(meeting=one_on_ones.get_meeting(principal, meeting_id))


# --- reads the sync needs (PENDING: series_for_calendar, series_meetings_for_calendar,
# meeting_for_calendar) -------------------------------------------------------------------


def series(org_id: str, series_id: str) -> Item | None:
    expected = _service("series_for_calendar")
    if expected:
        found: Item | None = expected(org_id, series_id)
        return found
    from momentum.one_on_ones import repository

    return repository.series(org_id, series_id)


def series_meetings(org_id: str, series_id: str) -> list[Item]:
    expected = _service("series_meetings_for_calendar")
    if expected:
        found: list[Item] = expected(org_id, series_id)
        return found
    from momentum.one_on_ones import repository

    return repository.series_meetings(org_id, series_id)


def meeting(org_id: str, meeting_id: str) -> Item | None:
    expected = _service("meeting_for_calendar")
    if expected:
        found: Item | None = expected(org_id, meeting_id)
        return found
    from momentum.one_on_ones import repository

    return repository.meeting(org_id, meeting_id)


# --- changes from the calendar ------------------------------------------------------------------


def update_meeting(
    org_id: str, meeting_id: str, *, title: str, start: datetime, end: datetime, now: datetime
) -> None:
    one_on_ones.update_meeting_from_calendar(
        org_id, meeting_id, title=title, start=start, end=end, now=now
    )


def restore_meeting(
    org_id: str, meeting_id: str, *, title: str, start: datetime, end: datetime, now: datetime
) -> None:
    """A cancelled meeting the calendar has again (a decline taken back). PENDING:
    one_on_ones.service.restore_meeting_from_calendar."""
    expected = _service("restore_meeting_from_calendar")
    if expected:
        expected(org_id, meeting_id, title=title, start=start, end=end, now=now)
        return
    from momentum.core.clock import api_instant
    from momentum.one_on_ones import meetings, repository

    current = repository.meeting(org_id, meeting_id)
    if current is None:
        return
    changes = {
        "state": "scheduled",
        "title": title,
        "start": api_instant(start),
        "end": api_instant(end),
    }
    meetings.apply_change(org_id, current, changes, None, now)


def cancel_meeting(org_id: str, meeting_id: str, now: datetime) -> None:
    one_on_ones.cancel_meeting_from_calendar(org_id, meeting_id, now)


def add_occurrence(
    org_id: str,
    series_id: str,
    *,
    original_start: datetime,
    start: datetime,
    end: datetime,
    title: str,
    now: datetime,
) -> None:
    one_on_ones.extend_series_with_occurrence(
        org_id,
        series_id,
        original_start=original_start,
        start=start,
        end=end,
        now=now,
        title=title,
    )


def end_recurrence(org_id: str, series_id: str, now: datetime, last_end: datetime | None) -> None:
    one_on_ones.end_series_recurrence(org_id, series_id, now, last_end)


def rename_series(org_id: str, series_id: str, title: str, now: datetime) -> bool:
    """The recurring event was renamed: the series (its list row) follows. PENDING:
    one_on_ones.service.rename_series_from_calendar; until it exists only the meetings
    are renamed (returns False)."""
    expected = _service("rename_series_from_calendar")
    if expected:
        expected(org_id, series_id, title=title, now=now)
        return True
    return False
