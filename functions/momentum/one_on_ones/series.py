"""Changing a series: name, time and rule of its future meetings, archive; and the
calendar's hook for a recurring event that ended. (Deleting one: one_on_ones/deleting.py.)"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import islice
from typing import Any

from momentum.core import clock
from momentum.core.problems import Conflict, Invalid, field_error
from momentum.frame.principal import Principal
from momentum.one_on_ones import (
    carry,
    linked_series,
    materialise,
    meetings,
    overrides,
    repository,
    rules,
)
from momentum.one_on_ones.access import series_for
from momentum.one_on_ones.models import SeriesPatch
from momentum.store import activity, transactions
from momentum.store.codec import Item

NOT_ENDED_IN_CALENDAR = (
    "This series follows a recurring calendar event that has not ended; end the recurring "
    "event in the calendar, then archive the series."
)


def _write_in_chunks(ops: list[transactions.Op], last: list[transactions.Op]) -> None:
    """Meeting rewrites in as many transactions as needed; `last` goes with the final one."""
    room = transactions.MAX_TRANSACTION_ITEMS - len(last)
    while len(ops) > room:
        transactions.write(ops[:room])
        ops = ops[room:]
    transactions.write([*ops, *last])


def _future_meetings(org_id: str, series_id: str, now: datetime) -> list[Item]:
    found = repository.series_meetings(org_id, series_id)
    return [item for item in found if clock.parse_instant(item["start"]) > now]


def patch_series(principal: Principal, series_id: str, patch: SeriesPatch) -> None:
    series = series_for(principal, series_id)
    org_id, now = principal.org_id, clock.now()
    if series.get("archived"):
        raise Conflict("An archived series cannot be changed; unarchive it first.")
    retimed = patch.start is not None or patch.end is not None or patch.recurrence is not None
    if retimed and series.get("calendar"):
        linked_series.retime(principal, series, patch, now)
        return
    if not retimed:
        if patch.title is not None and patch.title != series["title"]:
            _rename(org_id, series, patch.title, principal.user_id, now)
        return
    _retime(principal, series, patch, now)


def _titled(item: Item, title: str) -> dict[str, Any]:
    """A new name; on a calendar-linked item it is an override the calendar keeps."""
    changes = {"title": title}
    return overrides.by_participant(item, changes) if item.get("calendar") else changes


def _rename(org_id: str, series: Item, title: str, actor_id: str, now: datetime) -> None:
    ops: list[transactions.Op] = []
    for meeting in _future_meetings(org_id, series["id"], now):
        ops += repository.meeting_update_ops(
            org_id, {**meeting, **_titled(meeting, title)}, now, rearm_rollover=False
        )
    _write_in_chunks(
        ops,
        [
            *repository.series_change_ops(org_id, series, _titled(series, title)),
            activity.record(
                org_id=org_id,
                entity_id=series["id"],
                entity_kind="series",
                actor_id=actor_id,
                action="series_updated",
                at=now,
                changes={"title": {"before": series["title"], "after": title}},
            ),
        ],
    )


def _retime(principal: Principal, series: Item, patch: SeriesPatch, now: datetime) -> None:
    """Future meetings take the new time and rule, in order, keeping their content."""
    org_id = principal.org_id
    if patch.end is not None and patch.start is None:
        raise Invalid(
            "Give the new start with the new end.",
            errors=[field_error("start", "required with end")],
        )
    start = clock.parse_instant(series["first_start"])
    end = clock.parse_instant(series["first_end"])
    if patch.start is not None:
        new_start = patch.start.astimezone(UTC)
        if new_start <= now:
            raise Invalid(
                "Series changes apply to future meetings; the new start must be in the future.",
                errors=[field_error("start", "in the past")],
            )
        end = patch.end.astimezone(UTC) if patch.end is not None else new_start + (end - start)
        start = new_start
    rules.check_meeting_times(start, end, now)
    zone = clock.zone(series["time_zone"])
    try:
        rule = rules.normalise_recurrence(patch.recurrence or series["recurrence"], start, zone)
    except rules.RecurrenceError as error:
        raise Invalid(
            f"The recurrence is not supported: {error}.",
            errors=[field_error("recurrence", str(error))],
        ) from error
    changes: dict[str, Any] = {
        "first_start": clock.api_instant(start),
        "first_end": clock.api_instant(end),
        "recurrence": rule,
        "title": patch.title or series["title"],
    }
    after = {**series, **changes}
    recurrence = repository.recurrence_of(after)
    last_end = recurrence.last_end()
    changes["ends_at"] = clock.api_instant(last_end) if last_end else None
    future = sorted(_future_meetings(org_id, series["id"], now), key=lambda m: m["occurrence"])
    starts = rules.plan_extension(recurrence, now, now).starts
    if len(starts) < len(future):
        tail_after = starts[-1] if starts else now
        starts += list(islice(recurrence.occurrences(tail_after), len(future) - len(starts)))
    duration = end - start
    ops: list[transactions.Op] = []
    next_ids: list[str] = []  # the meetings in their new order; waiting entries go to the first
    for meeting, occurrence in zip(future, starts, strict=False):
        moved = {
            **meeting,
            "title": changes["title"],
            "start": clock.api_instant(occurrence),
            "end": clock.api_instant(occurrence + duration),
            "occurrence": clock.key_instant(occurrence),
        }
        next_ids.append(meeting["id"])
        ops += repository.meeting_update_ops(org_id, moved, now, rearm_rollover=True)
    surplus = future[len(starts) :]  # a shorter rule: surplus meetings are cancelled
    for meeting in surplus:
        ops += repository.meeting_update_ops(
            org_id, {**meeting, "state": "cancelled"}, now, rearm_rollover=False
        )
    for occurrence in starts[len(future) :]:
        meeting = materialise.series_meeting(after, occurrence, now)
        next_ids.append(meeting["id"])
        ops += repository.new_meeting_ops(org_id, meeting, now)
    if starts:
        changes["materialised_through"] = clock.key_instant(starts[-1])
    audit = activity.changed_fields(series, changes)
    audit.pop("materialised_through", None)
    _write_in_chunks(
        ops,
        [
            *repository.series_change_ops(org_id, series, changes),
            activity.record(
                org_id=org_id,
                entity_id=series["id"],
                entity_kind="series",
                actor_id=principal.user_id,
                action="series_updated",
                at=now,
                changes=audit,
            ),
        ],
    )
    for meeting in surplus:
        carry.rehome_carried(org_id, {**meeting, "type": "meeting", "state": "cancelled"}, now)
    current = repository.series(org_id, series["id"])
    if current is None:
        return
    current = materialise.extend(org_id, current, now)
    target = repository.meeting(org_id, next_ids[0]) if next_ids else None
    if target is not None:
        carry.release_waiting(org_id, current, target, now)


def archive_series(principal: Principal, series_id: str, archived: bool) -> None:
    """Archive only when every meeting is past (calendar series: once the recurring event
    ended). Archiving frees the pair for a new series; unarchiving claims it back."""
    series = series_for(principal, series_id)
    org_id, now = principal.org_id, clock.now()
    if bool(series.get("archived")) == archived:
        return
    ops: list[transactions.Op] = []
    if archived:
        link = series.get("calendar") or {}
        if link and not link.get("ended"):
            raise Conflict(NOT_ENDED_IN_CALENDAR)
        live = [
            item
            for item in repository.series_meetings(org_id, series_id)
            if item.get("state") == "scheduled" and clock.parse_instant(item["end"]) > now
        ]
        if (
            live
            or (not link and not series.get("ends_at"))
            or (series.get("ends_at") and clock.parse_instant(series["ends_at"]) > now)
        ):
            raise Conflict(
                "Only a series whose meetings are all past can be archived; this "
                "one still has upcoming meetings."
            )
        ops.append(repository.release_pair_marker_op(org_id, series))
        changes: dict[str, Any] = {"archived": True, "archived_at": clock.api_instant(now)}
    else:
        ops.append(repository.pair_marker_op(org_id, series))
        changes = {"archived": False, "archived_at": None}
    transactions.write(
        [
            *repository.series_change_ops(org_id, series, changes),
            *ops,
            activity.record(
                org_id=org_id,
                entity_id=series_id,
                entity_kind="series",
                actor_id=principal.user_id,
                action="series_archived" if archived else "series_unarchived",
                at=now,
                changes={"archived": {"before": not archived, "after": archived}},
            ),
        ]
    )


# --- calendar hooks --------------------------------------------------------------------------


def end_recurrence(
    org_id: str, series_id: str, now: datetime, last_end: datetime | None = None
) -> Item | None:
    """The recurring calendar event ended (after `last_end`): no more meetings are made,
    later ones are cancelled (content kept, carried entries move on), and the series may
    be archived once the rest are past."""
    series = repository.series(org_id, series_id)
    if series is None:
        return None
    found = repository.series_meetings(org_id, series_id)
    if last_end is None:
        ends = [clock.parse_instant(m["end"]) for m in found if m.get("state") == "scheduled"]
        last_end = max(ends, default=clock.parse_instant(series["first_end"]))
    for later in sorted(found, key=lambda m: m["occurrence"], reverse=True):
        if later.get("state") == "scheduled" and clock.parse_instant(later["start"]) >= last_end:
            current = repository.meeting(org_id, later["id"])
            if current is not None:
                meetings.apply_change(org_id, current, {"state": "cancelled"}, None, now)
    changes: dict[str, Any] = {
        "calendar": {**(series.get("calendar") or {}), "ended": True},
        "ends_at": clock.api_instant(last_end),
        "due_pk": None,
        "due_sk": None,
    }
    transactions.write(
        [
            *repository.series_change_ops(org_id, series, changes),
            activity.record(
                org_id=org_id,
                entity_id=series_id,
                entity_kind="series",
                actor_id=None,
                action="series_recurrence_ended",
                at=now,
            ),
        ]
    )
    return {**series, **changes}
