"""The issue's story, written once against `Api` and a `Fakes` driver, run in-process here
and over HTTP against the local stack in tests/e2e/test_calendar.py."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from momentum.core import clock
from tests.support.calendar_providers import (
    NY,
    FakeProviders,
    Fakes,
    change_event,
    connect,
    recurring_event,
    weeks_ago,
)
from tests.support.harness import Actor, Api, InProcessApi


def first_monday(months_ago: int, hour: int) -> datetime:
    today = clock.now().astimezone(NY).date()
    year, month = divmod(today.year * 12 + today.month - 1 - months_ago, 12)
    day = datetime(year, month + 1, 1, hour, 30, tzinfo=NY)
    return day + timedelta(days=(0 - day.weekday()) % 7)


def _local_times(item: dict[str, Any]) -> set[tuple[int, int]]:
    return {
        (m.hour, m.minute)
        for m in (clock.parse_instant(s).astimezone(NY) for s in item["occurrences"])
    }


def classify_story(api: Api, fakes: Fakes, provider: str) -> tuple[Actor, Actor, dict[str, str]]:
    """Four 1:1-shaped recurring events and a three-person one, listed for bulk create."""
    admin = api.new_org(f"Acme {provider}", time_zone="America/New_York")
    ada = api.add_user(admin, "Ada Lovelace", time_zone="America/New_York")
    bob, cy = api.add_user(admin, "Bob Builder"), api.add_user(admin, "Cy Young")
    connect(api, fakes, ada, provider)
    ids = {
        "weekly": recurring_event(
            fakes, provider, ada, "Weekly", "FREQ=WEEKLY;BYDAY=TU", weeks_ago(30, 1, 10), bob
        ),
        "biweekly": recurring_event(
            fakes,
            provider,
            ada,
            "Biweekly",
            "FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=TU",
            weeks_ago(30, 1, 14),
            cy,
        ),
        "monthly": recurring_event(
            fakes, provider, ada, "Monthly", "FREQ=MONTHLY;BYDAY=1MO", first_monday(8, 9), cy
        ),
        "several_per_week": recurring_event(
            fakes, provider, ada, "Mon/Thu", "FREQ=WEEKLY;BYDAY=MO,TH", weeks_ago(30, 0, 16), cy
        ),
    }
    crowd = recurring_event(
        fakes, provider, ada, "Team", "FREQ=WEEKLY;BYDAY=WE", weeks_ago(2, 2, 10), bob, cy
    )
    listed = api.get(ada, "/v1/calendar/recurring-events").ok()
    by_id = {item["event_id"]: item for item in listed["items"]}
    assert {kind: by_id[eid]["cadence"] for kind, eid in ids.items()} == {k: k for k in ids}
    hours = {
        "weekly": {(10, 0)},
        "biweekly": {(14, 0)},
        "monthly": {(9, 30)},
        "several_per_week": {(16, 0)},
    }
    for kind, event_id in ids.items():
        assert _local_times(by_id[event_id]) == hours[kind], kind  # wall clock kept across DST
    weekly = [clock.parse_instant(s).astimezone(NY) for s in by_id[ids["biweekly"]]["occurrences"]]
    assert all(b.date() - a.date() == timedelta(days=14) for a, b in itertools.pairwise(weekly))
    assert by_id[ids["weekly"]]["with_user_id"] == bob.user_id
    skipped = {s["event_id"]: s["reason"] for s in listed["skipped"]}
    assert skipped == {crowd: "too_many_attendees"}
    return ada, bob, ids


def _meetings(api: Api, actor: Actor, series_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.get(actor, f"/v1/one-on-ones/{series_id}").ok()["meetings"]
    return found


def run_calendar_story(api: Api, fakes: Fakes, provider: str) -> None:
    ada, bob, ids = classify_story(api, fakes, provider)
    event_id = ids["weekly"]
    made = api.post(ada, "/v1/one-on-ones/import", {"provider": provider, "event_id": event_id})
    assert made.status == 201, made.text
    series_id = made.json["series"]["id"]
    assert made.json["series"]["calendar"]["event_id"] == event_id
    fakes.drain()
    before = _meetings(api, ada, series_id)
    hooks = change_event(fakes, provider, ada, event_id, "rename", title="Ada & Bob")
    hooks += change_event(
        fakes,
        provider,
        ada,
        event_id,
        "move",
        original_start=before[1]["start"],
        start=(clock.parse_instant(before[1]["start"]) + timedelta(hours=3)).isoformat(),
        end=(clock.parse_instant(before[1]["end"]) + timedelta(hours=3)).isoformat(),
    )
    hooks += change_event(
        fakes, provider, ada, event_id, "cancel", original_start=before[2]["start"]
    )
    hooks += change_event(
        fakes,
        provider,
        ada,
        event_id,
        "decline",
        original_start=before[3]["start"],
        attendee=bob.email,
    )
    fakes.drain()
    after = {m["id"]: m for m in _meetings(api, ada, series_id)}
    assert len(after) == len(before)
    moved = after[before[1]["id"]]
    assert clock.parse_instant(moved["start"]) - clock.parse_instant(before[1]["start"]) == (
        timedelta(hours=3)
    )
    assert [after[m["id"]]["state"] for m in before[:5]] == [
        "scheduled",
        "scheduled",
        "cancelled",
        "cancelled",
        "scheduled",
    ]
    assert {m["title"] for m in after.values() if m["state"] == "scheduled"} == {"Ada & Bob"}
    assert api.get(bob, f"/v1/meetings/{before[2]['id']}").ok()["state"] == "cancelled"

    # The same webhooks three times, newest first: nothing changes, nothing new is queued
    # beyond syncs that find the calendar as it is.
    settled = _meetings(api, ada, series_id)
    for _ in range(3):
        for hook in reversed(hooks):
            reply = api.request(
                None, "POST", hook["path"], raw_body=hook["body"], headers=hook["headers"]
            )
            assert 200 <= reply.status < 300
    fakes.drain()
    assert _meetings(api, ada, series_id) == settled

    _refused(api, fakes, provider, hooks[0])

    # An expired sync token / delta link: a full resync, and still one meeting per slot.
    fakes.control("/expire-sync-tokens", {"provider": provider, "account": ada.email})
    change_event(fakes, provider, ada, event_id, "cancel", original_start=before[4]["start"])
    fakes.drain()
    final = _meetings(api, ada, series_id)
    assert [m["id"] for m in final] == [m["id"] for m in settled]
    assert [m["state"] for m in final].count("cancelled") == 3


def _refused(api: Api, fakes: Fakes, provider: str, hook: dict[str, Any]) -> None:
    """A forged Google token and a wrong Graph clientState: refused, nothing enqueued."""
    if provider == "google":
        forged = {
            **hook["headers"],
            "X-Goog-Channel-Token": "forged",
            "X-Goog-Message-Number": "987654",
        }
        reply = api.request(None, "POST", "/webhooks/google", raw_body="", headers=forged)
    else:
        body = json.loads(hook["body"])
        body["value"][0]["clientState"] = body["value"][0]["clientState"][:-6] + "forged"
        reply = api.request(None, "POST", "/webhooks/microsoft", raw_body=json.dumps(body))
    assert reply.status in (401, 403), reply.text
    assert fakes.drain() == 0


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_the_calendar_story(api: InProcessApi, fakes: FakeProviders, provider: str) -> None:
    run_calendar_story(api, fakes, provider)
