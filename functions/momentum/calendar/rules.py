"""Pure calendar rules: which events are 1:1-shaped, occurrence keys, and how a series'
meetings are brought in line with what the calendar says. No I/O, no clock."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

import msgspec

from momentum.calendar.providers.events import Attendee, CalendarEvent

SCAN_WINDOW = timedelta(weeks=4)  # bulk create and create new look this far ahead
HORIZON = timedelta(weeks=8)  # series meetings are kept true this far ahead
LOOK_BACK = timedelta(days=7)  # ...and this far back (a late cancellation still shows)
SLACK = timedelta(days=7)  # instances are fetched wider, so a moved one is still seen

SKIP_REASONS = {
    "cancelled": "the event is cancelled",
    "declined": "one of you declined it",
    "all_day": "all-day events are not meetings",
    "no_other_attendee": "nobody else is invited",
    "too_many_attendees": "a 1:1 has exactly one other attendee",
    "not_an_org_user": "the other attendee is not a user of this organisation",
    "cadence_not_supported": "the repeat rule is not a 1:1 cadence",
    "rule_not_understood": "the repeat rule could not be read",
    "not_recurring": "the event does not repeat",
}


class Skip(msgspec.Struct, frozen=True):
    reason: str  # a key of SKIP_REASONS
    detail: str


def slot_key(original_start: datetime) -> str:
    """An occurrence's identity within its linked series: its original slot (UTC, in
    core.clock.key_instant's format, as 1:1 meetings store it). With the link from the
    recurring event to the series, (event id, original start) names one meeting, which
    survives the instance being moved, renamed, cancelled or split off."""
    return original_start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _self(attendee: Attendee, self_email: str) -> bool:
    return attendee.is_self or attendee.email == self_email.lower()


def people(event: CalendarEvent, self_email: str) -> list[Attendee]:
    """The other human attendees (rooms, duplicates and the user left out)."""
    seen: dict[str, Attendee] = {}
    for attendee in event.attendees:
        if attendee.is_resource or _self(attendee, self_email) or not attendee.email:
            continue
        seen.setdefault(attendee.email, attendee)
    return list(seen.values())


def partner_email(event: CalendarEvent, self_email: str) -> str | Skip:
    """The one other person of a 1:1-shaped event, or why it is not one."""
    if event.cancelled:
        return Skip("cancelled", SKIP_REASONS["cancelled"])
    if event.all_day or event.start is None:
        return Skip("all_day", SKIP_REASONS["all_day"])
    others = people(event, self_email)
    if not others:
        return Skip("no_other_attendee", SKIP_REASONS["no_other_attendee"])
    if len(others) > 1:
        return Skip(
            "too_many_attendees",
            f"{len(others)} other attendees; {SKIP_REASONS['too_many_attendees']}",
        )
    return others[0].email


def partner(event: CalendarEvent, self_email: str, users_by_email: Mapping[str, str]) -> str | Skip:
    """The other participant's user id (`users_by_email`: active org users, lower-cased)."""
    email = partner_email(event, self_email)
    if isinstance(email, Skip):
        return email
    user_id = users_by_email.get(email)
    if user_id is None:
        return Skip("not_an_org_user", f"{email}: {SKIP_REASONS['not_an_org_user']}")
    return user_id


def declined(event: CalendarEvent) -> bool:
    """Either participant declined (every human attendee of a 1:1 is one of the two)."""
    return any(a.response == "declined" for a in event.attendees if not a.is_resource)


def is_live(event: CalendarEvent) -> bool:
    return not event.cancelled and not declined(event)


# --- keeping a series true ---------------------------------------------------------------


class Slot(msgspec.Struct, frozen=True):
    """What the calendar says about one occurrence of a linked recurring event."""

    original_start: datetime
    start: datetime
    end: datetime
    title: str
    live: bool
    event_id: str = ""  # the recurring event it belongs to (a series may follow several)


class Existing(msgspec.Struct, frozen=True):
    """A 1:1 meeting of the series, as far as the calendar is concerned."""

    id: str
    slot: str  # slot_key of its occurrence
    start: datetime
    end: datetime
    title: str
    cancelled: bool
    event_id: str = ""


class Update(msgspec.Struct, frozen=True):
    meeting_id: str
    title: str
    start: datetime
    end: datetime
    restore: bool  # it was cancelled and the calendar has it again
    event_id: str = ""


class Cancel(msgspec.Struct, frozen=True):
    meeting_id: str


class Add(msgspec.Struct, frozen=True):
    original_start: datetime
    start: datetime
    end: datetime
    title: str
    event_id: str = ""


Action = Update | Cancel | Add


def plan_series(
    slots: list[Slot],
    meetings: list[Existing],
    window: tuple[datetime, datetime],
    may_add: Callable[[datetime], bool],
) -> list[Action]:
    """The changes that make the series' meetings in `window` (by original slot) match the
    calendar. Applying the plan and planning again yields nothing: repeats are no-ops."""
    low, high = (slot_key(moment) for moment in window)
    by_slot = {slot_key(slot.original_start): slot for slot in slots}
    actions: list[Action] = []
    have: set[str] = set()
    for meeting in meetings:
        if not low <= meeting.slot <= high:
            continue
        have.add(meeting.slot)
        slot = by_slot.get(meeting.slot)
        if slot is None or not slot.live:
            if not meeting.cancelled:
                actions.append(Cancel(meeting.id))
            continue
        differs = (slot.title, slot.start, slot.end) != (meeting.title, meeting.start, meeting.end)
        follows_other = bool(slot.event_id) and slot.event_id != meeting.event_id
        if differs or meeting.cancelled or follows_other:
            actions.append(
                Update(
                    meeting.id, slot.title, slot.start, slot.end, meeting.cancelled, slot.event_id
                )
            )
    for key, slot in sorted(by_slot.items()):
        if key in have or not slot.live or not low <= key <= high:
            continue
        if may_add(slot.original_start):
            actions.append(
                Add(slot.original_start, slot.start, slot.end, slot.title, slot.event_id)
            )
    return actions


def single_change(event: CalendarEvent, meeting: Existing) -> Update | Cancel | None:
    """What a change of a linked one-off event does to its meeting (None: nothing)."""
    if not is_live(event) or event.start is None or event.end is None:
        return None if meeting.cancelled else Cancel(meeting.id)
    title = event.title or meeting.title
    if (title, event.start, event.end) == (meeting.title, meeting.start, meeting.end):
        return (
            Update(meeting.id, title, event.start, event.end, True) if meeting.cancelled else None
        )
    return Update(meeting.id, title, event.start, event.end, meeting.cancelled)
