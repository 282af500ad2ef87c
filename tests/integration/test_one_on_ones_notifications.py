"""Sunday summaries across time zones and DST, and hiding one's own private notes.
(Creation emails, reminders and private-note privacy: the stories in test_one_on_ones_story.)"""

from __future__ import annotations

from tests.support.harness import InProcessApi
from tests.support.one_on_ones import MARKER, Clock, people, weekly


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
