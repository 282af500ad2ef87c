"""Coaching templates, engagements, lifecycle, sessions and coach matching, in-process."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from momentum.core import clock
from momentum.core.clock import parse_instant
from tests.support.coaching import at, email_of, launch_active, sent_to, set_up_program
from tests.support.harness import InProcessApi


def test_templates_accept_days_or_weeks_and_refuse_bad_settings(api: InProcessApi) -> None:
    admin = api.new_org()
    coach = api.add_user(admin, "Cora Coach", roles=["coach"])
    weeks = api.post(
        admin,
        "/v1/engagement-templates",
        {
            "name": "Two weeks",
            "type": "on_demand",
            "progress_tracking": {"enabled": True, "threshold_weeks": 2},
        },
    ).ok()
    assert weeks["progress_tracking"] == {
        "enabled": True,
        "threshold_days": 14,
        "notify_off_track": True,
    }
    off = api.post(admin, "/v1/engagement-templates", {"name": "Off", "type": "one_on_one"}).ok()
    assert off["progress_tracking"]["enabled"] is False
    bad = {
        "both": {"enabled": True, "threshold_days": 14, "threshold_weeks": 2},
        "none": {"enabled": True},
        "bool for int": {"enabled": True, "threshold_days": True},
        "int for bool": {"enabled": 1, "threshold_days": 3},
        "zero": {"enabled": True, "threshold_days": 0},
        "unknown field": {"enabled": True, "threshold_days": 3, "colour": "red"},
    }
    for case, tracking in bad.items():
        reply = api.post(
            admin,
            "/v1/engagement-templates",
            {"name": "X", "type": "one_on_one", "progress_tracking": tracking},
        )
        assert reply.status == 422, case
    assert api.post(admin, "/v1/engagement-templates", {"name": "X", "type": "group"}).status == 422
    assert (
        api.post(coach, "/v1/engagement-templates", {"name": "X", "type": "one_on_one"}).status
        == 403
    )
    listed = api.get(coach, "/v1/engagement-templates").ok()["items"]
    assert {t["id"] for t in listed} == {weeks["id"], off["id"]}
    path = f"/v1/engagement-templates/{off['id']}"
    assert api.patch(admin, path, {"progress_tracking": {"enabled": True}}).status == 422
    patched = api.patch(admin, path, {"progress_tracking": {"threshold_weeks": 1}}).ok()
    assert patched["progress_tracking"] == {
        "enabled": False,
        "threshold_days": 7,
        "notify_off_track": True,
    }
    turned_on = api.patch(admin, path, {"progress_tracking": {"enabled": True}}).ok()
    assert turned_on["progress_tracking"]["threshold_days"] == 7
    assert turned_on["name"] == "Off"


def test_launching_copies_the_template_and_later_edits_do_not_follow(api: InProcessApi) -> None:
    program = set_up_program(api, coachees=1)
    engagement = launch_active(api, program, program.coachees[0])
    assert engagement["template_name"] == "Leadership sprint"
    assert engagement["company_id"] == program.company_id
    assert engagement["location_id"] == program.paris
    api.patch(
        program.admin,
        f"/v1/engagement-templates/{program.template_id}",
        {"name": "Renamed", "progress_tracking": {"enabled": False}},
    ).ok()
    template = api.get(program.admin, f"/v1/engagement-templates/{program.template_id}").ok()
    assert template["progress_tracking"]["enabled"] is False
    again = api.get(program.admin, f"/v1/engagements/{engagement['id']}").ok()
    assert again["template_name"] == "Leadership sprint"
    assert again["progress_tracking"] == {
        "enabled": True,
        "threshold_days": 21,
        "notify_off_track": True,
    }
    assert again["progress"]["status"] == "on_track"


def test_lifecycle_draft_active_inactive_reactivated_completed(api: InProcessApi) -> None:
    program = set_up_program(api, coachees=1)
    admin = program.admin
    draft = api.post(
        admin,
        "/v1/engagements",
        {
            "template_id": program.template_id,
            "coachee_id": program.coachees[0].user_id,
            "coach_id": program.coach.user_id,
        },
    ).ok()
    path = f"/v1/engagements/{draft['id']}"
    assert draft["status"] == "draft"
    assert draft["progress"]["status"] == "not_tracking"
    assert api.post(admin, f"{path}/complete").status == 409
    active = api.post(admin, f"{path}/activate").ok()
    assert active["progress"]["reference"]["kind"] == "activation"
    assert api.post(admin, f"{path}/activate").status == 409
    inactive = api.post(admin, f"{path}/deactivate").ok()
    assert (inactive["status"], inactive["progress"]["status"]) == ("inactive", "not_tracking")
    back = api.post(admin, f"{path}/activate").ok()
    assert back["status"] == "active"
    assert back["progress"]["reference"]["kind"] == "reactivation"
    done = api.post(admin, f"{path}/complete").ok()
    assert (done["status"], done["progress"]["status"]) == ("completed", "not_tracking")
    assert api.post(admin, f"{path}/activate").status == 409
    assert api.post(admin, f"{path}/sessions", {"date": "2026-05-01"}).status == 409
    # A completed engagement left the due index: no sweep ever flips or emails it.
    started = parse_instant(back["activated_at"])
    api.run_sweep("engagement-progress", at(started, 400))
    assert api.get(admin, path).ok()["progress"]["status"] == "not_tracking"
    assert sent_to(api, email_of(api, admin, program.coachees[0])) == []
    actions = [
        e["action"] for e in api.get(admin, f"/v1/activity?entity_id={draft['id']}").ok()["items"]
    ]
    assert actions == [
        "engagement_completed",
        "engagement_reactivated",
        "engagement_deactivated",
        "engagement_activated",
        "engagement_launched",
    ]


def test_sessions_are_recorded_edited_and_move_the_reference(api: InProcessApi) -> None:
    program = set_up_program(api, coachees=1)
    coachee = program.coachees[0]
    engagement = launch_active(api, program, coachee)
    path = f"/v1/engagements/{engagement['id']}"
    day_one = date.fromisoformat(engagement["progress"]["reference"]["date"])
    upcoming = str(day_one + timedelta(days=5))
    session = api.post(coachee, f"{path}/sessions", {"date": upcoming}).ok()
    assert session["status"] == "scheduled"
    assert api.get(program.admin, path).ok()["progress"]["reference"] == {
        "kind": "session",
        "date": upcoming,
    }
    cancelled = api.patch(
        program.coach,
        f"{path}/sessions/{session['id']}",
        {"status": "cancelled", "date": str(day_one)},
    ).ok()
    assert cancelled["status"] == "cancelled"
    detail = api.get(program.admin, path).ok()
    assert [s["status"] for s in detail["sessions"]] == ["cancelled"]
    # A cancelled session does not count: the activation is the reference again.
    assert detail["progress"]["reference"] == {"kind": "activation", "date": str(day_one)}
    assert api.patch(coachee, f"{path}/sessions/{session['id']}", {"status": "done"}).status == 422
    assert (
        api.patch(
            coachee, f"{path}/sessions/01J00000000000000000000000", {"status": "completed"}
        ).status
        == 404
    )
    assert api.post(coachee, f"{path}/sessions", {"date": "0001-01-01"}).status == 422
    assert api.post(coachee, f"{path}/sessions", {"date": "not a date"}).status == 422
    assert api.post(coachee, f"{path}/activate").status == 403


def test_coach_matching_with_discovery_calls_and_a_coach_selection(api: InProcessApi) -> None:
    program = set_up_program(api, coachees=1)
    admin = program.admin
    template = api.post(
        admin,
        "/v1/engagement-templates",
        {
            "name": "Find a coach",
            "type": "coach_matching",
            "progress_tracking": {"enabled": True, "threshold_days": 10},
        },
    ).ok()
    launch = {"template_id": template["id"], "coachee_id": program.coachees[0].user_id}
    assert (
        api.post(admin, "/v1/engagements", {**launch, "coach_id": program.coach.user_id}).status
        == 422
    )
    engagement = api.post(admin, "/v1/engagements", launch).ok()
    path = f"/v1/engagements/{engagement['id']}"
    matching = api.post(admin, f"{path}/activate").ok()
    assert matching["status"] == "coach_matching"
    day_one = date.fromisoformat(matching["progress"]["reference"]["date"])
    call_day = str(day_one + timedelta(days=2))
    api.post(
        program.coachees[0],
        f"{path}/discovery-calls",
        {"date": call_day, "coach_id": program.coach.user_id},
    ).ok()
    progress = api.get(admin, path).ok()["progress"]
    assert progress["reference"] == {"kind": "discovery_call", "date": call_day}
    not_a_coach = api.post(admin, f"{path}/select-coach", {"coach_id": program.coachees[0].user_id})
    assert not_a_coach.status == 422
    chosen_day = str(day_one + timedelta(days=4))
    selected = api.post(
        admin, f"{path}/select-coach", {"coach_id": program.coach.user_id, "date": chosen_day}
    ).ok()
    assert (selected["status"], selected["coach_id"]) == ("active", program.coach.user_id)
    assert selected["progress"]["reference"] == {"kind": "coach_selection", "date": chosen_day}
    assert selected["progress"]["due_by"] == str(day_one + timedelta(days=14))
    assert (
        api.post(admin, f"{path}/select-coach", {"coach_id": program.coach.user_id}).status == 409
    )
    assert api.post(admin, f"{path}/discovery-calls", {"date": call_day}).status == 409


def test_off_track_emails_respect_opt_outs_and_user_status(api: InProcessApi) -> None:
    program = set_up_program(api, coachees=3)
    admin = program.admin
    opted_out, internal, invited = program.coachees
    api.patch(opted_out, "/v1/me/settings", {"notifications": {"engagement_off_track": False}}).ok()
    api.patch(admin, "/v1/me/settings", {"notifications": {"engagement_off_track": False}}).ok()
    engagements = [launch_active(api, program, c) for c in program.coachees]
    api.patch(admin, f"/v1/users/{internal.user_id}", {"status": "internal_record"}).ok()
    api.patch(admin, f"/v1/users/{invited.user_id}", {"status": "invited"}).ok()
    started = parse_instant(engagements[0]["activated_at"])
    api.run_sweep("engagement-progress", at(started, 21))
    assert sent_to(api, email_of(api, admin, opted_out)) == []
    assert sent_to(api, email_of(api, admin, internal)) == []
    assert len(sent_to(api, email_of(api, admin, invited))) == 1
    assert len(sent_to(api, email_of(api, admin, program.coach))) == 3
    assert sent_to(api, email_of(api, admin, admin)) == []  # the admin opted out too


def test_no_emails_when_the_engagement_does_not_notify(api: InProcessApi) -> None:
    program = set_up_program(api, coachees=1)
    engagement = launch_active(api, program, program.coachees[0])
    path = f"/v1/engagements/{engagement['id']}"
    patched = api.patch(
        program.admin,
        path,
        {"progress_tracking": {"enabled": True, "threshold_days": 7, "notify_off_track": False}},
    ).ok()
    day_one = date.fromisoformat(engagement["progress"]["reference"]["date"])
    assert patched["progress"]["due_by"] == str(day_one + timedelta(days=7))
    api.run_sweep("engagement-progress", at(parse_instant(engagement["activated_at"]), 7))
    assert api.get(program.admin, path).ok()["progress"]["status"] == "off_track"
    assert sent_to(api, email_of(api, program.admin, program.coach)) == []


def test_a_lower_threshold_puts_it_off_track_at_once_and_the_next_sweep_announces_it(
    api: InProcessApi,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    program = set_up_program(api, coachees=1)
    real_now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: real_now - timedelta(days=30))
    engagement = launch_active(api, program, program.coachees[0])
    monkeypatch.undo()
    path = f"/v1/engagements/{engagement['id']}"
    day_one = date.fromisoformat(engagement["progress"]["reference"]["date"])
    coach_email = email_of(api, program.admin, program.coach)

    def lower_to(days: int) -> dict[str, Any]:
        patched = api.patch(
            program.admin, path, {"progress_tracking": {"enabled": True, "threshold_days": days}}
        ).ok()
        return dict(patched["progress"])

    progress = lower_to(7)
    assert progress["status"] == "off_track"
    assert progress["off_track_since"] == str(day_one + timedelta(days=7))
    assert sent_to(api, coach_email) == []  # requests never email; the sweep announces
    api.run_sweep("engagement-progress", real_now.isoformat())
    assert len(sent_to(api, coach_email)) == 1
    # Still off track (the same spell, since another day): nothing new to announce.
    assert lower_to(8)["off_track_since"] == str(day_one + timedelta(days=8))
    api.run_sweep("engagement-progress", (real_now + timedelta(hours=1)).isoformat())
    assert len(sent_to(api, coach_email)) == 1


def test_tenancy_ids_and_permissions(api: InProcessApi) -> None:
    program = set_up_program(api, coachees=1)
    engagement = launch_active(api, program, program.coachees[0])
    stranger_org = api.new_org("Globex")
    path = f"/v1/engagements/{engagement['id']}"
    assert api.get(stranger_org, path).status == 404
    assert api.get(stranger_org, f"/v1/engagement-templates/{program.template_id}").status == 404
    assert api.get(program.admin, "/v1/engagements/not-an-id").status == 404
    assert api.get(program.admin, "/v1/engagements/" + "x" * 65).status == 422
    assert api.get(program.admin, "/v1/engagements?progress=sideways").status == 422
    assert api.get(program.admin, "/v1/engagements?cursor=abc.def").status == 400
    assert api.get(program.admin, "/v1/reports/engagements?format=xml").status == 422
    assert api.get(program.admin, "/v1/reports/engagements?off_track_from=soon").status == 422
    employee = api.add_user(program.admin, "Emma Employee", roles=["employee"])
    assert (
        api.post(
            employee,
            "/v1/engagements",
            {"template_id": program.template_id, "coachee_id": employee.user_id},
        ).status
        == 403
    )
    unknown = api.post(
        program.admin,
        "/v1/engagements",
        {"template_id": program.template_id, "coachee_id": "01J00000000000000000000000"},
    )
    assert unknown.status == 422
    assert unknown.json["errors"][0]["path"] == "coachee_id"


def test_idempotent_launch_and_paged_list(api: InProcessApi) -> None:
    program = set_up_program(api, coachees=3)
    body = {"template_id": program.template_id, "coachee_id": program.coachees[0].user_id}
    key = {"Idempotency-Key": "launch-1"}
    first = api.post(program.admin, "/v1/engagements", body, headers=key).ok()
    second = api.post(program.admin, "/v1/engagements", body, headers=key).ok()
    assert first["id"] == second["id"]
    for coachee in program.coachees[1:]:
        launch_active(api, program, coachee)
    page = api.get(program.admin, "/v1/engagements?limit=2&progress=on_track").ok()
    rest = api.get(
        program.admin, f"/v1/engagements?limit=2&progress=on_track&cursor={page['next_cursor']}"
    ).ok()
    assert len(page["items"]) == 2
    assert rest["next_cursor"] is None
    assert rest["items"] == []  # only the draft was left, and it is not on track
    drafts = api.get(program.admin, "/v1/engagements?progress=not_tracking").ok()["items"]
    assert [d["id"] for d in drafts] == [first["id"]]


def test_a_disabled_coaching_module_answers_404(api: InProcessApi) -> None:
    program = set_up_program(api, coachees=1)
    api.patch(
        program.admin,
        "/v1/org/settings",
        {"modules": {"coaching": {"enabled": False, "display_name": "Coaching"}}},
    ).ok()
    from momentum.frame import org

    org.clear_cache()
    assert api.get(program.admin, "/v1/engagements").status == 404
    assert api.get(program.admin, "/v1/engagement-templates").status == 404
