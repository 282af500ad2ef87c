"""Seed 001's "From Betterworks" edits of calendar-linked 1:1s, and a pair with two recurring
events: written against `Api` and `Fakes`, run in-process here and over HTTP in
tests/e2e/test_calendar.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from momentum.core import clock
from tests.support.calendar_providers import (
    FakeProviders,
    Fakes,
    change_event,
    connect,
    recurring_event,
    weeks_ago,
)
from tests.support.harness import Api, InProcessApi


def _pair(api: Api, fakes: Fakes, provider: str, name: str) -> tuple[Any, Any]:
    admin = api.new_org(f"{name} {provider}", time_zone="America/New_York")
    ada = api.add_user(admin, "Ada Lovelace", time_zone="America/New_York")
    bob = api.add_user(admin, "Bob Builder")
    connect(api, fakes, ada, provider)
    return ada, bob


def _import(api: Api, fakes: Fakes, ada: Any, provider: str, event_id: str) -> dict[str, Any]:
    made = api.post(ada, "/v1/one-on-ones/import", {"provider": provider, "event_id": event_id})
    assert made.status == 201, made.text
    fakes.drain()
    series: dict[str, Any] = made.json["series"]
    return series


def run_linked_edits_story(api: Api, fakes: Fakes, provider: str) -> None:
    ada, bob = _pair(api, fakes, provider, "Edits")
    event_id = recurring_event(
        fakes, provider, ada, "Weekly", "FREQ=WEEKLY;BYDAY=MO", weeks_ago(2, 0, 10), bob
    )
    series = _import(api, fakes, ada, provider, event_id)
    path = f"/v1/one-on-ones/{series['id']}"
    renamed = api.patch(ada, path, {"title": "Our weekly"}).ok()
    assert (renamed["title"], renamed["overridden"]) == ("Our weekly", ["title"])
    now = clock.now()
    ahead = [m for m in renamed["meetings"] if clock.parse_instant(m["start"]) > now]
    target, other = ahead[0], ahead[1]
    edited = api.patch(bob, f"/v1/meetings/{target['id']}", {"title": "Planning"}).ok()
    assert (edited["title"], edited["overridden"]) == ("Planning", ["title"])

    # The calendar moves that meeting (time only): the name given here holds.
    later = clock.parse_instant(target["start"]) + timedelta(hours=1)
    change_event(
        fakes, provider, ada, event_id, "move", original_start=target["start"],
        start=later.isoformat(), end=(later + timedelta(minutes=30)).isoformat(),
    )  # fmt: skip
    fakes.drain()
    moved = api.get(ada, f"/v1/meetings/{target['id']}").ok()
    assert (moved["title"], clock.parse_instant(moved["start"])) == ("Planning", later)
    assert moved["overridden"] == ["title"]
    assert api.get(ada, path).ok()["title"] == "Our weekly"
    assert api.get(ada, f"/v1/meetings/{other['id']}").ok()["title"] == "Our weekly"

    # The calendar renames the event: its name replaces both changes made here.
    change_event(fakes, provider, ada, event_id, "rename", title="Ada & Bob")
    fakes.drain()
    after = api.get(bob, path).ok()
    assert (after["title"], after["overridden"]) == ("Ada & Bob", [])
    final = api.get(ada, f"/v1/meetings/{target['id']}").ok()
    assert (final["title"], final["overridden"]) == ("Ada & Bob", [])
    assert clock.parse_instant(final["start"]) == later
    live = [m for m in after["meetings"] if clock.parse_instant(m["start"]) > now]
    assert {m["title"] for m in live} == {"Ada & Bob"}
    row = api.get(ada, "/v1/one-on-ones?tab=upcoming").ok()["items"][0]
    assert row["title"] == "Ada & Bob"


def run_linked_series_time_story(api: Api, fakes: Fakes, provider: str) -> None:
    ada, bob = _pair(api, fakes, provider, "Retime")
    event_id = recurring_event(
        fakes, provider, ada, "Weekly", "FREQ=WEEKLY;BYDAY=TU", weeks_ago(2, 1, 9), bob
    )
    series = _import(api, fakes, ada, provider, event_id)
    path, now = f"/v1/one-on-ones/{series['id']}", clock.now()
    ahead = [m for m in series["meetings"] if clock.parse_instant(m["start"]) > now]
    calendar_times = {m["id"]: clock.parse_instant(m["start"]) for m in ahead}
    new_start = calendar_times[ahead[0]["id"]] + timedelta(hours=2)
    moved = api.patch(bob, path, {"start": new_start.isoformat()}).ok()
    assert moved["overridden"] == ["start", "end"]

    def starts() -> dict[str, timedelta]:
        meetings = api.get(ada, path).ok()["meetings"]
        return {
            m["id"]: clock.parse_instant(m["start"]) - calendar_times[m["id"]]
            for m in meetings
            if m["id"] in calendar_times
        }

    assert set(starts().values()) == {timedelta(hours=2)}
    # A rename in the calendar changes no time: the time given here holds.
    change_event(fakes, provider, ada, event_id, "rename", title="Tuesday sync")
    fakes.drain()
    assert set(starts().values()) == {timedelta(hours=2)}
    assert api.get(ada, path).ok()["title"] == "Tuesday sync"
    # The calendar moves one meeting: that one takes the calendar's time, the rest hold.
    one = ahead[1]
    slot = calendar_times[one["id"]] + timedelta(minutes=30)
    change_event(
        fakes, provider, ada, event_id, "move", original_start=one["start"],
        start=slot.isoformat(), end=(slot + timedelta(minutes=30)).isoformat(),
    )  # fmt: skip
    fakes.drain()
    after = starts()
    assert after.pop(one["id"]) == timedelta(minutes=30)
    assert set(after.values()) == {timedelta(hours=2)}
    meeting = api.get(ada, f"/v1/meetings/{one['id']}").ok()
    assert meeting["overridden"] == []


def run_two_events_story(api: Api, fakes: Fakes, provider: str) -> None:
    ada, bob = _pair(api, fakes, provider, "Twice")
    mondays = recurring_event(
        fakes, provider, ada, "Mondays", "FREQ=WEEKLY;BYDAY=MO", weeks_ago(2, 0, 10), bob
    )
    thursdays = recurring_event(
        fakes, provider, ada, "Thursdays", "FREQ=WEEKLY;BYDAY=TH", weeks_ago(2, 3, 16), bob
    )
    series = _import(api, fakes, ada, provider, mondays)
    attached = _import(api, fakes, ada, provider, thursdays)
    assert attached["id"] == series["id"]
    meetings = api.get(ada, f"/v1/one-on-ones/{series['id']}").ok()["meetings"]
    local = {
        m["id"]: clock.parse_instant(m["start"]).astimezone(clock.zone("America/New_York"))
        for m in meetings
    }
    follows = {(local[m["id"]].weekday(), m["calendar"]["event_id"], m["title"]) for m in meetings}
    assert follows == {(0, mondays, "Mondays"), (3, thursdays, "Thursdays")}


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_edits_made_here_hold_until_the_calendar_changes_them(
    api: InProcessApi, fakes: FakeProviders, provider: str
) -> None:
    run_linked_edits_story(api, fakes, provider)


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_each_meeting_names_the_event_it_follows(
    api: InProcessApi, fakes: FakeProviders, provider: str
) -> None:
    run_two_events_story(api, fakes, provider)


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_a_series_time_set_here_holds_until_the_calendar_moves_a_meeting(
    api: InProcessApi, fakes: FakeProviders, provider: str
) -> None:
    run_linked_series_time_story(api, fakes, provider)
