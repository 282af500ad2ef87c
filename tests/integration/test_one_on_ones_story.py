"""The issue's story, in-process under moto: a weekly series walked through two weeks.

The stories take the first meeting's start, so the e2e suite runs them unchanged over
HTTP against the local stack (where requests see the wall clock): every instant below is
derived from that start.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from tests.support.harness import Api, InProcessApi
from tests.support.one_on_ones import MARKER, START, Clock, at, mail_to, people, texts, weekly

# --- stories (shared with tests/e2e/test_one_on_ones.py) -------------------------------------


def run_weekly_story(api: Api, start: datetime) -> None:
    """Topics and items added by both, one completed; the rollover at end + 2h59m moves
    nothing, at end + 3h the unfinished ones move in order with their origin; the next
    meeting is then cancelled and they are re-homed to the one after."""
    _, mia, eli, _ = people(api)
    created = weekly(api, mia, eli, start)
    assert created["meeting"] is None
    series = created["series"]
    first, second, third = series["meetings"][:3]
    assert [m["start"] for m in (first, second, third)] == [
        at(start),
        at(start, weeks=1),
        at(start, weeks=2),
    ]
    week1 = f"/v1/meetings/{first['id']}"
    a = api.post(mia, f"{week1}/agenda-topics", {"text": "Career goals"}).ok()
    b = api.post(eli, f"{week1}/agenda-topics", {"text": "https://example.test/doc"}).ok()
    c = api.post(eli, f"{week1}/agenda-topics", {"text": "Holiday plan"}).ok()
    item = api.post(mia, f"{week1}/action-items", {"text": "Book training"}).ok()
    done = api.post(eli, f"{week1}/action-items", {"text": "Send slides"}).ok()
    assert b["url"] == "https://example.test/doc"
    api.patch(eli, f"{week1}/agenda-topics/{c['id']}", {"completed": True}).ok()
    api.patch(mia, f"{week1}/action-items/{done['id']}", {"completed": True}).ok()

    api.run_sweep("agenda-rollover", at(start, minutes=30 + 179))  # end + 2h59m
    assert texts(api.get(mia, week1).ok()) == [
        "Career goals",
        "https://example.test/doc",
        "Holiday plan",
    ]
    api.run_sweep("agenda-rollover", at(start, minutes=30 + 180))  # end + 3h
    after = api.get(mia, week1).ok()
    assert texts(after) == ["Holiday plan"]
    assert texts(after, "action_items") == ["Send slides"]
    moved = api.get(eli, f"/v1/meetings/{second['id']}").ok()
    assert texts(moved) == ["Career goals", "https://example.test/doc"]
    assert [t["id"] for t in moved["agenda_topics"]] == [a["id"], b["id"]]
    assert {t["carried_from"] for t in moved["agenda_topics"]} == {first["id"]}
    assert {t["carry_count"] for t in moved["agenda_topics"]} == {1}
    assert [t["author_id"] for t in moved["agenda_topics"]] == [mia.user_id, eli.user_id]
    assert moved["agenda_topics"][1]["url"] == "https://example.test/doc"
    assert [i["id"] for i in moved["action_items"]] == [item["id"]]
    api.run_sweep("agenda-rollover", at(start, minutes=30 + 180))  # a replay moves nothing
    assert texts(api.get(eli, f"/v1/meetings/{second['id']}").ok()) == texts(moved)

    api.post(eli, f"/v1/meetings/{second['id']}/agenda-topics", {"text": "Own topic"}).ok()
    api.patch(mia, f"/v1/meetings/{second['id']}", {"state": "cancelled"}).ok()
    cancelled = api.get(mia, f"/v1/meetings/{second['id']}").ok()
    assert cancelled["state"] == "cancelled"
    assert texts(cancelled) == ["Own topic"]  # its own content is kept
    rehomed = api.get(mia, f"/v1/meetings/{third['id']}").ok()
    assert texts(rehomed) == ["Career goals", "https://example.test/doc"]
    assert {t["carried_from"] for t in rehomed["agenda_topics"]} == {first["id"]}
    assert {t["carry_count"] for t in rehomed["agenda_topics"]} == {2}
    assert texts(rehomed, "action_items") == ["Book training"]


def run_visibility_story(api: Api, start: datetime) -> None:
    admin, mia, eli, tom = people(api)
    series = weekly(api, mia, eli, start)["series"]
    meeting = series["meetings"][0]
    topic = api.post(eli, f"/v1/meetings/{meeting['id']}/agenda-topics", {"text": "x"}).ok()
    m, s, t = meeting["id"], series["id"], topic["id"]
    for outsider in (tom, admin):
        replies = [
            api.get(outsider, f"/v1/one-on-ones/{s}"),
            api.patch(outsider, f"/v1/one-on-ones/{s}", {"title": "x"}),
            api.delete(outsider, f"/v1/one-on-ones/{s}"),
            api.post(outsider, f"/v1/one-on-ones/{s}/archive"),
            api.post(outsider, f"/v1/one-on-ones/{s}/unarchive"),
            api.get(outsider, f"/v1/meetings/{m}"),
            api.patch(outsider, f"/v1/meetings/{m}", {"title": "x"}),
            api.delete(outsider, f"/v1/meetings/{m}"),
            api.post(outsider, f"/v1/meetings/{m}/archive"),
            api.post(outsider, f"/v1/meetings/{m}/unarchive"),
            api.post(outsider, f"/v1/meetings/{m}/agenda-topics", {"text": "x"}),
            api.patch(outsider, f"/v1/meetings/{m}/agenda-topics/{t}", {"completed": True}),
            api.delete(outsider, f"/v1/meetings/{m}/agenda-topics/{t}"),
            api.post(outsider, f"/v1/meetings/{m}/action-items", {"text": "x"}),
            api.patch(outsider, f"/v1/meetings/{m}/action-items/{t}", {"completed": True}),
            api.delete(outsider, f"/v1/meetings/{m}/action-items/{t}"),
            api.put(outsider, f"/v1/meetings/{m}/shared-notes", {"body": "x", "version": 0}),
            api.put(outsider, f"/v1/meetings/{m}/private-notes", {"body": "x"}),
            api.get(outsider, f"/v1/activity?entity_id={m}"),
            api.get(outsider, f"/v1/activity?entity_id={s}"),
        ]
        assert [r.status for r in replies] == [404] * len(replies), [r.text for r in replies]
    assert api.get(tom, "/v1/one-on-ones").ok()["items"] == []
    assert api.get(eli, f"/v1/activity?entity_id={m}").ok()["items"]
    assert api.get(mia, f"/v1/meetings/{m}").ok()["agenda_topics"][0]["id"] == t


def run_conflicts_story(api: Api, start: datetime) -> None:
    """A second series for the pair: 409 naming the first; delete of a past meeting: 409;
    archive of a future one: 409; delete by the non-owner: 403."""
    _, mia, eli, _ = people(api)
    series = weekly(api, mia, eli, start)["series"]
    again = api.post(
        eli,
        "/v1/one-on-ones",
        {
            "with_user_id": mia.user_id,
            "title": "Again",
            "start": at(start, days=1),
            "end": at(start, days=1, minutes=30),
            "recurrence": "FREQ=WEEKLY;INTERVAL=2",
        },
    )
    assert again.status == 409
    assert series["id"] in again.json["detail"]
    assert again.json["series_id"] == series["id"]
    one_off = api.post(
        eli,
        "/v1/one-on-ones",
        {
            "with_user_id": mia.user_id,
            "title": "Extra",
            "start": at(start, days=1),
            "end": at(start, days=1, minutes=30),
        },
    ).ok()["meeting"]
    past = api.post(
        mia,
        "/v1/one-on-ones",
        {
            "with_user_id": eli.user_id,
            "title": "Last week",
            "start": at(start, days=-8),
            "end": at(start, days=-8, minutes=30),
        },
    ).ok()["meeting"]
    deleted = api.delete(mia, f"/v1/meetings/{past['id']}")
    assert deleted.status == 409
    assert "archived" in deleted.json["detail"]
    archived = api.post(mia, f"/v1/meetings/{one_off['id']}/archive")
    assert archived.status == 409
    assert "past" in archived.json["detail"]
    assert api.delete(mia, f"/v1/meetings/{one_off['id']}").status == 403
    assert api.delete(eli, f"/v1/meetings/{series['meetings'][1]['id']}").status == 403
    assert api.post(mia, f"/v1/one-on-ones/{series['id']}/archive").status == 409
    api.post(mia, f"/v1/meetings/{past['id']}/archive").ok()
    archived_tab = api.get(eli, "/v1/one-on-ones?tab=archived").ok()["items"]
    assert [r["id"] for r in archived_tab] == [past["id"]]
    assert api.delete(eli, f"/v1/meetings/{one_off['id']}").status == 204
    assert api.get(eli, f"/v1/meetings/{one_off['id']}").status == 404


def run_privacy_and_notifications_story(api: Api, start: datetime) -> None:
    """Creation email to the other participant; reminders one hour before for both (none
    for who opted out); a summary on Sunday 18:00; replays send nothing more; a private
    note's marker in no answer to the other participant, email, report or activity."""
    admin, mia, eli, _ = people(api)
    series = weekly(api, mia, eli, start)["series"]
    assert [m["subject"] for m in mail_to(api, eli)] == [
        'Mia Manager scheduled "Mia / Eli" with you'
    ]
    assert mail_to(api, mia) == []
    first, second = series["meetings"][0]["id"], series["meetings"][1]["id"]
    path = f"/v1/meetings/{first}"
    api.put(mia, f"{path}/private-notes", {"body": f"Eli seems tired {MARKER}"}).ok()
    api.put(mia, f"{path}/shared-notes", {"body": "Shared", "version": 0}).ok()
    api.post(mia, f"{path}/agenda-topics", {"text": "Growth"}).ok()
    assert MARKER in api.get(mia, path).ok()["private_notes"]["body"]

    api.run_sweep("one-on-one-reminders", at(start, minutes=-61))
    assert mail_to(api, mia, "In one hour") == []
    api.run_sweep("one-on-one-reminders", at(start, minutes=-60))
    api.run_sweep("one-on-one-reminders", at(start, minutes=-60))
    api.run_sweep("one-on-one-reminders", at(start, minutes=-55))
    assert len(mail_to(api, mia, "In one hour")) == len(mail_to(api, eli, "In one hour")) == 1
    api.patch(eli, "/v1/me/settings", {"notifications": {"one_on_one_reminder": False}}).ok()
    api.run_sweep("one-on-one-reminders", at(start, weeks=1, minutes=-60))
    assert len(mail_to(api, mia, "In one hour")) == 2
    assert len(mail_to(api, eli, "In one hour")) == 1

    api.run_sweep("agenda-rollover", at(start, minutes=210))
    assert texts(api.get(eli, f"/v1/meetings/{second}").ok()) == ["Growth"]
    days_to_sunday = 6 - start.weekday()
    sunday = (start + timedelta(days=days_to_sunday)).replace(hour=18, minute=0, second=0)
    api.run_sweep("weekly-summary", at(sunday, minutes=-1))
    assert mail_to(api, mia, "Your week in 1:1s") == []
    api.run_sweep("weekly-summary", at(sunday))
    api.run_sweep("weekly-summary", at(sunday))
    for person in (mia, eli):
        summaries = mail_to(api, person, "Your week in 1:1s")
        assert len(summaries) == 1
        assert "Mia / Eli" in summaries[0]["text"]

    answers = [
        api.get(eli, path),
        api.get(eli, f"/v1/one-on-ones/{series['id']}"),
        api.get(eli, "/v1/one-on-ones?tab=upcoming"),
        api.get(eli, "/v1/one-on-ones?tab=past"),
        api.get(eli, f"/v1/activity?entity_id={first}"),
        api.get(mia, f"/v1/activity?entity_id={first}"),
        api.get(admin, f"/v1/reports/one-on-ones?from={start.date()}&to={sunday.date()}"),
        api.get(
            admin, f"/v1/reports/one-on-ones?from={start.date()}&to={sunday.date()}&format=csv"
        ),
    ]
    assert [answer.status for answer in answers] == [200] * len(answers)
    assert api.get(eli, path).ok()["private_notes"] == {"body": ""}
    assert all(MARKER not in answer.text for answer in answers)
    mails = mail_to(api, mia) + mail_to(api, eli)
    assert len(mails) >= 6
    assert all(MARKER not in json.dumps(mail) for mail in mails)


# --- the stories in-process ---------------------------------------------------------------------


def test_a_weekly_series_rolls_unfinished_work_over_and_rehomes_it(
    api: InProcessApi, set_now: Clock
) -> None:
    run_weekly_story(api, START)


def test_only_participants_see_a_one_on_one(api: InProcessApi, set_now: Clock) -> None:
    run_visibility_story(api, START)


def test_conflicts_and_permissions(api: InProcessApi, set_now: Clock) -> None:
    run_conflicts_story(api, START)


def test_notifications_and_the_privacy_of_private_notes(api: InProcessApi, set_now: Clock) -> None:
    run_privacy_and_notifications_story(api, START)
