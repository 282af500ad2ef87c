"""OKR cycles, confidence and history (SPEC §7), as scenarios on the `Api` interface so
the e2e tests run them unchanged over HTTP. They are relative to today (the stack's
clock cannot be frozen); the last test freezes the request clock in-process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from momentum.core import clock
from tests.support.harness import Actor, Api

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _today() -> date:
    return clock.now().astimezone(UTC).date()


def april_org(api: Api, name: str) -> Actor:
    admin = api.new_org(name)
    api.patch(admin, "/v1/org/settings", {"fiscal_year_start_month": 4}).ok()
    return admin


def cycles(api: Api, actor: Actor, query: str = "") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get(actor, f"/v1/cycles{query}").ok()["items"]
    return items


def current_and_next_quarter(api: Api, actor: Actor) -> tuple[dict[str, Any], dict[str, Any]]:
    quarter = cycles(api, actor, "?current=true")[0]
    after = (date.fromisoformat(quarter["end_date"]) + timedelta(days=1)).isoformat()
    # a goal dated in the next quarter makes its fiscal year exist if it did not yet
    probe = {"kind": "objective", "title": "Probe", "start_date": after, "due_date": after}
    probe_id = api.post(actor, "/v1/goals", probe).ok()["id"]
    api.delete(actor, f"/v1/goals/{probe_id}").ok()
    [following] = [
        c for c in cycles(api, actor) if c["start_date"] == after and c["kind"] == "quarter"
    ]
    return quarter, following


def goal(api: Api, actor: Actor, title: str, **fields: Any) -> dict[str, Any]:
    created: dict[str, Any] = api.post(
        actor, "/v1/goals", {"kind": "objective", "title": title, **fields}
    ).ok()
    return created


def key_result(api: Api, actor: Actor, title: str, parent_id: str) -> dict[str, Any]:
    return goal(api, actor, title, kind="key_result", parent_id=parent_id)


def check_in(api: Api, actor: Actor, goal_id: str, value: float, **fields: Any) -> None:
    body = {"value": value, "status": "on_track", **fields}
    api.post(actor, f"/v1/goals/{goal_id}/check-ins", body).ok()


def listed(api: Api, actor: Actor, query: str) -> set[str]:
    return {g["title"] for g in api.get(actor, f"/v1/goals{query}").ok()["items"]}


def test_an_april_fiscal_year_has_quarters_and_new_goals_land_in_the_current_one(
    api: Api,
) -> None:
    admin = april_org(api, "April Co")
    today = _today()
    fiscal_start = today.year if today.month >= 4 else today.year - 1
    all_cycles = cycles(api, admin)
    [q1] = [c for c in all_cycles if c["name"].endswith("Q1")]
    assert (q1["kind"], q1["start_date"], q1["end_date"]) == (
        "quarter",
        f"{fiscal_start}-04-01",
        f"{fiscal_start}-06-30",
    )
    [year] = [c for c in all_cycles if c["kind"] == "year"]
    assert (year["start_date"], year["end_date"]) == (
        f"{fiscal_start}-04-01",
        f"{fiscal_start + 1}-03-31",
    )
    assert year["name"] == f"FY{fiscal_start + 1}"
    quarter, following = current_and_next_quarter(api, admin)
    assert quarter["kind"] == "quarter" and quarter["current"]
    assert [c["kind"] for c in cycles(api, admin, "?current=true")] == ["quarter", "year"]

    now_goal = goal(api, admin, "Ship the mobile app")
    assert now_goal["cycle_id"] == quarter["id"]
    assert (now_goal["start_date"], now_goal["due_date"]) == (
        quarter["start_date"],
        quarter["end_date"],
    )
    later = goal(api, admin, "Open the Lisbon office", cycle_id=following["id"])
    assert (later["start_date"], later["due_date"]) == (
        following["start_date"],
        following["end_date"],
    )
    assert listed(api, admin, "") == {"Ship the mobile app"}
    assert listed(api, admin, f"?cycle_id={following['id']}") == {"Open the Lisbon office"}
    assert listed(api, admin, "?cycle_id=all") == {"Ship the mobile app", "Open the Lisbon office"}
    assert listed(api, admin, f"?owner_id={admin.user_id}") == {"Ship the mobile app"}

    assert [h["title"] for h in api.get(admin, "/v1/goals/search?q=ship").ok()["mine"]] == [
        "Ship the mobile app"
    ]
    assert api.get(admin, "/v1/goals/search?q=lisbon").ok()["mine"] == []
    every = api.get(admin, "/v1/goals/search?q=lisbon&cycle_id=all").ok()["mine"]
    assert [h["title"] for h in every] == ["Open the Lisbon office"]


def test_custom_cycles_nest_or_stay_apart_and_only_admins_define_them(api: Api) -> None:
    admin = april_org(api, "Sprints")
    member = api.add_user(admin, "Mia Member")
    quarter = cycles(api, admin, "?current=true")[0]
    start = date.fromisoformat(quarter["start_date"])
    sprint = {
        "name": "Sprint 1",
        "start_date": (start + timedelta(days=7)).isoformat(),
        "end_date": (start + timedelta(days=20)).isoformat(),
    }
    assert api.post(member, "/v1/cycles", sprint).status == 403
    created = api.post(admin, "/v1/cycles", sprint)
    assert created.status == 201 and created.json["kind"] == "custom"
    crossing = {
        "name": "Crossing",
        "start_date": (date.fromisoformat(quarter["end_date"]) - timedelta(days=3)).isoformat(),
        "end_date": (date.fromisoformat(quarter["end_date"]) + timedelta(days=3)).isoformat(),
    }
    refused = api.post(admin, "/v1/cycles", crossing)
    assert refused.status == 409 and "would overlap FY" in refused.json["detail"]
    backwards = {**sprint, "start_date": sprint["end_date"], "end_date": sprint["start_date"]}
    assert api.post(admin, "/v1/cycles", backwards).status == 422
    entries = api.get(admin, f"/v1/activity?entity_id={created.json['id']}").ok()["items"]
    assert [e["action"] for e in entries] == ["cycle_created"]
    assert api.get(member, f"/v1/activity?entity_id={created.json['id']}").status == 200


def test_closing_a_cycle_scores_its_goals_and_carries_two_with_their_alignment(
    api: Api,
) -> None:
    admin = april_org(api, "Closing")
    owner = api.add_user(admin, "Olga Owner", manager_id=admin.user_id)
    quarter, following = current_and_next_quarter(api, admin)
    grow = goal(api, owner, "Grow revenue")
    leads = key_result(api, owner, "Double the leads", grow["id"])
    deals = key_result(api, owner, "Close ten deals", grow["id"])
    other = goal(api, owner, "Hire a designer")
    check_in(api, owner, leads["id"], 40, confidence="low")
    check_in(api, owner, deals["id"], 100)
    check_in(api, owner, other["id"], 25)

    alone = api.post(admin, f"/v1/cycles/{quarter['id']}/close", {"carry_over": [leads["id"]]})
    assert alone.status == 422 and "carry its objective too" in alone.text
    finished = api.post(admin, f"/v1/cycles/{quarter['id']}/close", {"carry_over": [deals["id"]]})
    assert finished.status == 422
    assert api.post(owner, f"/v1/cycles/{quarter['id']}/close", {}).status == 403

    closed = api.post(
        admin, f"/v1/cycles/{quarter['id']}/close", {"carry_over": [leads["id"], grow["id"]]}
    ).ok()
    assert closed["cycle"]["state"] == "closed" and closed["carried_into"] == following["id"]
    scores = {g["title"]: g["final_score"] for g in closed["goals"]}
    assert scores == {
        "Grow revenue": 0.7,
        "Double the leads": 0.4,
        "Close ten deals": 1.0,
        "Hire a designer": 0.25,
    }
    old_grow = api.get(owner, f"/v1/goals/{grow['id']}").ok()
    assert old_grow["final_score"] == 0.7 and old_grow["cycle_closed"]
    new_grow = api.get(owner, f"/v1/goals/{old_grow['carried_to']}").ok()
    assert new_grow["carried_from"] == grow["id"] and new_grow["cycle_id"] == following["id"]
    assert new_grow["start_date"] == following["start_date"]
    [new_leads_id] = new_grow["children_ids"]
    new_leads = api.get(owner, f"/v1/goals/{new_leads_id}").ok()
    assert new_leads["carried_from"] == leads["id"] and new_leads["parent_id"] == new_grow["id"]
    assert new_leads["metric"]["current"] == 40 and new_leads["progress"] == 40
    assert new_leads["confidence"] == "low"
    assert new_grow["progress"] == 40  # rolled up from the carried key result alone
    history = api.get(owner, f"/v1/goals/{new_leads_id}/history").ok()["points"]
    assert [p["source"] for p in history] == ["carried_over"]
    assert listed(api, owner, f"?cycle_id={following['id']}") == {"Grow revenue"}

    # a closed cycle is read-only, except for admins
    assert api.post(owner, f"/v1/goals/{other['id']}/check-ins", {"status": "behind"}).status == 403
    assert api.patch(owner, f"/v1/goals/{other['id']}", {"title": "Hire two"}).status == 403
    assert (
        api.post(
            owner, "/v1/goals", {"kind": "objective", "title": "Late", "cycle_id": quarter["id"]}
        ).status
        == 403
    )
    assert (
        api.patch(admin, f"/v1/goals/{other['id']}", {"title": "Hire two"}).ok()["title"]
        == "Hire two"
    )
    assert api.post(admin, f"/v1/cycles/{quarter['id']}/close", {}).status == 409
    entries = api.get(admin, f"/v1/activity?entity_id={quarter['id']}").ok()["items"]
    assert entries[0]["action"] == "cycle_closed"
    carried = api.get(owner, f"/v1/activity?entity_id={grow['id']}").ok()["items"]
    assert "goal_carried_over" in [e["action"] for e in carried]


def test_reminders_skip_goals_of_the_next_quarter_and_goals_checked_in_lately(api: Api) -> None:
    admin = april_org(api, "Reminded")
    tomorrow = _today() + timedelta(days=1)
    api.patch(
        admin,
        "/v1/org/settings",
        {
            "checkin_reminders": {
                "cadence": "weekly",
                "weekday": WEEKDAYS[tomorrow.weekday()],
                "hour": 9,
            }
        },
    ).ok()
    owner = api.add_user(admin, "Rita Reminded", time_zone="UTC")
    _, following = current_and_next_quarter(api, admin)
    goal(api, owner, "Quiet goal")
    checked = goal(api, owner, "Checked goal")
    goal(api, owner, "Next quarter goal", cycle_id=following["id"])
    check_in(api, owner, checked["id"], 10)
    api.run_sweep("checkin-reminders", f"{tomorrow.isoformat()}T09:00:00Z")
    [mail] = [m for m in api.outbox() if owner.email in m["to"]]
    assert "Quiet goal" in mail["text"]
    assert "Checked goal" not in mail["text"]
    assert "Next quarter goal" not in mail["text"]
    assert "1 goal " in mail["subject"]


def test_history_of_a_key_result_and_of_its_parent_after_three_check_ins(api: Api) -> None:
    admin = april_org(api, "History")
    objective = goal(api, admin, "Delight customers")
    kr = key_result(api, admin, "Raise NPS", objective["id"])
    for value, confidence in ((20, "low"), (50, "medium"), (80, "high")):
        check_in(api, admin, kr["id"], value, confidence=confidence)
    points = api.get(admin, f"/v1/goals/{kr['id']}/history").ok()["points"]
    assert [(p["progress"], p["confidence"], p["source"]) for p in points] == [
        (20, "low", "check_in"),
        (50, "medium", "check_in"),
        (80, "high", "check_in"),
    ]
    assert points[0]["at"] <= points[1]["at"] <= points[2]["at"]
    parent = api.get(admin, f"/v1/goals/{objective['id']}/history").ok()["points"]
    assert [(p["progress"], p["status"], p["source"]) for p in parent] == [
        (20, "on_track", "rollup"),
        (50, "on_track", "rollup"),
        (80, "on_track", "rollup"),
    ]
    assert api.get(admin, f"/v1/goals/{kr['id']}").ok()["confidence"] == "high"
    latest = api.get(admin, f"/v1/goals/{kr['id']}/check-ins").ok()["items"][0]
    assert latest["confidence"] == "high"
    first = api.get(admin, f"/v1/goals/{kr['id']}/history?limit=2").ok()
    assert len(first["points"]) == 2 and first["next_cursor"]
    rest = api.get(admin, f"/v1/goals/{kr['id']}/history?limit=2&cursor={first['next_cursor']}")
    assert [p["progress"] for p in rest.ok()["points"]] == [80]
    bad = api.post(
        admin, f"/v1/goals/{kr['id']}/check-ins", {"status": "behind", "confidence": "sure"}
    )
    assert bad.status == 422
    private = goal(api, admin, "Secret plan", visibility="private")
    peer = api.add_user(admin, "Pete Peer")
    assert api.get(peer, f"/v1/goals/{private['id']}/history").status == 404


# --- in-process only: the request clock frozen ------------------------------------------------

SUNDAY = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, datetime]]:
    moment = {"now": SUNDAY}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    return moment


def test_a_check_in_late_last_period_spares_its_owner_the_monday_reminder(
    api: Api, frozen: dict[str, datetime]
) -> None:
    admin = api.new_org("Weekend")
    owner = api.add_user(admin, "Sunny Sunday", time_zone="UTC")
    sunday_goal = goal(api, owner, "Checked on Sunday")
    goal(api, owner, "Never checked")
    check_in(api, owner, sunday_goal["id"], 30)  # Sunday: last week's period
    api.run_sweep("checkin-reminders", "2026-11-23T09:00:00Z")
    [mail] = [m for m in api.outbox() if owner.email in m["to"]]
    assert "Never checked" in mail["text"] and "Checked on Sunday" not in mail["text"]
    # a week later the Sunday check-in is a period old: both are named
    api.run_sweep("checkin-reminders", "2026-11-30T09:00:00Z")
    latest = next(m for m in api.outbox() if owner.email in m["to"])
    assert "Checked on Sunday" in latest["text"] and "Never checked" in latest["text"]


def test_a_goal_moved_to_another_cycle_is_scored_when_that_cycle_closes(api: Api) -> None:
    admin = april_org(api, "Moving")
    quarter, following = current_and_next_quarter(api, admin)
    moved = goal(api, admin, "Move me")
    gone = goal(api, admin, "Delete me", cycle_id=following["id"])
    patched = api.patch(admin, f"/v1/goals/{moved['id']}", {"cycle_id": following["id"]}).ok()
    assert patched["cycle_id"] == following["id"]
    assert api.patch(admin, f"/v1/goals/{moved['id']}", {"cycle_id": "nope"}).status == 422
    assert api.delete(admin, f"/v1/goals/{gone['id']}").status == 204
    assert listed(api, admin, "") == set()
    closed = api.post(admin, f"/v1/cycles/{following['id']}/close", {}).ok()
    assert [g["title"] for g in closed["goals"]] == ["Move me"]
    assert api.post(admin, f"/v1/cycles/{quarter['id']}/close", {}).ok()["goals"] == []
