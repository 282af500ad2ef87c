"""1:1 use cases: create, list, read, and what other contexts call (activity, calendar).

Only the two participants can see a 1:1: anyone else, admins included, gets 404, exactly
as for a missing id. Changes to meetings, series and agendas live in meetings.py,
series.py and agenda.py; this module is the context's front door.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.membership import is_active
from momentum.core.problems import Conflict, Invalid, field_error
from momentum.frame.principal import Principal
from momentum.identity import service as identity
from momentum.one_on_ones import (
    keys,
    materialise,
    notifications,
    repository,
    rules,
    views,
)
from momentum.one_on_ones.access import meeting_collection_for, open_module, series_for

# What the calendar context calls lives in calendar_hooks; this module is its front door.
from momentum.one_on_ones.calendar_hooks import (
    as_calendar_sees as as_calendar_sees,
)
from momentum.one_on_ones.calendar_hooks import (
    cancel_meeting_from_calendar as cancel_meeting_from_calendar,
)
from momentum.one_on_ones.calendar_hooks import (
    end_series_recurrence as end_series_recurrence,
)
from momentum.one_on_ones.calendar_hooks import (
    extend_series_with_occurrence as extend_series_with_occurrence,
)
from momentum.one_on_ones.calendar_hooks import (
    meeting_for_calendar as meeting_for_calendar,
)
from momentum.one_on_ones.calendar_hooks import (
    rename_series_from_calendar as rename_series_from_calendar,
)
from momentum.one_on_ones.calendar_hooks import (
    restore_meeting_from_calendar as restore_meeting_from_calendar,
)
from momentum.one_on_ones.calendar_hooks import (
    retime_series_from_calendar as retime_series_from_calendar,
)
from momentum.one_on_ones.calendar_hooks import (
    series_for_calendar as series_for_calendar,
)
from momentum.one_on_ones.calendar_hooks import (
    series_meeting_at as series_meeting_at,
)
from momentum.one_on_ones.calendar_hooks import (
    series_meetings_for_calendar as series_meetings_for_calendar,
)
from momentum.one_on_ones.calendar_hooks import (
    update_meeting_from_calendar as update_meeting_from_calendar,
)
from momentum.one_on_ones.models import (
    CreateAnswer,
    Meeting,
    OneOnOneCreate,
    OneOnOneRow,
    Series,
)
from momentum.store import activity, table, transactions
from momentum.store.codec import Item
from momentum.store.keys import due_attributes
from momentum.store.schema import GSI_BY_LOOKUP

MODULE = "one_on_ones"


def can_view_activity(principal: Principal, entity_id: str) -> bool:
    """Activity of a series or meeting is for its two participants only."""
    if not is_id(entity_id):
        return False
    found = table.batch_get(
        [
            keys.meeting_key(principal.org_id, entity_id),
            keys.series_key(principal.org_id, entity_id),
        ]
    )
    return any(rules.is_participant(item, principal.user_id) for item in found)


# --- create --------------------------------------------------------------------------------


def _other_participant(principal: Principal, user_id: str) -> Item:
    if user_id == principal.user_id:
        raise Invalid(
            "A 1:1 needs another person.",
            errors=[field_error("with_user_id", "cannot be yourself")],
        )
    other = identity.user_item(principal.org_id, user_id)
    if not is_active(other):
        raise Invalid(
            "The other participant is not an active user of this organisation.",
            errors=[field_error("with_user_id", "unknown or inactive user")],
        )
    return other


def weekly_summary_arm(org_id: str, user: Item, now: datetime) -> transactions.Op:
    """Arm the participant's Sunday summary unless it is already armed (no condition, so
    it can share the create transaction)."""
    item_key = keys.weekly_summary_key(org_id, user["id"])
    due_at = rules.next_summary_at(now, clock.zone(user.get("time_zone")))
    due = due_attributes(repository.SUMMARY_SWEEP, due_at, item_key["pk"])
    return transactions.update(
        item_key,
        "SET #type = :type, user_id = :user, due_pk = if_not_exists(due_pk, :due_pk), "
        "due_sk = if_not_exists(due_sk, :due_sk)",
        names={"#type": "type"},
        values={
            ":type": "weekly_summary",
            ":user": user["id"],
            ":due_pk": due["due_pk"],
            ":due_sk": due["due_sk"],
        },
    )


def _created(
    org_id: str, entity_id: str, kind: str, actor_id: str | None, title: str, now: datetime
) -> transactions.Op:
    return activity.record(
        org_id=org_id,
        entity_id=entity_id,
        entity_kind=kind,
        actor_id=actor_id,
        action=f"{kind}_created",
        at=now,
        changes={"title": {"before": None, "after": title}},
    )


def create(
    principal: Principal, request: OneOnOneCreate, calendar: dict[str, Any] | None = None
) -> CreateAnswer:
    open_module(principal)
    other = _other_participant(principal, request.with_user_id)
    owner = identity.user_item(principal.org_id, principal.user_id) or {
        "id": principal.user_id,
        "name": principal.name,
        "email": principal.email,
        "time_zone": principal.time_zone,
    }
    now = clock.now()
    start, end = request.start.astimezone(UTC), request.end.astimezone(UTC)
    rules.check_meeting_times(start, end, now)
    org_id = principal.org_id
    arms = [weekly_summary_arm(org_id, owner, now), weekly_summary_arm(org_id, other, now)]
    if request.recurrence is None:
        meeting = materialise.new_meeting(
            owner_id=principal.user_id,
            other_id=other["id"],
            title=request.title,
            start=start,
            end=end,
            now=now,
            calendar=calendar,
        )
        ops = [
            *repository.new_meeting_ops(org_id, meeting, now),
            *arms,
            _created(org_id, meeting["id"], "meeting", principal.user_id, request.title, now),
        ]
        if calendar:
            ops.append(_calendar_link_op(org_id, calendar, "meeting", meeting["id"]))
        transactions.write(ops)
        notifications.send_created(
            org_id,
            owner=owner,
            other=other,
            subject_id=meeting["id"],
            title=request.title,
            start=meeting["start"],
            recurrence=None,
            path=f"meetings/{meeting['id']}",
            now=now,
        )
        fresh = {**meeting, "sk": "MEETING"}  # built from what was written, no read back
        return CreateAnswer(meeting=views.meeting_view([fresh], principal))
    made: list[Item] = []
    series = _create_series(principal, request, other, start, end, now, arms, calendar, made)
    notifications.send_created(
        org_id,
        owner=owner,
        other=other,
        subject_id=series["id"],
        title=request.title,
        start=series["first_start"],
        recurrence=series["recurrence"],
        path=f"one-on-ones/{series['id']}",
        now=now,
    )
    # Built from what was just written: the series' meeting index may lag behind.
    return CreateAnswer(series=views.series_view(series, made, []))


def _create_series(
    principal: Principal,
    request: OneOnOneCreate,
    other: Item,
    start: datetime,
    end: datetime,
    now: datetime,
    arms: list[transactions.Op],
    calendar: dict[str, Any] | None,
    made: list[Item],
) -> Item:
    org_id, zone_name = principal.org_id, principal.time_zone
    assert request.recurrence is not None
    try:
        rule = rules.normalise_recurrence(request.recurrence, start, clock.zone(zone_name))
    except rules.RecurrenceError as error:
        raise Invalid(
            f"The recurrence is not supported: {error}.",
            errors=[field_error("recurrence", str(error))],
        ) from error
    rules.check_series_start(start, now)
    series: Item = {
        "id": new_id(),
        "title": request.title,
        "owner_id": principal.user_id,
        "participant_ids": [principal.user_id, other["id"]],
        "recurrence": rule,
        "time_zone": zone_name,
        "first_start": clock.api_instant(start),
        "first_end": clock.api_instant(end),
        "archived": False,
        "calendar": calendar,
        "created_at": clock.api_instant(now),
        "version": 1,
        "topics_total": 0,
        "items_total": 0,
    }
    last_end = repository.recurrence_of(series).last_end()
    series["ends_at"] = clock.api_instant(last_end) if last_end else None
    body = {name: value for name, value in series.items() if value is not None}
    ops = [
        transactions.put_new({**keys.series_key(org_id, series["id"]), "type": "series", **body}),
        repository.pair_marker_op(org_id, series),
        *[
            transactions.put(repository.series_row(org_id, series, uid))
            for uid in series["participant_ids"]
        ],
        *arms,
        _created(org_id, series["id"], "series", principal.user_id, request.title, now),
    ]
    if calendar:
        ops.append(_calendar_link_op(org_id, calendar, "series", series["id"]))
    transactions.write(ops)
    return materialise.extend(org_id, {**body, "type": "series"}, now, made=made)


# --- read ----------------------------------------------------------------------------------


def get_meeting(principal: Principal, meeting_id: str) -> Meeting:
    _, items = meeting_collection_for(principal, meeting_id)
    return views.meeting_view(items, principal)


def get_series(principal: Principal, series_id: str) -> Series:
    series_for(principal, series_id)
    collection = repository.series_collection(principal.org_id, series_id)
    series = next(item for item in collection if item["sk"] == "SERIES")
    waiting = [item for item in collection if item["sk"].startswith(keys.WAITING_PREFIX)]
    meetings = repository.series_meetings(principal.org_id, series_id)
    return views.series_view(series, meetings, waiting)


def list_one_on_ones(
    principal: Principal, tab: str, limit: int, cursor: str | None
) -> tuple[list[OneOnOneRow], str | None]:
    """The caller's series and one-off 1:1s: upcoming (soonest end first), past (latest
    first) or archived (latest archived first)."""
    open_module(principal)
    now_key = clock.key_instant(clock.now())
    scope = f"one-on-ones:{principal.org_id}:{principal.user_id}:{tab}"
    kwargs: dict[str, Any] = {}
    if tab == "upcoming":
        kwargs["sk_between"] = (f"ACTIVE#{now_key}", "ACTIVE#\uffff")
    elif tab == "past":
        kwargs.update(sk_between=("ACTIVE#", f"ACTIVE#{now_key}"), newest_first=True)
    else:
        kwargs.update(sk_prefix="ARCHIVED#", newest_first=True)
    items, next_cursor = table.page(
        keys.user_list_partition(principal.org_id, principal.user_id),
        scope=scope,
        cursor=cursor,
        limit=limit,
        index=GSI_BY_LOOKUP,
        **kwargs,
    )
    return [views.row_view(item, principal.user_id) for item in items], next_cursor


# --- calendar links --------------------------------------------------------------------------


def _calendar_link_op(
    org_id: str, calendar: dict[str, Any], kind: str, entity_id: str
) -> transactions.Op:
    item = {
        **keys.calendar_link_key(org_id, calendar["provider"], calendar["event_id"]),
        "type": "calendar_link",
        "kind": kind,
        "entity_id": entity_id,
    }
    return transactions.put_new(
        item,
        on_condition_failed=lambda: Conflict("This calendar event is already linked to a 1:1."),
    )


def import_from_calendar(
    principal: Principal, request: OneOnOneCreate, *, provider: str, event_id: str
) -> CreateAnswer:
    """Create a series (recurring event) or meeting linked to (provider, event id)."""
    calendar: dict[str, Any] = {"provider": provider, "event_id": event_id}
    if request.recurrence is None:
        calendar["original_start"] = clock.api_instant(request.start)
    return create(principal, request, calendar=calendar)


def linked_to(org_id: str, provider: str, event_id: str) -> tuple[str, str] | None:
    """("series" | "meeting", id) imported from this calendar event, if any."""
    link = repository.calendar_link(org_id, provider, event_id)
    return (link["kind"], link["entity_id"]) if link else None
