"""Create new (events with one person), one-off imports, a second recurrence for a pair,
a "this and following" split, and an ended recurring event."""

from __future__ import annotations

from typing import Any

from tests.support.calendar_providers import FakeProviders, connect, instant
from tests.support.harness import Actor, InProcessApi

NY = "America/New_York"


def team(api: InProcessApi, fakes: FakeProviders) -> tuple[Actor, Actor, Actor]:
    admin = api.new_org("Acme", time_zone=NY)
    ada = api.add_user(admin, "Ada Lovelace")
    bob, cy = api.add_user(admin, "Bob Builder"), api.add_user(admin, "Cy Young")
    connect(api, fakes, ada, "google")
    return ada, bob, cy


def create(
    fakes: FakeProviders,
    ada: Actor,
    title: str,
    day: int,
    *who: Actor,
    rrule: str | None = None,
    hour: int = 10,
) -> str:
    body: dict[str, Any] = {
        "provider": "google",
        "account": ada.email,
        "time_zone": NY,
        "title": title,
        "start": instant(day, hour),
        "end": instant(day, hour + 1),
        "attendees": [w.email for w in who],
    }
    if rrule:
        body["rrule"] = rrule
    return str(fakes.control("/events", body)["id"])


def test_create_new_lists_events_with_one_person(api: InProcessApi, fakes: FakeProviders) -> None:
    ada, bob, cy = team(api, fakes)
    one_off = create(fakes, ada, "Coffee", 3, bob)
    weekly = create(fakes, ada, "Weekly", 2, bob, rrule="FREQ=WEEKLY")
    crowd = create(fakes, ada, "Planning", 4, bob, cy)
    create(fakes, ada, "Other", 5, cy)
    listed = api.get(ada, f"/v1/calendar/events?with_user_id={bob.user_id}").ok()
    assert {(e["event_id"], e["recurring"]) for e in listed["items"]} == {
        (one_off, False),
        (weekly, True),
    }
    assert [(s["event_id"], s["reason"]) for s in listed["skipped"]] == [
        (crowd, "too_many_attendees")
    ]
    assert api.get(ada, f"/v1/calendar/events?with_user_id={ada.user_id}").status == 422
    assert api.get(ada, "/v1/calendar/events?with_user_id=nobody").status == 422


def test_a_one_off_import_follows_its_event(api: InProcessApi, fakes: FakeProviders) -> None:
    ada, bob, _ = team(api, fakes)
    event_id = create(fakes, ada, "Coffee", 3, bob)
    made = api.post(ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": event_id})
    meeting = made.ok()["meeting"]
    assert meeting["title"] == "Coffee" and meeting["calendar"]["event_id"] == event_id
    assert api.get(ada, "/v1/calendar/events?with_user_id=" + bob.user_id).ok()["items"][0][
        "linked"] == {"kind": "meeting", "id": meeting["id"]}  # fmt: skip
    base = {"provider": "google", "account": ada.email}
    fakes.control(
        f"/events/{event_id}/move", {**base, "start": instant(4, 15), "end": instant(4, 16)}
    )
    fakes.drain()
    moved = api.get(bob, f"/v1/meetings/{meeting['id']}").ok()
    assert moved["start"] != meeting["start"] and moved["state"] == "scheduled"
    fakes.control(f"/events/{event_id}/decline", {**base, "attendee": bob.email})
    fakes.drain()
    assert api.get(ada, f"/v1/meetings/{meeting['id']}").ok()["state"] == "cancelled"
    fakes.control(f"/events/{event_id}/accept", {**base, "attendee": bob.email})
    fakes.drain()
    assert api.get(ada, f"/v1/meetings/{meeting['id']}").ok()["state"] == "scheduled"
    fakes.control(f"/events/{event_id}/cancel", base)
    fakes.drain()
    assert api.get(ada, f"/v1/meetings/{meeting['id']}").ok()["state"] == "cancelled"


def test_events_that_are_not_one_on_ones_cannot_be_imported(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, bob, cy = team(api, fakes)
    crowd = create(fakes, ada, "Planning", 4, bob, cy)
    reply = api.post(ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": crowd})
    assert reply.status == 422 and reply.json["errors"][0]["message"] == "too_many_attendees"
    missing = api.post(ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": "nope"})
    assert missing.status == 404
    unconnected = api.post(bob, "/v1/one-on-ones/import", {"provider": "google", "event_id": crowd})
    assert unconnected.status == 404
    bad = api.post(ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": 5})
    assert bad.status == 422


def test_a_second_recurrence_for_the_pair_attaches_to_the_series(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, bob, _ = team(api, fakes)
    tuesdays = create(fakes, ada, "Tuesdays", 1, bob, rrule="FREQ=WEEKLY")
    series = api.post(
        ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": tuesdays}
    ).ok()["series"]
    fakes.drain()
    fridays = create(fakes, ada, "Fridays", 4, bob, rrule="FREQ=WEEKLY", hour=15)
    attached = api.post(ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": fridays})
    assert attached.status == 201 and attached.json["series"]["id"] == series["id"]
    fakes.drain()
    meetings = api.get(ada, f"/v1/one-on-ones/{series['id']}").ok()["meetings"]
    assert {m["title"] for m in meetings} == {"Tuesdays", "Fridays"}
    slots = [m["start"] for m in meetings]
    assert len(slots) == len(set(slots))


def test_an_ended_recurring_event_ends_the_series(api: InProcessApi, fakes: FakeProviders) -> None:
    ada, bob, _ = team(api, fakes)
    event_id = create(fakes, ada, "Weekly", 1, bob, rrule="FREQ=WEEKLY")
    series = api.post(
        ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": event_id}
    ).ok()["series"]
    fakes.drain()
    meetings = api.get(ada, f"/v1/one-on-ones/{series['id']}").ok()["meetings"]
    until = meetings[2]["start"].replace("-", "").replace(":", "").replace("+0000", "Z")
    fakes.control(
        f"/events/{event_id}/update",
        {"provider": "google", "account": ada.email, "rrule": f"FREQ=WEEKLY;UNTIL={until}"},
    )
    fakes.drain()
    after = api.get(ada, f"/v1/one-on-ones/{series['id']}").ok()
    assert after["calendar"]["ended"] is True
    assert after["ends_at"] == meetings[2]["end"]
    states = [m["state"] for m in after["meetings"]]
    assert states[:3] == ["scheduled"] * 3 and set(states[3:]) == {"cancelled"}


def test_this_and_following_split_continues_the_same_series(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, bob, _ = team(api, fakes)
    event_id = create(fakes, ada, "Weekly", 1, bob, rrule="FREQ=WEEKLY")
    series = api.post(
        ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": event_id}
    ).ok()["series"]
    fakes.drain()
    before = api.get(ada, f"/v1/one-on-ones/{series['id']}").ok()["meetings"]
    # Google ends the old event and makes `<old id>_R<date>` for the rest, an hour later.
    split_at = before[3]["start"].replace("-", "").replace(":", "").replace("+0000", "Z")
    last_old = before[2]["start"].replace("-", "").replace(":", "").replace("+0000", "Z")
    base = {"provider": "google", "account": ada.email}
    fakes.control(f"/events/{event_id}/update", {**base, "rrule": f"FREQ=WEEKLY;UNTIL={last_old}"})
    fakes.control(
        "/events",
        {
            **base,
            "id": f"{event_id}_R{split_at}",
            "title": "Weekly (later)",
            "time_zone": NY,
            "rrule": "FREQ=WEEKLY",
            "attendees": [bob.email],
            "start": instant(22, 11),
            "end": instant(22, 12),
        },
    )
    fakes.drain()
    after = api.get(ada, f"/v1/one-on-ones/{series['id']}").ok()
    live = [m for m in after["meetings"] if m["state"] == "scheduled"]
    assert [m["id"] for m in live[:3]] == [m["id"] for m in before[:3]]
    assert {m["title"] for m in live[3:]} == {"Weekly (later)"}
    assert after["calendar"].get("ended") is not True  # the series goes on


def test_an_event_whose_series_was_deleted_can_be_imported_again(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, bob, _ = team(api, fakes)
    event_id = create(fakes, ada, "Weekly", 3, bob, rrule="FREQ=WEEKLY")
    body = {"provider": "google", "event_id": event_id}
    first = api.post(ada, "/v1/one-on-ones/import", body).ok()["series"]
    again = api.post(ada, "/v1/one-on-ones/import", body)
    assert again.status == 409 and again.json["id"] == first["id"]
    assert api.delete(ada, f"/v1/one-on-ones/{first['id']}").status == 204
    second = api.post(ada, "/v1/one-on-ones/import", body)
    assert second.status == 201 and second.json["series"]["id"] != first["id"]
