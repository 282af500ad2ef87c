"""The time of a calendar-linked series changed in Momentum (seed 001, "From Betterworks").

Its meetings stay keyed by the calendar's occurrences, so the new time is a shift and a
length applied to each future meeting as that meeting's own override (overrides.py), and
kept on the series (`time_shift`) for meetings made later. Each meeting keeps it until the
calendar moves that meeting; the series keeps it until the calendar moves the recurring
event itself, which gives every meeting back to the calendar's time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from momentum.core import clock
from momentum.core.problems import Conflict, Invalid, field_error
from momentum.frame.principal import Principal
from momentum.one_on_ones import overrides, repository, rules
from momentum.one_on_ones.models import SeriesPatch
from momentum.store import activity, transactions
from momentum.store.codec import Item

TIME = ("start", "end")


def _with_time(overridden: list[str] | None, time_too: bool) -> list[str] | None:
    kept = {name for name in overridden or () if name not in TIME} | (
        set(TIME) if time_too else set()
    )
    return [name for name in overrides.EDITABLE if name in kept] or None


def shifted(occurrence: datetime, shift: dict[str, int]) -> tuple[datetime, datetime]:
    start = occurrence + timedelta(seconds=shift["shift_seconds"])
    return start, start + timedelta(seconds=shift["length_seconds"])


def retime(principal: Principal, series: Item, patch: SeriesPatch, now: datetime) -> None:
    """Move the future meetings of a linked series to a new time (its rule stays the
    calendar's): `start` is the new start of the next meeting, the others move alike."""
    if patch.recurrence is not None:
        raise Conflict(
            "The repeat of this series follows its recurring calendar event; change it in "
            "the calendar."
        )
    if patch.start is None:
        raise Invalid(
            "Give the new start with the new end.",
            errors=[field_error("start", "required with end")],
        )
    org_id = principal.org_id
    future = sorted(
        (
            m
            for m in repository.series_meetings(org_id, series["id"])
            if clock.parse_instant(m["start"]) > now
        ),
        key=lambda m: m["occurrence"],
    )
    if not future:
        raise Conflict("This series has no meeting ahead to move.")
    new_start = patch.start.astimezone(UTC)
    if new_start <= now:
        raise Invalid(
            "Series changes apply to future meetings; the new start must be in the future.",
            errors=[field_error("start", "in the past")],
        )
    first = overrides.as_calendar_sees(future[0])
    first_start, first_end = clock.parse_instant(first["start"]), clock.parse_instant(first["end"])
    length = patch.end - patch.start if patch.end is not None else first_end - first_start
    rules.check_meeting_times(new_start, new_start + length, now)
    shift = {
        "shift_seconds": int((new_start - first_start).total_seconds()),
        "length_seconds": int(length.total_seconds()),
    }
    renamed = {"title": patch.title} if patch.title and patch.title != series["title"] else {}
    ops: list[transactions.Op] = []
    for meeting in future:
        seen = overrides.as_calendar_sees(meeting)
        start, end = shifted(clock.parse_instant(seen["start"]), shift)
        wanted = {"start": clock.api_instant(start), "end": clock.api_instant(end), **renamed}
        after = {**meeting, **overrides.by_participant(meeting, wanted)}
        ops += repository.meeting_update_ops(org_id, after, now, rearm_rollover=True)
    series_changes: dict[str, Any] = overrides.by_participant(series, renamed) if renamed else {}
    named = series_changes.get("overridden") if renamed else series.get("overridden")
    series_changes.update(time_shift=shift, overridden=_with_time(named, True))
    audit = {"time": {"before": first["start"], "after": clock.api_instant(new_start)}}
    if renamed:
        audit["title"] = {"before": series["title"], "after": renamed["title"]}
    record = activity.record(
        org_id=org_id,
        entity_id=series["id"],
        entity_kind="series",
        actor_id=principal.user_id,
        action="series_updated",
        at=now,
        changes=audit,
    )
    tail = [*repository.series_change_ops(org_id, series, series_changes), record]
    room = transactions.MAX_TRANSACTION_ITEMS - len(tail)
    while len(ops) > room:
        transactions.write(ops[:room])
        ops = ops[room:]
    transactions.write([*ops, *tail])


def retime_from_calendar(
    org_id: str, series_id: str, *, start: datetime, end: datetime, now: datetime
) -> None:
    """The recurring event's own time, as the calendar gives it on each sync: remembered
    on the first sync after a change made here, and ending that change once it moves."""
    series = repository.series(org_id, series_id)
    if series is None or not series.get("time_shift"):
        return
    seen = dict(series.get("calendar_seen") or {})
    incoming = {"start": clock.api_instant(start), "end": clock.api_instant(end)}
    if all(seen.get(name) == incoming[name] for name in TIME):
        return
    changes: dict[str, Any]
    if not all(name in seen for name in TIME):
        changes = {"calendar_seen": {**seen, **incoming}}
    else:
        kept = {name: value for name, value in seen.items() if name not in TIME}
        changes = {
            "time_shift": None,
            "overridden": _with_time(series.get("overridden"), False),
            "calendar_seen": kept or None,
        }
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
                changes=activity.changed_fields(
                    {"time_shift": series.get("time_shift")},
                    {"time_shift": changes.get("time_shift", series.get("time_shift"))},
                ),
            ),
        ]
    )
