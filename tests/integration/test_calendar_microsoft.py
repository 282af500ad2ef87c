"""Microsoft Graph end to end through the handlers, with the fake provider in-process."""

from __future__ import annotations

import json
from itertools import pairwise
from zoneinfo import ZoneInfo

from momentum.core.clock import parse_instant
from tests.support.calendar_providers import FakeProviders, connect, instant
from tests.support.harness import Actor, InProcessApi

NY = "America/New_York"


def setup(api: InProcessApi, fakes: FakeProviders) -> tuple[Actor, Actor]:
    admin = api.new_org("Contoso", time_zone=NY)
    ada = api.add_user(admin, "Ada Lovelace")
    bob = api.add_user(admin, "Bob Builder")
    connect(api, fakes, ada, "microsoft")
    return ada, bob


def event(fakes: FakeProviders, ada: Actor, title: str, rrule: str, day: int, *who: str) -> str:
    created = fakes.control("/events", {
        "provider": "microsoft", "account": ada.email, "time_zone": NY, "title": title,
        "rrule": rrule, "start": instant(day, 10), "end": instant(day, 11),
        "attendees": list(who)})  # fmt: skip
    return str(created["id"])


def test_graph_patterns_are_classified_in_the_events_own_zone(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, bob = setup(api, fakes)
    ids = {
        "biweekly": event(
            fakes,
            ada,
            "Every other Tuesday",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;WKST=SU",
            -60,
            bob.email,
        ),
        "monthly": event(fakes, ada, "First Monday", "FREQ=MONTHLY;BYDAY=1MO", -90, bob.email),
        "several_per_week": event(fakes, ada, "Mon/Thu", "FREQ=WEEKLY;BYDAY=MO,TH", -40, bob.email),
    }
    listed = api.get(ada, "/v1/calendar/recurring-events").ok()
    by_id = {item["event_id"]: item for item in listed["items"]}
    assert {by_id[eid]["cadence"]: eid for eid in ids.values()} == ids
    for item in listed["items"]:
        local = [parse_instant(s).astimezone(ZoneInfo(NY)) for s in item["occurrences"]]
        assert {(m.hour, m.minute) for m in local} == {(10, 0)}, item  # across DST changes
        assert item["with_user_id"] == bob.user_id and item["time_zone"] == NY
    biweekly = [
        parse_instant(s).astimezone(ZoneInfo(NY)) for s in by_id[ids["biweekly"]]["occurrences"]
    ]
    assert all(m.weekday() == 1 for m in biweekly)
    assert all((b.date() - a.date()).days == 14 for a, b in pairwise(biweekly))


def test_import_then_rename_and_cancel_reach_the_series(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, bob = setup(api, fakes)
    event_id = event(fakes, ada, "Ada / Bob", "FREQ=WEEKLY;BYDAY=MO,TH", 1, bob.email)
    series = api.post(
        ada, "/v1/one-on-ones/import", {"provider": "microsoft", "event_id": event_id}
    ).ok()["series"]
    fakes.drain()
    before = api.get(ada, f"/v1/one-on-ones/{series['id']}").ok()["meetings"]
    base = {"provider": "microsoft", "account": ada.email}
    fakes.control(f"/events/{event_id}/rename", {**base, "title": "Ada & Bob"})
    fakes.control(f"/events/{event_id}/cancel", {**base, "original_start": before[1]["start"]})
    fakes.drain()
    after = {m["id"]: m for m in api.get(ada, f"/v1/one-on-ones/{series['id']}").ok()["meetings"]}
    assert after[before[1]["id"]]["state"] == "cancelled"
    assert {m["title"] for m in after.values() if m["state"] == "scheduled"} == {"Ada & Bob"}
    assert [m["state"] for m in after.values()].count("cancelled") == 1
    again = api.post(ada, "/v1/one-on-ones/import", {"provider": "microsoft", "event_id": event_id})
    assert again.status == 409


def test_validation_handshake_and_client_state(api: InProcessApi, fakes: FakeProviders) -> None:
    ada, bob = setup(api, fakes)
    token = "Validation: Testing client application reachability? a+b&c=d"
    from urllib.parse import quote

    echo = api.request(
        None,
        "POST",
        f"/webhooks/microsoft?validationToken={quote(token)}",
        raw_body="",
        headers={"Content-Type": "text/plain"},
    )
    assert (echo.status, echo.text) == (200, token)
    assert echo.headers["Content-Type"] == "text/plain"
    hooks = fakes.control(
        "/events",
        {
            "provider": "microsoft",
            "account": ada.email,
            "time_zone": NY,
            "title": "x",
            "start": instant(1, 9),
            "end": instant(1, 10),
            "attendees": [bob.email],
        },
    )["webhooks"]
    fakes.drain()
    body = json.loads(hooks[0]["body"])
    item = body["value"][0]
    wrong = {**item, "clientState": item["clientState"][:-4] + "AAAA"}
    mixed = {"value": [item, wrong]}
    for forged in (
        mixed,
        {"value": [{**item, "clientState": "nope"}]},
        {"value": [{**item, "subscriptionId": "other"}]},
    ):
        reply = api.request(None, "POST", "/webhooks/microsoft", raw_body=json.dumps(forged))
        assert reply.status == 403
    assert api.request(None, "POST", "/webhooks/microsoft", raw_body="{nope").status == 400
    assert fakes.queued() == 0
    assert api.request(None, "POST", "/webhooks/microsoft", raw_body=hooks[0]["body"]).status == 202
    assert fakes.queued() == 1


def test_lifecycle_subscription_removed_makes_a_new_one(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, _ = setup(api, fakes)
    account = fakes.state()["accounts"][f"microsoft:{ada.email}"]
    (old,) = account["subscriptions"]
    hooks = fakes.control("/lifecycle", {"account": ada.email, "event": "subscriptionRemoved"})
    assert [h["status"] for h in hooks["webhooks"]] == [202]
    fakes.drain()
    subscriptions = fakes.state()["accounts"][f"microsoft:{ada.email}"]["subscriptions"]
    assert len(subscriptions) == 1 and old not in subscriptions
