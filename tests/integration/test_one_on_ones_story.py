"""The issue's story, in-process under moto: a weekly series walked through two weeks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from momentum.core import clock
from tests.harness import Actor, InProcessApi

Clock = Callable[[str], None]


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    state = {"now": clock.parse_instant("2026-11-01T12:00:00Z")}
    monkeypatch.setattr(clock, "now", lambda: state["now"])

    def move_to(instant: str) -> None:
        state["now"] = clock.parse_instant(instant)

    return move_to


def people(api: InProcessApi) -> tuple[Actor, Actor, Actor, Actor]:
    admin = api.new_org("Acme", time_zone="UTC")
    mia = api.add_user(admin, "Mia Manager", roles=["manager"])
    eli = api.add_user(admin, "Eli Employee", manager_id=mia.user_id)
    tom = api.add_user(admin, "Tom Third")
    return admin, mia, eli, tom


def weekly(api: InProcessApi, owner: Actor, other: Actor) -> dict:
    body = {
        "with_user_id": other.user_id,
        "title": "Mia / Eli",
        "start": "2026-11-02T10:00:00Z",
        "end": "2026-11-02T10:30:00Z",
        "recurrence": "FREQ=WEEKLY",
    }
    return api.post(owner, "/v1/one-on-ones", body).ok()


def texts(meeting: dict, field: str = "agenda_topics") -> list[str]:
    return [entry["text"] for entry in meeting[field]]


def test_a_weekly_series_rolls_unfinished_work_over_and_rehomes_it(
    api: InProcessApi, set_now: Clock
) -> None:
    _, mia, eli, _ = people(api)
    created = weekly(api, mia, eli)
    assert created["meeting"] is None
    series = created["series"]
    first, second, third = series["meetings"][:3]
    assert [m["start"] for m in (first, second, third)] == [
        "2026-11-02T10:00:00+00:00",
        "2026-11-09T10:00:00+00:00",
        "2026-11-16T10:00:00+00:00",
    ]
    week1 = f"/v1/meetings/{first['id']}"
    a = api.post(mia, f"{week1}/agenda-topics", {"text": "Career goals"}).ok()
    b = api.post(eli, f"{week1}/agenda-topics", {"text": "https://example.test/doc"}).ok()
    c = api.post(eli, f"{week1}/agenda-topics", {"text": "Holiday plan"}).ok()
    item = api.post(mia, f"{week1}/action-items", {"text": "Book training"}).ok()
    assert b["url"] == "https://example.test/doc"
    api.patch(eli, f"{week1}/agenda-topics/{c['id']}", {"completed": True}).ok()

    api.run_sweep("agenda-rollover", "2026-11-02T13:29:00Z")  # end + 2h59m
    assert texts(api.get(mia, week1).ok()) == [
        "Career goals",
        "https://example.test/doc",
        "Holiday plan",
    ]
    api.run_sweep("agenda-rollover", "2026-11-02T13:30:00Z")  # end + 3h
    after = api.get(mia, week1).ok()
    assert texts(after) == ["Holiday plan"]
    moved = api.get(eli, f"/v1/meetings/{second['id']}").ok()
    assert texts(moved) == ["Career goals", "https://example.test/doc"]
    assert [t["id"] for t in moved["agenda_topics"]] == [a["id"], b["id"]]
    assert {t["carried_from"] for t in moved["agenda_topics"]} == {first["id"]}
    assert {t["carry_count"] for t in moved["agenda_topics"]} == {1}
    assert moved["agenda_topics"][0]["author_id"] == mia.user_id
    assert texts(moved, "action_items") == ["Book training"]
    assert moved["action_items"][0]["id"] == item["id"]

    api.post(eli, f"/v1/meetings/{second['id']}/agenda-topics", {"text": "Own topic"}).ok()
    set_now("2026-11-05T09:00:00Z")
    api.patch(mia, f"/v1/meetings/{second['id']}", {"state": "cancelled"}).ok()
    cancelled = api.get(mia, f"/v1/meetings/{second['id']}").ok()
    assert cancelled["state"] == "cancelled"
    assert texts(cancelled) == ["Own topic"]  # its own content is kept
    rehomed = api.get(mia, f"/v1/meetings/{third['id']}").ok()
    assert texts(rehomed) == ["Career goals", "https://example.test/doc"]
    assert {t["carried_from"] for t in rehomed["agenda_topics"]} == {first["id"]}
    assert {t["carry_count"] for t in rehomed["agenda_topics"]} == {2}
    assert texts(rehomed, "action_items") == ["Book training"]


def test_only_participants_see_a_one_on_one(api: InProcessApi, set_now: Clock) -> None:
    admin, mia, eli, tom = people(api)
    series = weekly(api, mia, eli)["series"]
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


def test_conflicts_and_permissions(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, _ = people(api)
    series = weekly(api, mia, eli)["series"]
    again = api.post(
        eli,
        "/v1/one-on-ones",
        {
            "with_user_id": mia.user_id,
            "title": "Again",
            "start": "2026-11-03T10:00:00Z",
            "end": "2026-11-03T10:30:00Z",
            "recurrence": "FREQ=WEEKLY;INTERVAL=2",
        },
    )
    assert again.status == 409
    assert series["id"] in again.json["detail"]
    one_off = api.post(
        eli,
        "/v1/one-on-ones",
        {
            "with_user_id": mia.user_id,
            "title": "Extra",
            "start": "2026-11-03T10:00:00Z",
            "end": "2026-11-03T10:30:00Z",
        },
    ).ok()["meeting"]
    past = api.post(
        mia,
        "/v1/one-on-ones",
        {
            "with_user_id": eli.user_id,
            "title": "Last week",
            "start": "2026-10-26T10:00:00Z",
            "end": "2026-10-26T10:30:00Z",
        },
    ).ok()["meeting"]
    assert api.delete(mia, f"/v1/meetings/{past['id']}").status == 409
    assert api.post(mia, f"/v1/meetings/{one_off['id']}/archive").status == 409
    assert api.delete(mia, f"/v1/meetings/{one_off['id']}").status == 403
    future = series["meetings"][1]["id"]
    assert api.delete(eli, f"/v1/meetings/{future}").status == 403
    assert api.post(mia, f"/v1/one-on-ones/{series['id']}/archive").status == 409
    api.post(mia, f"/v1/meetings/{past['id']}/archive").ok()
    assert [r["id"] for r in api.get(eli, "/v1/one-on-ones?tab=archived").ok()["items"]] == [
        past["id"]
    ]
    assert api.delete(eli, f"/v1/meetings/{one_off['id']}").status == 204
    assert api.get(eli, f"/v1/meetings/{one_off['id']}").status == 404


def now_is(value: str) -> datetime:
    return clock.parse_instant(value)
