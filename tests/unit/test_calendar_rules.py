"""Two-attendee filter, occurrence keys and keeping a series true to its calendar event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from momentum.calendar import rules
from momentum.calendar.providers.events import Attendee, CalendarEvent
from momentum.calendar.rules import Add, Cancel, Existing, Skip, Slot, Update

ME = "ada@acme.test"
START = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
USERS = {"bob@acme.test": "BOB", "cy@acme.test": "CY"}


def event(*emails: str, **fields: object) -> CalendarEvent:
    attendees = tuple(
        Attendee(
            email=e,
            is_self=e == ME,
            is_resource=e.startswith("room"),
            response="declined" if e.startswith("no-") else "accepted",
        )
        for e in emails
    )
    base: dict[str, object] = {
        "id": "ev1",
        "kind": "master",
        "title": "Ada / Bob",
        "start": START,
        "end": START + timedelta(minutes=30),
        "attendees": attendees,
    }
    base.update(fields)
    return CalendarEvent(**base)  # type: ignore[arg-type]


def test_the_other_attendee_of_a_one_on_one_is_found() -> None:
    assert rules.partner(event(ME, "bob@acme.test"), ME, USERS) == "BOB"
    # rooms and duplicates do not count; the user may be listed without the self flag
    found = rules.partner(
        event("ada@acme.test", "room-1@acme.test", "bob@acme.test", "bob@acme.test"),
        "ADA@acme.test",
        USERS,
    )
    assert found == "BOB"


def test_events_that_are_not_one_on_ones_are_skipped_with_the_reason() -> None:
    def reason(found: str | Skip) -> str:
        assert isinstance(found, Skip)
        return found.reason

    assert reason(rules.partner(event(ME), ME, USERS)) == "no_other_attendee"
    three = rules.partner(event(ME, "bob@acme.test", "cy@acme.test"), ME, USERS)
    assert reason(three) == "too_many_attendees" and "2 other attendees" in three.detail  # type: ignore[union-attr]
    assert reason(rules.partner(event(ME, "zed@else.test"), ME, USERS)) == "not_an_org_user"
    assert reason(rules.partner(event(ME, "bob@acme.test", cancelled=True), ME, USERS)) == (
        "cancelled"
    )
    assert reason(rules.partner(event(ME, "bob@acme.test", all_day=True), ME, USERS)) == "all_day"
    assert set(rules.SKIP_REASONS) >= {"no_other_attendee", "too_many_attendees"}


def test_a_decline_by_either_participant_means_the_meeting_is_off() -> None:
    assert rules.is_live(event(ME, "bob@acme.test"))
    assert not rules.is_live(event(ME, "no-bob@acme.test"))
    assert not rules.is_live(event(ME, "bob@acme.test", cancelled=True))


def test_occurrence_slots_match_how_one_on_one_meetings_key_them() -> None:
    from zoneinfo import ZoneInfo

    from momentum.core.clock import key_instant

    paris = datetime(2026, 3, 3, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert rules.slot_key(paris) == "2026-03-03T10:00:00Z" == key_instant(paris)


# --- plan_series -------------------------------------------------------------------------

WINDOW = (START - timedelta(days=7), START + timedelta(weeks=8))


def slot(week: int, *, live: bool = True, shift: int = 0, title: str = "1:1") -> Slot:
    original = START + timedelta(weeks=week)
    start = original + timedelta(hours=shift)
    return Slot(original, start, start + timedelta(minutes=30), title, live)


def meeting(week: int, *, cancelled: bool = False, title: str = "1:1") -> Existing:
    start = START + timedelta(weeks=week)
    return Existing(
        f"m{week}", rules.slot_key(start), start, start + timedelta(minutes=30), title, cancelled
    )


def test_renamed_moved_cancelled_and_new_occurrences() -> None:
    slots = [slot(0, title="Ada & Bob"), slot(1, shift=2), slot(2, live=False), slot(3)]
    meetings = [meeting(0), meeting(1), meeting(2), meeting(4)]
    plan = rules.plan_series(slots, meetings, WINDOW, lambda _: True)
    assert Update("m0", "Ada & Bob", slots[0].start, slots[0].end, False) in plan
    assert Update("m1", "1:1", slots[1].start, slots[1].end, False) in plan
    assert Cancel("m2") in plan and Cancel("m4") in plan
    assert Add(slots[3].original_start, slots[3].start, slots[3].end, "1:1") in plan
    assert len(plan) == 5


def test_meetings_outside_the_window_and_refused_additions_are_left_alone() -> None:
    far = meeting(20)
    plan = rules.plan_series([slot(3)], [far], WINDOW, lambda _: False)
    assert plan == []


def test_a_declined_then_accepted_occurrence_is_restored() -> None:
    plan = rules.plan_series([slot(0)], [meeting(0, cancelled=True)], WINDOW, lambda _: True)
    assert plan == [Update("m0", "1:1", slot(0).start, slot(0).end, True)]


def apply(plan: list[rules.Action], meetings: list[Existing]) -> list[Existing]:
    by_id = {m.id: m for m in meetings}
    for action in plan:
        if isinstance(action, Cancel):
            m = by_id[action.meeting_id]
            by_id[m.id] = Existing(m.id, m.slot, m.start, m.end, m.title, True)
        elif isinstance(action, Update):
            m = by_id[action.meeting_id]
            by_id[m.id] = Existing(m.id, m.slot, action.start, action.end, action.title, False)
        else:
            key = rules.slot_key(action.original_start)
            by_id[key] = Existing(key, key, action.start, action.end, action.title, False)
    return list(by_id.values())


@given(
    calendar=st.dictionaries(
        st.integers(-1, 8),
        st.tuples(st.booleans(), st.integers(-3, 3), st.sampled_from(["1:1", "Sync"])),
    ),
    existing=st.dictionaries(st.integers(-1, 8), st.booleans()),
)
def test_applying_a_plan_then_planning_again_changes_nothing(
    calendar: dict[int, tuple[bool, int, str]], existing: dict[int, bool]
) -> None:
    slots = [
        slot(w, live=live, shift=shift, title=title) for w, (live, shift, title) in calendar.items()
    ]
    meetings = [meeting(w, cancelled=c) for w, c in existing.items()]
    after = apply(rules.plan_series(slots, meetings, WINDOW, lambda _: True), meetings)
    assert rules.plan_series(slots, after, WINDOW, lambda _: True) == []
    live = {rules.slot_key(s.original_start) for s in slots if s.live}
    assert {m.slot for m in after if not m.cancelled} == live


def test_single_event_changes() -> None:
    current = Existing("m1", "x", START, START + timedelta(minutes=30), "1:1", False)
    moved = event(
        ME,
        "bob@acme.test",
        kind="single",
        title="1:1",
        start=START + timedelta(days=1),
        end=START + timedelta(days=1, minutes=30),
    )
    assert rules.single_change(moved, current) == Update("m1", "1:1", moved.start, moved.end, False)
    same = event(ME, "bob@acme.test", kind="single", title="1:1")
    assert rules.single_change(same, current) is None
    declined = event(ME, "no-bob@acme.test", kind="single")
    assert rules.single_change(declined, current) == Cancel("m1")
    gone = Existing("m1", "x", START, START + timedelta(minutes=30), "1:1", True)
    assert rules.single_change(declined, gone) is None
