"""Seed 001's Sunday summary tells the week as it happened, even though it runs after the
3-hour rollover: entries that moved on read as carried, to the meeting they went to.
Written against `Api`, so tests/e2e/test_one_on_ones.py runs it over HTTP too."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.support.harness import Api, InProcessApi
from tests.support.one_on_ones import START, Clock, at, mail_to, people, weekly


def run_summary_after_rollover_story(api: Api, start: datetime) -> None:
    _, mia, eli, _ = people(api)
    series = weekly(api, mia, eli, start)["series"]
    first, second = series["meetings"][0], series["meetings"][1]
    path = f"/v1/meetings/{first['id']}"
    done = api.post(mia, f"{path}/agenda-topics", {"text": "Career goals"}).ok()
    api.post(eli, f"{path}/agenda-topics", {"text": "Holiday plan"}).ok()
    api.post(mia, f"{path}/action-items", {"text": "Book training"}).ok()
    api.patch(eli, f"{path}/agenda-topics/{done['id']}", {"completed": True}).ok()
    api.run_sweep("agenda-rollover", at(start, minutes=30 + 180))
    assert [t["text"] for t in api.get(mia, path).ok()["agenda_topics"]] == ["Career goals"]

    sunday = (start + timedelta(days=6 - start.weekday())).replace(hour=18, minute=0)
    api.run_sweep("weekly-summary", at(sunday))
    mails = mail_to(api, eli, "Your week in 1:1s")
    assert len(mails) == 1
    text, html = mails[0]["text"], mails[0]["html"]
    assert "1 of 3 done - 2 carried over" in text
    assert "[x] Career goals" in text
    when = f"{second['start'][:10]}"
    target = api.get(eli, f"/v1/meetings/{second['id']}").ok()
    assert [t["text"] for t in target["agenda_topics"]] == ["Holiday plan"]
    carried_line = next(line for line in text.splitlines() if "Holiday plan" in line)
    assert carried_line.strip().startswith("[>] Holiday plan (not completed; carried to")
    assert '"Mia / Eli" on' in carried_line
    day = datetime.fromisoformat(when)
    assert f"{day:%A} {day.day} {day:%B %Y}" in carried_line
    assert "[>] Book training (not completed; carried to" in text
    assert "2 carried over" in html and "Holiday plan" in html


def test_the_sunday_summary_says_what_was_carried_and_where(
    api: InProcessApi, set_now: Clock
) -> None:
    run_summary_after_rollover_story(api, START)
