"""Google Calendar end to end through the handlers, with the fake provider in-process."""

from __future__ import annotations

from tests.support.calendar_providers import FakeProviders, connect, instant
from tests.support.harness import Actor, InProcessApi

NY = "America/New_York"


def people(api: InProcessApi) -> tuple[Actor, Actor, Actor]:
    admin = api.new_org("Acme", time_zone=NY)
    ada = api.add_user(admin, "Ada Lovelace", time_zone=NY)
    bob = api.add_user(admin, "Bob Builder")
    cy = api.add_user(admin, "Cy Young")
    return ada, bob, cy


def test_connect_list_and_import(api: InProcessApi, fakes: FakeProviders) -> None:
    ada, bob, cy = people(api)
    connect(api, fakes, ada, "google")
    assert api.get(ada, "/v1/calendar/connections/google").ok()["status"] == "connected"
    base = {"provider": "google", "account": ada.email, "time_zone": NY}
    weekly = fakes.control(
        "/events",
        {
            **base,
            "title": "Ada / Bob",
            "rrule": "FREQ=WEEKLY",
            "start": instant(2, 10),
            "end": instant(2, 11),
            "attendees": [bob.email],
        },
    )["id"]
    fakes.control(
        "/events",
        {
            **base,
            "title": "Team",
            "rrule": "FREQ=WEEKLY",
            "start": instant(3, 10),
            "end": instant(3, 11),
            "attendees": [bob.email, cy.email],
        },
    )
    listed = api.get(ada, "/v1/calendar/recurring-events").ok()
    assert [(e["event_id"], e["cadence"]) for e in listed["items"]] == [(weekly, "weekly")]
    assert [s["reason"] for s in listed["skipped"]] == ["too_many_attendees"]
    made = api.post(ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": weekly})
    assert made.status == 201, made.text
    series = made.json["series"]
    assert series["calendar"]["event_id"] == weekly
    fakes.drain()
    again = api.get(ada, f"/v1/one-on-ones/{series['id']}").ok()
    assert again["title"] == "Ada / Bob" and len(again["meetings"]) >= 6


def imported(api: InProcessApi, fakes: FakeProviders) -> tuple[Actor, Actor, str, str]:
    """Ada's Google calendar with a weekly 1:1 with Bob, imported as a series."""
    ada, bob, _ = people(api)
    connect(api, fakes, ada, "google")
    event_id = fakes.control("/events", {
        "provider": "google", "account": ada.email, "time_zone": NY, "title": "Ada / Bob",
        "rrule": "FREQ=WEEKLY", "start": instant(2, 10), "end": instant(2, 11),
        "attendees": [bob.email]})["id"]  # fmt: skip
    made = api.post(ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": event_id})
    fakes.drain()
    return ada, bob, event_id, made.ok()["series"]["id"]


def meetings(api: InProcessApi, actor: Actor, series_id: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = api.get(actor, f"/v1/one-on-ones/{series_id}").ok()["meetings"]
    return found


def change(
    fakes: FakeProviders, ada: Actor, event_id: str, action: str, **body: object
) -> list[dict[str, object]]:
    answer = fakes.control(
        f"/events/{event_id}/{action}", {"provider": "google", "account": ada.email, **body}
    )
    hooks: list[dict[str, object]] = answer["webhooks"]
    assert hooks and all(h["status"] == 200 for h in hooks)
    return hooks


def test_calendar_changes_reach_the_one_on_ones(api: InProcessApi, fakes: FakeProviders) -> None:
    ada, bob, event_id, series_id = imported(api, fakes)
    before = meetings(api, ada, series_id)
    first, second, third, fourth = before[:4]
    change(fakes, ada, event_id, "rename", title="Ada & Bob weekly")
    fakes.drain()
    assert {m["title"] for m in meetings(api, ada, series_id)} == {"Ada & Bob weekly"}

    moved_start = instant(4, 15)
    change(
        fakes,
        ada,
        event_id,
        "move",
        original_start=second["start"],
        start=moved_start,
        end=instant(4, 16),
    )
    change(fakes, ada, event_id, "cancel", original_start=third["start"])
    change(fakes, ada, event_id, "decline", original_start=fourth["start"], attendee=bob.email)
    assert fakes.drain() >= 1
    after = {m["id"]: m for m in meetings(api, ada, series_id)}
    assert after[second["id"]]["start"] != second["start"]
    assert after[second["id"]]["state"] == "scheduled"
    assert after[third["id"]]["state"] == "cancelled"
    assert after[fourth["id"]]["state"] == "cancelled"
    assert after[first["id"]]["state"] == "scheduled"
    assert len(after) == len(before)
    # Bob sees the same 1:1, cancelled meetings struck through with their content kept.
    assert api.get(bob, f"/v1/meetings/{third['id']}").ok()["state"] == "cancelled"


def test_duplicate_and_out_of_order_webhooks_change_nothing(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, _, event_id, series_id = imported(api, fakes)
    target = meetings(api, ada, series_id)[1]
    hooks = change(fakes, ada, event_id, "cancel", original_start=target["start"])
    hooks += change(fakes, ada, event_id, "rename", title="Renamed")
    fakes.drain()
    settled = meetings(api, ada, series_id)
    activity_before = api.get(ada, f"/v1/activity?entity_id={target['id']}").ok()["items"]
    for _ in range(3):
        for hook in reversed(hooks):
            reply = api.request(
                None, "POST", str(hook["path"]), raw_body="", headers=dict(hook["headers"])
            )  # type: ignore[arg-type]
            assert reply.status == 200
    fakes.drain()
    assert meetings(api, ada, series_id) == settled
    assert api.get(ada, f"/v1/activity?entity_id={target['id']}").ok()["items"] == activity_before


def test_forged_notifications_are_refused_and_enqueue_nothing(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, _, event_id, _ = imported(api, fakes)
    hook = change(fakes, ada, event_id, "rename", title="x")[0]
    fakes.drain()
    headers = dict(hook["headers"])  # type: ignore[arg-type]
    forged = {**headers, "X-Goog-Channel-Token": "guessed", "X-Goog-Message-Number": "999"}
    assert api.request(None, "POST", "/webhooks/google", raw_body="", headers=forged).status == 401
    unknown = {**headers, "X-Goog-Channel-ID": "nope", "X-Goog-Message-Number": "1000"}
    assert api.request(None, "POST", "/webhooks/google", raw_body="", headers=unknown).status == 403
    other_resource = {**headers, "X-Goog-Resource-ID": "r-other", "X-Goog-Message-Number": "1001"}
    reply = api.request(None, "POST", "/webhooks/google", raw_body="", headers=other_resource)
    assert reply.status == 403
    bare = api.request(None, "POST", "/webhooks/google", raw_body="", headers={})
    assert bare.status == 400
    assert fakes.queued() == 0


def test_an_expired_sync_token_means_a_full_resync_without_duplicates(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, _, event_id, series_id = imported(api, fakes)
    before = meetings(api, ada, series_id)
    fakes.control("/expire-sync-tokens", {"provider": "google", "account": ada.email})
    change(fakes, ada, event_id, "cancel", original_start=before[2]["start"])
    fakes.drain()
    after = meetings(api, ada, series_id)
    assert [m["id"] for m in after] == [m["id"] for m in before]
    assert [m["state"] for m in after].count("cancelled") == 1
    connection = api.get(ada, "/v1/calendar/connections/google").ok()
    assert connection["last_synced_at"]
