"""The three 1:1 notifications and the privacy of private notes, through the outbox."""

from __future__ import annotations

import json

from tests.harness import InProcessApi
from tests.integration.test_one_on_ones_story import Clock, people, set_now, weekly

__all__ = ["set_now"]

MARKER = "PRIVATE-MARKER-7f3a9c"


def subjects_to(api: InProcessApi, address: str) -> list[str]:
    return [mail["subject"] for mail in api.outbox() if address in mail["to"]]


def test_the_other_participant_is_told_right_after_create(
    api: InProcessApi, set_now: Clock
) -> None:
    _, mia, eli, _ = people(api)
    weekly(api, mia, eli)
    mails = api.outbox()
    assert len(mails) == 1
    assert mails[0]["to"] == [eli.email]
    assert "Mia Manager" in mails[0]["subject"]
    assert "Monday 2 November 2026, 10:00" in mails[0]["text"]
    assert "weekly" in mails[0]["text"]


def test_reminders_one_hour_before_for_both_unless_turned_off(
    api: InProcessApi, set_now: Clock
) -> None:
    _, mia, eli, _ = people(api)
    weekly(api, mia, eli)
    before = len(api.outbox())
    api.run_sweep("one-on-one-reminders", "2026-11-02T08:59:00Z")
    assert len(api.outbox()) == before
    api.run_sweep("one-on-one-reminders", "2026-11-02T09:00:00Z")
    reminders = [m for m in api.outbox() if m["subject"].startswith("In one hour")]
    assert sorted(to for m in reminders for to in m["to"]) == sorted([eli.email, mia.email])
    assert "1:1 reminders" in reminders[0]["text"]  # says how to turn it off
    api.run_sweep("one-on-one-reminders", "2026-11-02T09:00:00Z")
    api.run_sweep("one-on-one-reminders", "2026-11-02T09:05:00Z")
    assert len([m for m in api.outbox() if m["subject"].startswith("In one hour")]) == 2

    api.patch(eli, "/v1/me/settings", {"notifications": {"one_on_one_reminder": False}}).ok()
    api.run_sweep("one-on-one-reminders", "2026-11-09T09:00:00Z")
    second_week = [m for m in api.outbox() if m["subject"].startswith("In one hour")][:-2]
    assert [m["to"] for m in second_week] == [[mia.email]]


def test_sunday_summaries_at_18_local_in_two_zones_across_dst(
    api: InProcessApi, set_now: Clock
) -> None:
    set_now("2026-10-14T12:00:00Z")
    admin = api.new_org("Acme", time_zone="UTC")
    paris = api.add_user(admin, "Pia Paris", time_zone="Europe/Paris")
    york = api.add_user(admin, "Nat York", time_zone="America/New_York")
    series = api.post(
        paris,
        "/v1/one-on-ones",
        {
            "with_user_id": york.user_id,
            "title": "Across the ocean",
            "start": "2026-10-19T16:00:00+02:00",
            "end": "2026-10-19T16:30:00+02:00",
            "recurrence": "FREQ=WEEKLY",
        },
    ).ok()["series"]
    meeting = series["meetings"][0]
    api.post(york, f"/v1/meetings/{meeting['id']}/agenda-topics", {"text": "Roadmap"}).ok()
    item = api.post(paris, f"/v1/meetings/{meeting['id']}/action-items", {"text": "Ship"}).ok()
    api.patch(
        york, f"/v1/meetings/{meeting['id']}/action-items/{item['id']}", {"completed": True}
    ).ok()
    api.put(paris, f"/v1/meetings/{meeting['id']}/private-notes", {"body": MARKER}).ok()

    def summaries() -> list[dict]:
        return [m for m in api.outbox() if "week" in m["subject"]]

    # Sunday 18 Oct: Paris is UTC+2, New York UTC-4; no 1:1s that week: nothing is sent.
    for hour in ("2026-10-18T16:00:00Z", "2026-10-18T22:00:00Z"):
        api.run_sweep("weekly-summary", hour)
    assert summaries() == []
    # Sunday 25 Oct: Paris has left summer time (UTC+1), New York not yet (UTC-4).
    api.run_sweep("weekly-summary", "2026-10-25T16:00:00Z")
    assert summaries() == []
    api.run_sweep("weekly-summary", "2026-10-25T17:00:00Z")
    assert [m["to"] for m in summaries()] == [[paris.email]]
    assert "Roadmap" in summaries()[0]["text"]
    assert "1 of 2 done" in summaries()[0]["text"]
    api.run_sweep("weekly-summary", "2026-10-25T21:00:00Z")
    assert len(summaries()) == 1
    api.run_sweep("weekly-summary", "2026-10-25T22:00:00Z")
    assert [m["to"] for m in summaries()] == [[york.email], [paris.email]]
    api.run_sweep("weekly-summary", "2026-10-25T22:00:00Z")  # a replay sends nothing more
    assert len(summaries()) == 2
    # Sunday 1 Nov: New York has left summer time too (UTC-5).
    api.run_sweep("weekly-summary", "2026-11-01T17:00:00Z")
    api.run_sweep("weekly-summary", "2026-11-01T22:00:00Z")
    assert [m["to"] for m in summaries()[:1]] == [[paris.email]]
    assert len(summaries()) == 3
    api.run_sweep("weekly-summary", "2026-11-01T23:00:00Z")
    assert [m["to"] for m in summaries()[:1]] == [[york.email]]
    assert len(summaries()) == 4
    assert all(MARKER not in m["text"] + m["html"] for m in api.outbox())


def test_a_private_note_never_reaches_the_other_participant(
    api: InProcessApi, set_now: Clock
) -> None:
    admin, mia, eli, _ = people(api)
    series = weekly(api, mia, eli)["series"]
    meeting_id = series["meetings"][0]["id"]
    path = f"/v1/meetings/{meeting_id}"
    api.put(mia, f"{path}/private-notes", {"body": f"Eli seems tired {MARKER}"}).ok()
    api.put(mia, f"{path}/shared-notes", {"body": "Shared", "version": 0}).ok()
    api.post(mia, f"{path}/agenda-topics", {"text": "Growth"}).ok()
    assert MARKER in api.get(mia, path).ok()["private_notes"]["body"]
    api.run_sweep("one-on-one-reminders", "2026-11-02T09:00:00Z")
    api.run_sweep("agenda-rollover", "2026-11-02T13:30:00Z")
    api.run_sweep("weekly-summary", "2026-11-08T18:00:00Z")
    answers = [
        api.get(eli, path),
        api.get(eli, f"/v1/one-on-ones/{series['id']}"),
        api.get(eli, "/v1/one-on-ones?tab=upcoming"),
        api.get(eli, "/v1/one-on-ones?tab=past"),
        api.get(eli, f"/v1/activity?entity_id={meeting_id}"),
        api.get(mia, f"/v1/activity?entity_id={meeting_id}"),
        api.get(admin, "/v1/reports/one-on-ones?from=2026-11-01&to=2026-11-30"),
        api.get(admin, "/v1/reports/one-on-ones?from=2026-11-01&to=2026-11-30&format=csv"),
    ]
    assert [answer.status for answer in answers] == [200] * len(answers), answers[-1].text
    assert api.get(eli, path).ok()["private_notes"] == {"body": ""}
    assert all(MARKER not in answer.text for answer in answers)
    assert len(api.outbox()) >= 4
    assert all(MARKER not in json.dumps(mail) for mail in api.outbox())


def test_hide_private_notes_hides_them_from_their_author_too(
    api: InProcessApi, set_now: Clock
) -> None:
    _, mia, eli, _ = people(api)
    meeting_id = weekly(api, mia, eli)["series"]["meetings"][0]["id"]
    api.put(mia, f"/v1/meetings/{meeting_id}/private-notes", {"body": "mine"}).ok()
    api.patch(mia, "/v1/me/settings", {"hide_private_notes": True}).ok()
    assert api.get(mia, f"/v1/meetings/{meeting_id}").ok()["private_notes"] is None
    api.patch(mia, "/v1/me/settings", {"hide_private_notes": False}).ok()
    assert api.get(mia, f"/v1/meetings/{meeting_id}").ok()["private_notes"] == {"body": "mine"}
