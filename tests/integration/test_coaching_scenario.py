"""The issue's off-track story, written against `Api` so the e2e suite runs it unchanged
over HTTP (tests/e2e/test_coaching.py): a 21-day template with notifications, three
engagements crossing together, one digest per admin, replays, a spell that ends and a
later one that notifies again."""

from __future__ import annotations

from datetime import date, timedelta

from momentum.core.clock import parse_instant
from tests.support.coaching import at, email_of, launch_active, sent_to, set_up_program
from tests.support.harness import Api


def run_off_track_story(api: Api) -> None:
    program = set_up_program(api)
    admin = program.admin
    engagements = [launch_active(api, program, c) for c in program.coachees]
    started = parse_instant(engagements[0]["activated_at"])
    day_one = date.fromisoformat(engagements[0]["progress"]["reference"]["date"])
    assert engagements[0]["progress"]["due_by"] == str(day_one + timedelta(days=21))
    everyone = [email_of(api, admin, a) for a in [admin, program.coach, *program.coachees]]

    def our_mail() -> int:
        return sum(len(sent_to(api, address)) for address in everyone)

    api.run_sweep("engagement-progress", at(started, 20))
    assert our_mail() == 0
    first = api.get(admin, f"/v1/engagements/{engagements[0]['id']}").ok()
    assert first["progress"]["status"] == "on_track"

    api.run_sweep("engagement-progress", at(started, 21))
    off_since = str(day_one + timedelta(days=21))
    for engagement in engagements:
        progress = api.get(admin, f"/v1/engagements/{engagement['id']}").ok()["progress"]
        assert progress["status"] == "off_track"
        assert progress["off_track_since"] == off_since
        assert progress["reference"] == {"kind": "activation", "date": str(day_one)}
    coach_email = email_of(api, admin, program.coach)
    assert len(sent_to(api, coach_email)) == 3
    for coachee in program.coachees:
        mails = sent_to(api, email_of(api, admin, coachee))
        assert len(mails) == 1
        assert off_since in mails[0]["text"]
        assert "Engagement off-track emails" in mails[0]["text"]  # how to turn it off
    digests = sent_to(api, email_of(api, admin, admin))
    assert len(digests) == 1
    assert digests[0]["subject"] == "3 coaching engagements went off track"
    for coachee in program.coachees:
        name = api.get(admin, f"/v1/users/{coachee.user_id}").ok()["name"]
        assert name in digests[0]["text"]
    after_first_spell = our_mail()
    assert after_first_spell == 3 + 3 + 1

    api.run_sweep("engagement-progress", at(started, 21))
    assert our_mail() == after_first_spell

    revived = engagements[0]["id"]
    next_session = day_one + timedelta(days=30)
    api.post(
        program.coach,
        f"/v1/engagements/{revived}/sessions",
        {"date": str(next_session), "status": "scheduled"},
    ).ok()
    progress = api.get(admin, f"/v1/engagements/{revived}").ok()["progress"]
    assert progress["status"] == "on_track"
    assert progress["reference"] == {"kind": "session", "date": str(next_session)}
    assert progress["due_by"] == str(next_session + timedelta(days=21))

    api.run_sweep("engagement-progress", at(started, 50))
    assert our_mail() == after_first_spell
    api.run_sweep("engagement-progress", at(started, 51))
    progress = api.get(admin, f"/v1/engagements/{revived}").ok()["progress"]
    assert progress["off_track_since"] == str(next_session + timedelta(days=21))
    assert len(sent_to(api, email_of(api, admin, program.coachees[0]))) == 2
    assert len(sent_to(api, coach_email)) == 4
    latest_digest = sent_to(api, email_of(api, admin, admin))[0]
    assert latest_digest["subject"] == "1 coaching engagement went off track"
    assert our_mail() == after_first_spell + 3


def test_the_off_track_story(api: Api) -> None:
    run_off_track_story(api)
