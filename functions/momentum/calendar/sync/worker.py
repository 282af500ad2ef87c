"""Incremental sync of one connection: what changed in the calendar reaches the 1:1s.

A notification is only a signal; the change feed (Google sync token, Graph delta link)
says which linked events changed, and each one is then read afresh from the provider
and the 1:1s are brought in line with it (rules.plan_series). Because the worker
converges on the calendar's current state rather than replaying notifications, a
duplicate, late or out-of-order notification changes nothing, and a full resync after
an expired token re-matches occurrences by (event id, original start) without ever
creating a second meeting for one slot.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from aws_lambda_powertools import Logger

from momentum.calendar import cadence, keys, repository, rules
from momentum.calendar import one_on_ones_port as port
from momentum.calendar.connections import notices, tokens
from momentum.calendar.providers.events import (
    CalendarEvent,
    Changes,
    EventNotFound,
    GrantRevoked,
    SyncStateExpired,
)
from momentum.calendar.providers.provider import Calendar, calendar_for
from momentum.calendar.providers.zones import zone_info
from momentum.calendar.sync import pushes
from momentum.core.clock import parse_instant
from momentum.core.problems import Problem
from momentum.store.codec import Item

logger = Logger(service="momentum")


class Outcome(msgspec.Struct):
    status: str  # synced | not_connected | needs_reauth | unknown
    full: bool = False
    series_checked: int = 0
    meetings_changed: int = 0


class _Run(msgspec.Struct):
    connection: Item
    access: str
    calendar: Calendar
    links: dict[str, Item]
    now: datetime
    outcome: Outcome


def sync_connection(ref: str, *, reason: str, now: datetime) -> Outcome:
    parsed = keys.parse_connection_ref(ref)
    if parsed is None:
        return Outcome("unknown")
    org_id, user_id, provider = parsed
    collection = repository.connection_collection(org_id, user_id, provider)
    connection = next((i for i in collection if i.get("type") == "calendar_connection"), None)
    if connection is None or connection.get("status") != "connected":
        return Outcome("not_connected")
    try:
        access = tokens.access_token(connection)
    except GrantRevoked:
        notices.needs_reauth(connection, now)
        return Outcome("needs_reauth")
    run = _Run(
        connection,
        access,
        calendar_for(provider),
        repository.links(collection),
        now,
        Outcome("synced"),
    )
    if reason.startswith("lifecycle:"):
        _lifecycle(run, collection, reason.removeprefix("lifecycle:"))
    try:
        changes = run.calendar.changes(access, connection.get("sync_state"), now)
    except SyncStateExpired:
        logger.info("sync state expired: full resync", extra={"connection": ref})
        changes = run.calendar.changes(access, None, now)
        changes.full = True
    run.outcome.full = changes.full
    recurring, singles = _affected(run, changes, everything=changes.full or reason == "reconcile")
    for event_id, event in singles.items():
        _apply_single(run, event_id, event)
    for event_id in sorted(recurring):
        _reconcile_series(run, run.links[event_id]["entity_id"])
    repository.save_sync_state(connection, changes.next_state, now)
    return run.outcome


def _lifecycle(run: _Run, collection: list[Item], event: str) -> None:
    """Graph lifecycle events: renew (reauthorizationRequired) or recreate (removed) the
    subscription; `missed` needs nothing more than the delta round that follows."""
    current = repository.pushes(collection)
    if event == "reauthorizationRequired" and current:
        pushes.renew(run.connection, current[0], run.access, run.now)
    elif event == "subscriptionRemoved":
        for item in current:
            pushes.stop(run.connection, item, None)
        pushes.start(run.connection, run.access, run.now)


def _affected(
    run: _Run, changes: Changes, *, everything: bool
) -> tuple[set[str], dict[str, CalendarEvent | None]]:
    """(linked recurring events to re-read, linked one-off events with their new state)."""
    recurring: set[str] = set()
    singles: dict[str, CalendarEvent | None] = {}
    for event in changes.events:
        link = run.links.get(event.root_id) or _attach_split(run, event)
        if link is None:
            continue
        if link.get("recurring"):
            recurring.add(event.root_id)
        else:
            singles[event.root_id] = event
    for removed in changes.removed_ids:
        link = run.links.get(removed)
        if link is not None and not link.get("recurring"):
            singles[removed] = CalendarEvent(id=removed, kind="single", cancelled=True)
        else:  # an occurrence id: Graph names no series, so every linked series is checked
            recurring |= {eid for eid, item in run.links.items() if item.get("recurring")}
    if everything:
        recurring |= {eid for eid, item in run.links.items() if item.get("recurring")}
        for event_id, item in run.links.items():
            if not item.get("recurring"):
                singles.setdefault(event_id, None)
    return recurring, singles


def _attach_split(run: _Run, event: CalendarEvent) -> Item | None:
    """Google's "this and following" split makes a new recurring event `<old id>_R<date>`:
    it continues the same 1:1 series."""
    if event.kind != "master" or "_R" not in event.id:
        return None
    parent = run.links.get(event.id.rsplit("_R", 1)[0])
    if parent is None or not parent.get("recurring"):
        return None
    c = run.connection
    link = repository.link_item(
        c["org_id"],
        c["user_id"],
        c["provider"],
        event_id=event.id,
        kind="series",
        entity_id=parent["entity_id"],
        recurring=True,
        attached=True,
    )
    repository.put(link)
    run.links[event.id] = link
    return link


def _existing(meeting: Item) -> rules.Existing:
    """The meeting as the calendar last gave it, so a name or time changed in Momentum is
    not taken for a difference to undo."""
    seen = port.as_calendar_sees(meeting)
    return rules.Existing(
        meeting["id"],
        str(meeting.get("occurrence") or ""),
        parse_instant(seen["start"]),
        parse_instant(seen["end"]),
        str(seen.get("title") or ""),
        meeting.get("state") == "cancelled",
        str((meeting.get("calendar") or {}).get("event_id") or ""),
    )


def _apply(run: _Run, series_id: str | None, action: rules.Action, read: dict[str, Item]) -> None:
    """Carry out one action; `read` holds the meetings this sync read (by id), handed on
    so the 1:1s do not read them again."""
    org_id, now = run.connection["org_id"], run.now
    try:
        if isinstance(action, rules.Cancel):
            port.cancel_meeting(org_id, read[action.meeting_id], now)
        elif isinstance(action, rules.Update) and action.restore:
            port.restore_meeting(
                org_id, read[action.meeting_id], title=action.title, start=action.start,
                end=action.end, now=now, event_id=action.event_id or None,
            )  # fmt: skip
        elif isinstance(action, rules.Update):
            port.update_meeting(
                org_id, read[action.meeting_id], title=action.title, start=action.start,
                end=action.end, now=now, event_id=action.event_id or None,
            )  # fmt: skip
        elif series_id is not None:
            port.add_occurrence(
                org_id, series_id, original_start=action.original_start, start=action.start,
                end=action.end, title=action.title, now=now, event_id=action.event_id or None,
            )  # fmt: skip
    except Problem as refused:
        # A change the 1:1s refuse (e.g. a 20-hour "meeting") is skipped, not retried
        # for ever: the rest of the calendar still syncs.
        logger.warning(
            "calendar change not applied", extra={"action": repr(action), "reason": refused.detail}
        )
        return
    run.outcome.meetings_changed += 1


def _apply_single(run: _Run, event_id: str, event: CalendarEvent | None) -> None:
    link = run.links[event_id]
    if event is None:  # reconciling: read it afresh
        try:
            event = run.calendar.event(run.access, event_id)
        except EventNotFound:
            event = CalendarEvent(id=event_id, kind="single", cancelled=True)
    meeting = port.meeting(run.connection["org_id"], link["entity_id"])
    if meeting is None:
        return
    action = rules.single_change(event, _existing(meeting))
    if action is not None:
        _apply(run, None, action, {meeting["id"]: meeting})


def _reconcile_series(run: _Run, series_id: str) -> None:
    """Make the series' meetings around now match every recurring event linked to it."""
    org_id, now = run.connection["org_id"], run.now
    series = port.series(org_id, series_id)
    if series is None:
        return
    run.outcome.series_checked += 1
    meetings = [m for m in port.series_meetings(org_id, series_id) if m.get("occurrence")]
    latest = max((parse_instant(m["start"]) for m in meetings), default=now)
    window = (now - rules.LOOK_BACK, max(now + rules.HORIZON, latest))
    slots: list[rules.Slot] = []
    finite, last_end, title = True, None, None
    times: tuple[datetime, datetime] | None = None
    event_ids = sorted(
        eid
        for eid, item in run.links.items()
        if item.get("recurring") and item["entity_id"] == series_id
    )
    for event_id in event_ids:
        try:
            master = run.calendar.event(run.access, event_id)
        except EventNotFound:
            continue  # deleted: it contributes no slot, so its meetings are cancelled
        if master.cancelled or master.start is None or master.end is None:
            continue
        if not run.links[event_id].get("attached"):
            title, times = master.title, (master.start, master.end)
        ends = _last_end(master)
        finite = finite and ends is not None
        last_end = max(filter(None, (last_end, ends)), default=None)
        for instance in run.calendar.instances(
            run.access, event_id, window[0] - rules.SLACK, window[1] + rules.SLACK
        ):
            if instance.original_start is None or instance.start is None or instance.end is None:
                continue
            slots.append(
                rules.Slot(
                    instance.original_start,
                    instance.start,
                    instance.end,
                    instance.title or master.title,
                    rules.is_live(instance),
                    event_id,
                )
            )
    ended = bool((series.get("calendar") or {}).get("ended"))
    through = series.get("materialised_through")

    def may_add(original: datetime) -> bool:
        # Beyond what the series materialised, its own horizon sweep adds the meeting.
        return ended or bool(through and rules.slot_key(original) <= str(through))

    read = {m["id"]: m for m in meetings}
    for action in rules.plan_series(slots, [_existing(m) for m in meetings], window, may_add):
        _apply(run, series_id, action, read)
    if title and title != series.get("title"):
        port.rename_series(org_id, series_id, title, now)
    if times is not None and series.get("time_shift"):
        port.retime_series(org_id, series_id, times[0], times[1], now)
    if finite and not ended:
        port.end_recurrence(org_id, series_id, now, last_end)


def _last_end(master: CalendarEvent) -> datetime | None:
    """When a finite recurring event's last occurrence ends (None: it repeats for ever)."""
    assert master.start is not None and master.end is not None
    try:
        last = cadence.last_occurrence(
            master.recurrence, master.start.astimezone(zone_info(master.time_zone))
        )
    except cadence.Unsupported:
        return None
    return None if last is None else last + (master.end - master.start)
