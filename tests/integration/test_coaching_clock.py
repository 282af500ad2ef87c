"""Seed 002's clock, written against `Api` so tests/e2e/test_coaching.py runs it over HTTP:
only a session that is scheduled (not a cancelled one) keeps an engagement on track,
sessions may be given a time with an offset, and a location admin with no named
locations administers their own."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from momentum.core import clock
from tests.support.coaching import at, launch_active, set_up_program
from tests.support.harness import Api


def run_session_clock_story(api: Api) -> None:
    program = set_up_program(api, coachees=1)
    engagement = launch_active(api, program, program.coachees[0])
    path = f"/v1/engagements/{engagement['id']}"
    started = clock.parse_instant(engagement["activated_at"])
    day_one = date.fromisoformat(engagement["progress"]["reference"]["date"])
    zone = clock.zone(engagement["time_zone"])

    # A session at a time with an offset: its day is the engagement's local day.
    when = (started + timedelta(days=10)).astimezone(clock.zone("Asia/Tokyo"))
    when = when.replace(hour=7, minute=30, second=0, microsecond=0)
    session = api.post(
        program.coach, f"{path}/sessions", {"start": when.isoformat(), "status": "scheduled"}
    ).ok()
    local_day = when.astimezone(zone).date()
    assert session["date"] == str(local_day)
    assert clock.parse_instant(session["start"]) == when
    progress = api.get(program.admin, path).ok()["progress"]
    assert (progress["status"], progress["reference"]) == (
        "on_track",
        {"kind": "session", "date": str(local_day)},
    )
    assert progress["due_by"] == str(local_day + timedelta(days=21))

    # Cancelled, it no longer counts: the clock runs from the activation again, and a
    # cancelled session ahead does not move it either.
    api.patch(program.coach, f"{path}/sessions/{session['id']}", {"status": "cancelled"}).ok()
    ahead = str(day_one + timedelta(days=40))
    api.post(program.coach, f"{path}/sessions", {"date": ahead, "status": "cancelled"}).ok()
    progress = api.get(program.admin, path).ok()["progress"]
    assert progress["reference"] == {"kind": "activation", "date": str(day_one)}
    assert progress["due_by"] == str(day_one + timedelta(days=21))
    api.run_sweep("engagement-progress", at(started, 21))
    assert api.get(program.admin, path).ok()["progress"]["status"] == "off_track"

    # Only a session scheduled ahead puts it back on track.
    api.post(program.coach, f"{path}/sessions", {"date": ahead, "status": "scheduled"}).ok()
    progress = api.get(program.admin, path).ok()["progress"]
    assert (progress["status"], progress["reference"]["date"]) == ("on_track", ahead)

    for bad in ({"status": "scheduled"}, {"date": ahead, "start": when.isoformat()}):
        assert api.post(program.coach, f"{path}/sessions", bad).status == 422
    naive = {"start": datetime(2026, 12, 3, 15, 0).isoformat()}
    assert api.post(program.coach, f"{path}/sessions", naive).status == 422


def run_own_location_admin_story(api: Api) -> None:
    program = set_up_program(api, coachees=1)
    admin, tag = program.admin, program.template_id[-6:].lower()
    paris_admin = api.add_user(
        admin,
        f"Paris Site Admin {tag}",
        roles=["location_admin"],
        company_id=program.company_id,
        location_id=program.paris,
    )
    lyon_admin = api.add_user(
        admin,
        f"Lyon Site Admin {tag}",
        roles=["location_admin"],
        company_id=program.company_id,
        location_id=program.lyon,
    )
    engagement = launch_active(api, program, program.coachees[0])
    path = f"/v1/engagements/{engagement['id']}"
    seen = api.get(paris_admin, path).ok()["progress"]
    assert seen["status"] == "on_track"
    assert seen["due_by"] == engagement["progress"]["due_by"]
    listed = api.get(paris_admin, "/v1/engagements?progress=on_track").ok()["items"]
    assert [item["id"] for item in listed] == [engagement["id"]]
    assert api.get(lyon_admin, path).ok()["progress"]["status"] == "not_tracking"


def test_only_a_scheduled_session_keeps_an_engagement_on_track(api: Api) -> None:
    run_session_clock_story(api)


def test_a_location_admin_administers_their_own_location(api: Api) -> None:
    run_own_location_admin_story(api)
