"""What the calendar context (issue 8) calls: linked series and meetings, updates and
cancellations from the calendar, extra occurrences, and the recurring event's end."""

from __future__ import annotations

from datetime import timedelta

from momentum.core import clock
from momentum.frame.principal import principal_from_item
from momentum.identity import service as identity
from momentum.one_on_ones import service
from momentum.one_on_ones.models import OneOnOneCreate
from tests.support.harness import InProcessApi
from tests.support.one_on_ones import START, Clock, at, people, texts


def imported_series(api: InProcessApi) -> tuple:
    admin, mia, eli, _ = people(api)
    principal = principal_from_item(mia.org_id, identity.user_item(mia.org_id, mia.user_id))
    request = OneOnOneCreate(
        with_user_id=eli.user_id,
        title="From Google",
        start=START,
        end=START + timedelta(minutes=30),
        recurrence="FREQ=WEEKLY",
    )
    answer = service.import_from_calendar(principal, request, provider="google", event_id="evt-1")
    assert answer.series is not None
    return admin, mia, eli, answer.series


def test_a_linked_series_follows_its_calendar(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, series = imported_series(api)
    assert series.calendar is not None and series.calendar.event_id == "evt-1"
    assert service.linked_to(mia.org_id, "google", "evt-1") == ("series", series.id)
    first, second, third = series.meetings[:3]
    assert first.calendar is not None and first.calendar.original_start == at(START)
    repeat = api.patch(mia, f"/v1/one-on-ones/{series.id}", {"recurrence": "FREQ=MONTHLY"})
    assert repeat.status == 409 and "calendar" in repeat.json["detail"]

    moved = START + timedelta(weeks=1, hours=2)
    found = service.series_meeting_at(mia.org_id, series.id, START + timedelta(weeks=1))
    assert found is not None and found["id"] == second.id
    service.update_meeting_from_calendar(
        mia.org_id,
        second.id,
        title="Moved",
        start=moved,
        end=moved + timedelta(minutes=45),
        now=clock.now(),
    )
    changed = api.get(eli, f"/v1/meetings/{second.id}").ok()
    assert (changed["title"], changed["start"]) == ("Moved", clock.api_instant(moved))

    api.post(eli, f"/v1/meetings/{first.id}/agenda-topics", {"text": "Carry me"}).ok()
    api.run_sweep("agenda-rollover", at(START, minutes=210))
    service.cancel_meeting_from_calendar(mia.org_id, second.id, clock.now())
    service.cancel_meeting_from_calendar(mia.org_id, second.id, clock.now())  # a repeat
    assert api.get(mia, f"/v1/meetings/{second.id}").ok()["state"] == "cancelled"
    assert texts(api.get(mia, f"/v1/meetings/{third.id}").ok()) == ["Carry me"]

    extra = START + timedelta(days=3)
    added = service.extend_series_with_occurrence(
        mia.org_id,
        series.id,
        original_start=extra,
        start=extra,
        end=extra + timedelta(minutes=30),
        now=clock.now(),
    )
    again = service.extend_series_with_occurrence(
        mia.org_id,
        series.id,
        original_start=extra,
        start=extra,
        end=extra + timedelta(minutes=30),
        now=clock.now(),
    )
    assert added is not None and again is not None and added["id"] == again["id"]


def test_archive_waits_for_the_recurring_event_to_end(api: InProcessApi, set_now: Clock) -> None:
    _, mia, _, series = imported_series(api)
    refused = api.post(mia, f"/v1/one-on-ones/{series.id}/archive")
    assert refused.status == 409
    assert "end the recurring event in the calendar" in refused.json["detail"]
    service.end_series_recurrence(
        mia.org_id, series.id, clock.now(), last_end=START + timedelta(minutes=30)
    )
    later = api.get(mia, f"/v1/meetings/{series.meetings[1].id}").ok()
    assert later["state"] == "cancelled"
    set_now(at(START, hours=1))
    archived = api.post(mia, f"/v1/one-on-ones/{series.id}/archive").ok()
    assert archived["archived"] is True
    assert archived["calendar"]["ended"] is True


def test_names_and_times_changed_here_hold_until_the_calendar_changes_them(
    api: InProcessApi, set_now: Clock
) -> None:
    _, mia, eli, series = imported_series(api)
    org, first, second = mia.org_id, series.meetings[0], series.meetings[1]
    renamed = api.patch(mia, f"/v1/one-on-ones/{series.id}", {"title": "Our 1:1"}).ok()
    assert (renamed["title"], renamed["overridden"]) == ("Our 1:1", ["title"])
    assert {m["title"] for m in renamed["meetings"]} == {"Our 1:1"}
    assert service.series_for_calendar(org, series.id)["calendar_seen"] == {"title": "From Google"}
    later = START + timedelta(hours=2)
    moved = api.patch(eli, f"/v1/meetings/{first.id}", {"start": at(later)}).ok()
    assert moved["overridden"] == ["title", "start", "end"]
    meeting = service.meeting_for_calendar(org, first.id)
    assert meeting is not None
    assert service.as_calendar_sees(meeting) == {
        "title": "From Google",
        "start": at(START),
        "end": at(START, minutes=30),
    }

    # The calendar still says the same: nothing of what was changed here is undone.
    same = {"title": "From Google", "start": START, "end": START + timedelta(minutes=30)}
    service.update_meeting_from_calendar(org, first.id, **same, now=clock.now())
    service.rename_series_from_calendar(org, series.id, title="From Google", now=clock.now())
    kept = api.get(mia, f"/v1/meetings/{first.id}").ok()
    assert (kept["title"], kept["start"]) == ("Our 1:1", at(later))
    assert api.get(mia, f"/v1/one-on-ones/{series.id}").ok()["title"] == "Our 1:1"

    # The calendar moves the meeting: its time wins, the name changed here still holds.
    moved_again = START + timedelta(hours=4)
    service.update_meeting_from_calendar(
        org, first.id, title="From Google", start=moved_again,
        end=moved_again + timedelta(minutes=30), now=clock.now(),
    )  # fmt: skip
    after = api.get(mia, f"/v1/meetings/{first.id}").ok()
    assert (after["title"], after["start"], after["overridden"]) == (
        "Our 1:1",
        at(moved_again),
        ["title"],
    )
    # The calendar renames the event: its name wins everywhere.
    service.rename_series_from_calendar(org, series.id, title="Weekly sync", now=clock.now())
    assert api.get(mia, f"/v1/one-on-ones/{series.id}").ok()["overridden"] == []
    service.update_meeting_from_calendar(
        org, second.id, title="Weekly sync", start=START + timedelta(weeks=1),
        end=START + timedelta(weeks=1, minutes=30), now=clock.now(),
    )  # fmt: skip
    assert api.get(eli, f"/v1/meetings/{second.id}").ok()["title"] == "Weekly sync"
    assert api.get(eli, f"/v1/meetings/{second.id}").ok()["overridden"] == []


def test_a_declined_meeting_is_restored_and_can_follow_a_second_event(
    api: InProcessApi, set_now: Clock
) -> None:
    _, mia, _, series = imported_series(api)
    org, second = mia.org_id, series.meetings[1]
    service.cancel_meeting_from_calendar(org, second.id, clock.now())
    slot = START + timedelta(weeks=1)
    service.restore_meeting_from_calendar(
        org, second.id, title="Back", start=slot, end=slot + timedelta(minutes=30),
        now=clock.now(), event_id="evt-2",
    )  # fmt: skip
    restored = api.get(mia, f"/v1/meetings/{second.id}").ok()
    assert (restored["state"], restored["title"]) == ("scheduled", "Back")
    assert restored["calendar"]["event_id"] == "evt-2"
    listed = service.series_meetings_for_calendar(org, series.id)
    assert [m["id"] for m in listed][:2] == [m.id for m in series.meetings[:2]]
    extra = START + timedelta(days=3)
    added = service.extend_series_with_occurrence(
        org, series.id, original_start=extra, start=extra, end=extra + timedelta(minutes=30),
        now=clock.now(), title="Thursdays", event_id="evt-2",
    )  # fmt: skip
    assert added is not None and added["calendar"]["event_id"] == "evt-2"


def test_a_linked_series_moved_here_keeps_its_time_until_the_event_moves(
    api: InProcessApi, set_now: Clock
) -> None:
    _, mia, eli, series = imported_series(api)
    org, path = mia.org_id, f"/v1/one-on-ones/{series.id}"
    assert api.patch(mia, path, {"recurrence": "FREQ=WEEKLY;INTERVAL=2"}).status == 409
    moved = api.patch(eli, path, {"start": at(START, hours=2), "title": "Later"}).ok()
    assert moved["overridden"] == ["title", "start", "end"]
    assert moved["start"] == at(START)  # the rule stays the calendar's
    assert [m["start"] for m in moved["meetings"][:2]] == [
        at(START, hours=2),
        at(START, weeks=1, hours=2),
    ]
    assert {m["title"] for m in moved["meetings"]} == {"Later"}
    assert {tuple(m["overridden"]) for m in moved["meetings"]} == {("title", "start", "end")}

    # Syncs where the calendar still says the same keep it, for meetings made later too.
    slot = START + timedelta(weeks=1)
    second = moved["meetings"][1]["id"]
    service.update_meeting_from_calendar(
        org, second, title="From Google", start=slot, end=slot + timedelta(minutes=30),
        now=clock.now(),
    )  # fmt: skip
    master = {"start": START, "end": START + timedelta(minutes=30), "now": clock.now()}
    service.retime_series_from_calendar(org, series.id, **master)
    service.retime_series_from_calendar(org, series.id, **master)
    assert api.get(mia, f"/v1/meetings/{second}").ok()["start"] == at(slot, hours=2)
    api.run_sweep("meeting-horizon", at(START, hours=16, minutes=30))
    made = api.get(mia, path).ok()["meetings"]
    assert len(made) == 9 and made[-1]["start"] == at(START, weeks=8, hours=2)
    assert made[-1]["title"] == "Later"

    # The recurring event moves: the series and its meetings take the calendar's time.
    master["start"] += timedelta(hours=1)
    master["end"] += timedelta(hours=1)
    service.retime_series_from_calendar(org, series.id, **master)
    assert api.get(mia, path).ok()["overridden"] == ["title"]
    service.update_meeting_from_calendar(
        org, second, title="From Google", start=slot + timedelta(hours=1),
        end=slot + timedelta(hours=1, minutes=30), now=clock.now(),
    )  # fmt: skip
    back = api.get(mia, f"/v1/meetings/{second}").ok()
    assert (back["start"], back["title"], back["overridden"]) == (
        at(slot, hours=1),
        "Later",
        ["title"],
    )
