"""Ending a series (API.md "Additions"), written against `Api` so tests/e2e runs it over
HTTP: later meetings go, their unfinished entries wait on the series, and the ended series
archives once its last meeting is past. `now` is what requests see as the current time."""

from __future__ import annotations

from datetime import datetime, timedelta

from momentum.core import clock
from tests.support.harness import Api, InProcessApi
from tests.support.one_on_ones import START, Clock, at, people, texts, weekly


def run_end_series_story(api: Api, now: datetime) -> None:
    _, mia, eli, _ = people(api)
    first = (now - timedelta(days=20)).replace(second=0, microsecond=0)
    series = weekly(api, mia, eli, first)["series"]
    path = f"/v1/one-on-ones/{series['id']}"
    held, ahead = series["meetings"][2], series["meetings"][3]  # 6 days ago, tomorrow
    assert [m["start"] for m in (held, ahead)] == [at(first, weeks=2), at(first, weeks=3)]
    api.post(mia, f"/v1/meetings/{held['id']}/agenda-topics", {"text": "Unfinished"}).ok()
    ahead_path = f"/v1/meetings/{ahead['id']}"
    api.post(eli, f"{ahead_path}/action-items", {"text": "Prepare review"}).ok()
    done = api.post(eli, f"{ahead_path}/action-items", {"text": "Done early"}).ok()
    api.patch(eli, f"{ahead_path}/action-items/{done['id']}", {"completed": True}).ok()
    api.run_sweep("agenda-rollover", clock.api_instant(now))
    assert texts(api.get(mia, ahead_path).ok()) == ["Unfinished"]
    assert api.post(mia, f"{path}/archive").status == 409  # meetings ahead

    too_early = api.post(mia, f"{path}/end", {"after": str(first.date() - timedelta(days=1))})
    assert too_early.status == 422
    assert too_early.json["errors"][0]["path"] == "after"
    already_held = api.post(mia, f"{path}/end", {"after": str(first.date())})
    assert already_held.status == 409
    assert api.post(mia, f"{path}/end", {"after": "2026-13-01"}).status == 422

    last_day = clock.parse_instant(held["start"]).date()
    ended = api.post(eli, f"{path}/end", {"after": str(last_day)}).ok()
    assert [m["id"] for m in ended["meetings"]] == [m["id"] for m in series["meetings"][:3]]
    assert texts(ended, "waiting_topics") == ["Unfinished"]
    assert texts(ended, "waiting_action_items") == ["Prepare review"]
    assert ended["ends_at"] == held["end"]
    assert "UNTIL=" in ended["recurrence"]
    assert api.get(mia, ahead_path).status == 404
    assert api.get(mia, "/v1/one-on-ones?tab=past").ok()["items"][0]["id"] == series["id"]

    archived = api.post(mia, f"{path}/archive").ok()
    assert archived["archived"] is True
    assert texts(archived, "waiting_topics") == ["Unfinished"]  # nothing was dropped
    tab = api.get(eli, "/v1/one-on-ones?tab=archived").ok()["items"]
    assert [row["id"] for row in tab] == [series["id"]]


def test_an_ended_series_keeps_unfinished_work_and_archives(
    api: InProcessApi, set_now: Clock
) -> None:
    now = START + timedelta(days=20, hours=3)
    set_now(clock.api_instant(now))
    run_end_series_story(api, now)


def test_ending_later_again_brings_the_meetings_back(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, _ = people(api)
    series = weekly(api, mia, eli)["series"]
    path = f"/v1/one-on-ones/{series['id']}"
    ended = api.post(mia, f"{path}/end", {"after": "2026-11-10"}).ok()
    assert [m["start"][:10] for m in ended["meetings"]] == ["2026-11-02", "2026-11-09"]
    again = api.post(mia, f"{path}/end", {"after": "2026-11-24"}).ok()
    assert [m["start"][:10] for m in again["meetings"]] == [
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
    ]
    assert again["ends_at"] == at(START, weeks=3, minutes=30)
