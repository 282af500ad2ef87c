"""Who sees an engagement's progress, in the engagement, the list, the report (JSON and
CSV) and the admins' digests; written against `Api` so e2e runs it over HTTP too."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from momentum.core.clock import parse_instant
from tests.support.coaching import at, email_of, launch_active, sent_to, set_up_program
from tests.support.harness import Actor, Api

HIDDEN = {
    "status": "not_tracking",
    "off_track_since": None,
    "reference": None,
    "due_by": None,
    "threshold_days": None,
}


def run_visibility_story(api: Api) -> None:
    program = set_up_program(api)
    admin = program.admin
    tag = program.template_id[-6:].lower()
    other = api.post(admin, "/v1/companies", {"name": "Other Co"}).ok()
    paris_admin = api.add_user(
        admin, f"Paris Admin {tag}", roles=["location_admin"], admin_location_ids=[program.paris]
    )
    lyon_admin = api.add_user(
        admin, f"Lyon Admin {tag}", roles=["location_admin"], admin_location_ids=[program.lyon]
    )
    other_admin = api.add_user(admin, f"Other Admin {tag}", roles=["admin"], company_id=other["id"])
    stranger_coach = api.add_user(admin, f"Stray Coach {tag}", roles=["coach"])
    employee = api.add_user(admin, f"Emma Employee {tag}", roles=["employee"])
    engagements = [launch_active(api, program, c) for c in program.coachees]
    ids = {e["id"] for e in engagements}
    started = parse_instant(engagements[0]["activated_at"])
    day_one = date.fromisoformat(engagements[0]["progress"]["reference"]["date"])
    api.run_sweep("engagement-progress", at(started, 21))
    off_since = str(day_one + timedelta(days=21))
    first = engagements[0]["id"]

    for seer in (admin, paris_admin, program.coach):
        progress = api.get(seer, f"/v1/engagements/{first}").ok()["progress"]
        assert progress["status"] == "off_track"
        assert progress["off_track_since"] == off_since
    for blind in (lyon_admin, other_admin, stranger_coach, program.coachees[0]):
        seen = api.get(blind, f"/v1/engagements/{first}").ok()
        assert seen["progress"] == HIDDEN
        assert seen["status"] == "active"  # the engagement itself is not hidden
    assert api.get(employee, f"/v1/engagements/{first}").status == 404
    assert api.get(program.coachees[1], f"/v1/engagements/{first}").status == 404

    def listed(actor: Actor, query: str) -> set[str]:
        found = api.get(actor, f"/v1/engagements?{query}").ok()["items"]
        return {e["id"] for e in found}

    assert listed(admin, "progress=off_track") == ids
    assert listed(paris_admin, "progress=off_track") == ids
    assert listed(lyon_admin, "progress=off_track") == set()
    assert listed(lyon_admin, "progress=not_tracking") == ids
    assert listed(program.coachees[0], "") == {first}
    assert listed(employee, "") == set()

    rows = api.get(other_admin, "/v1/reports/engagements?format=json").ok()["items"]
    assert {r["id"] for r in rows} == ids
    assert {(r["progress"], r["off_track_since"]) for r in rows} == {("not_tracking", None)}
    in_range = api.get(
        admin,
        f"/v1/reports/engagements?progress=off_track"
        f"&off_track_from={off_since}&off_track_to={off_since}",
    ).ok()
    assert {r["id"] for r in in_range["items"]} == ids
    later = str(day_one + timedelta(days=22))
    assert api.get(admin, f"/v1/reports/engagements?off_track_from={later}").ok()["items"] == []
    assert api.get(lyon_admin, "/v1/reports/engagements?progress=off_track").ok()["items"] == []

    exported = api.get(admin, "/v1/reports/engagements?format=csv")
    assert exported.status == 200
    headers = {name.lower(): value for name, value in exported.headers.items()}
    assert headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert {row["id"] for row in table} == ids
    assert {(row["progress"], row["off_track_since"]) for row in table} == {
        ("off_track", off_since)
    }
    hidden_csv = api.get(stranger_coach, "/v1/reports/engagements?format=csv").text
    assert {row["progress"] for row in csv.DictReader(io.StringIO(hidden_csv))} == {"not_tracking"}

    paris_digests = sent_to(api, email_of(api, admin, paris_admin))
    assert [d["subject"] for d in paris_digests] == ["3 coaching engagements went off track"]
    assert sent_to(api, email_of(api, admin, lyon_admin)) == []
    assert sent_to(api, email_of(api, admin, other_admin)) == []
    assert sent_to(api, email_of(api, admin, stranger_coach)) == []


def test_who_sees_progress(api: Api) -> None:
    run_visibility_story(api)
