"""Check-in reminder periods and instants, in the owner's time zone. Pure: no I/O, no clock.

A cadence divides time into periods: weekly = Monday-to-Sunday weeks, biweekly = two-week
blocks from Monday 1970-01-05, monthly = calendar months. Each period has one reminder
instant: the first of the org's weekday in the period, at the org's hour, in the
owner's zone. A goal is reminded about at that instant if it has no check-in since the
period began; the period's first day is the reminder's occurrence (exactly once).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec

from momentum.core.clock import zone

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
BIWEEKLY_ANCHOR = date(1970, 1, 5)  # a Monday


class Cadence(msgspec.Struct, frozen=True):
    every: str = "weekly"  # weekly | biweekly | monthly
    weekday: str = "monday"
    hour: int = 9

    @classmethod
    def of_org(cls, org_item: dict[str, Any]) -> Cadence:
        settings = org_item.get("checkin_reminders") or {}
        return cls(
            every=settings.get("cadence", "weekly"),
            weekday=settings.get("weekday", "monday"),
            hour=int(settings.get("hour", 9)),
        )


def period_start(day: date, every: str) -> date:
    if every == "monthly":
        return day.replace(day=1)
    if every == "biweekly":
        return BIWEEKLY_ANCHOR + timedelta(days=(day - BIWEEKLY_ANCHOR).days // 14 * 14)
    return day - timedelta(days=day.weekday())


def next_period_start(start: date, every: str) -> date:
    if every == "monthly":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=14 if every == "biweekly" else 7)


def _local(day: date, hour: int, time_zone: str | None) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone(time_zone)).astimezone(UTC)


def start_instant(start: date, time_zone: str | None) -> datetime:
    """The UTC instant a period begins (midnight in the owner's zone)."""
    return _local(start, 0, time_zone)


def reminder_instant(start: date, cadence: Cadence, time_zone: str | None) -> datetime:
    """The period's reminder: its first `weekday`, at `hour`, in the owner's zone."""
    offset = (WEEKDAYS.index(cadence.weekday) - start.weekday()) % 7
    return _local(start + timedelta(days=offset), cadence.hour, time_zone)


def current_period(moment: datetime, cadence: Cadence, time_zone: str | None) -> date:
    return period_start(moment.astimezone(zone(time_zone)).date(), cadence.every)


def next_reminder(after: datetime, cadence: Cadence, time_zone: str | None) -> datetime:
    """The first reminder instant strictly after `after`."""
    start = current_period(after, cadence, time_zone)
    for _ in range(3):
        instant = reminder_instant(start, cadence, time_zone)
        if instant > after:
            return instant
        start = next_period_start(start, cadence.every)
    return reminder_instant(start, cadence, time_zone)


def one_period_before(moment: datetime, every: str) -> datetime:
    """The instant one cadence length before `moment` (a month back for monthly): a
    check-in since then is recent enough that its owner is not reminded of it."""
    if every == "monthly":
        index = moment.year * 12 + moment.month - 2
        year, month = index // 12, index % 12 + 1
        last_day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
        return moment.replace(year=year, month=month, day=min(moment.day, last_day))
    return moment - timedelta(days=14 if every == "biweekly" else 7)


def reminder_after_checkin(at: datetime, cadence: Cadence, time_zone: str | None) -> datetime:
    """A check-in covers its whole period: the next reminder is the next period's."""
    following = next_period_start(current_period(at, cadence, time_zone), cadence.every)
    return reminder_instant(following, cadence, time_zone)
