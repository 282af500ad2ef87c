"""Series lifecycle: tabs, horizon, series changes, waiting entries, archive, report."""

from __future__ import annotations

import csv
import io

from tests.support.harness import InProcessApi
from tests.support.one_on_ones import Clock, people, texts, weekly


def create(api: InProcessApi, owner, other, **fields) -> dict:
    body = {
        "with_user_id": other.user_id,
        "title": "1:1",
        "start": "2026-11-02T10:00:00Z",
        "end": "2026-11-02T10:30:00Z",
        **fields,
    }
    return api.post(owner, "/v1/one-on-ones", body).ok()


def test_tabs_list_series_and_one_offs(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, tom = people(api)
    series = weekly(api, mia, eli)["series"]
    past = create(
        api, tom, eli, title="Old", start="2026-10-20T10:00:00Z", end="2026-10-20T10:30:00Z"
    )["meeting"]
    soon = create(
        api, tom, eli, title="Soon", start="2026-11-03T09:00:00Z", end="2026-11-03T09:30:00Z"
    )["meeting"]
    upcoming = api.get(eli, "/v1/one-on-ones?tab=upcoming").ok()["items"]
    assert [(r["kind"], r["id"]) for r in upcoming] == [
        ("meeting", soon["id"]),
        ("series", series["id"]),
    ]
    assert upcoming[1]["with_user_id"] == mia.user_id
    assert upcoming[1]["end"] is None
    assert [r["id"] for r in api.get(eli, "/v1/one-on-ones?tab=past").ok()["items"]] == [past["id"]]
    api.post(eli, f"/v1/meetings/{past['id']}/archive").ok()
    assert api.get(eli, "/v1/one-on-ones?tab=past").ok()["items"] == []
    assert [r["id"] for r in api.get(tom, "/v1/one-on-ones?tab=archived").ok()["items"]] == [
        past["id"]
    ]
    api.post(tom, f"/v1/meetings/{past['id']}/unarchive").ok()
    assert len(api.get(eli, "/v1/one-on-ones?tab=past").ok()["items"]) == 1
    page = api.get(eli, "/v1/one-on-ones?tab=upcoming&limit=1").ok()
    rest = api.get(eli, f"/v1/one-on-ones?tab=upcoming&cursor={page['next_cursor']}").ok()
    assert [r["id"] for r in page["items"] + rest["items"]] == [soon["id"], series["id"]]
    assert api.get(mia, f"/v1/one-on-ones?tab=upcoming&cursor={page['next_cursor']}").status == 400
    assert api.get(eli, "/v1/one-on-ones?tab=later").status == 422


def test_meetings_are_materialised_ahead_and_extended(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, _ = people(api)
    series = weekly(api, mia, eli)["series"]
    starts = [m["start"][:10] for m in series["meetings"]]
    assert len(starts) == 8
    assert starts[-1] == "2026-12-21"

    def last_start() -> str:
        meetings = api.get(mia, f"/v1/one-on-ones/{series['id']}").ok()["meetings"]
        return f"{len(meetings)} {meetings[-1]['start'][:10]}"

    api.run_sweep("meeting-horizon", "2026-11-02T02:30:00Z")
    assert last_start() == "8 2026-12-21"
    api.run_sweep("meeting-horizon", "2026-11-03T02:30:00Z")
    assert last_start() == "9 2026-12-28"
    api.run_sweep("meeting-horizon", "2026-11-03T02:30:00Z")
    api.run_sweep("meeting-horizon", "2026-11-04T02:30:00Z")
    assert last_start() == "9 2026-12-28"
    api.run_sweep("meeting-horizon", "2026-11-10T02:30:00Z")
    assert last_start() == "10 2027-01-04"


def test_dst_keeps_the_owners_wall_clock_time(api: InProcessApi, set_now: Clock) -> None:
    admin = api.new_org("Acme")
    pia = api.add_user(admin, "Pia Paris", time_zone="Europe/Paris")
    eli = api.add_user(admin, "Eli Employee")
    series = create(
        api,
        pia,
        eli,
        start="2026-10-20T09:00:00+02:00",
        end="2026-10-20T09:30:00+02:00",
        recurrence="RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
    )["series"]
    starts = [m["start"] for m in series["meetings"][:4]]
    assert starts == [
        "2026-10-20T07:00:00+00:00",
        "2026-10-22T07:00:00+00:00",
        "2026-11-03T08:00:00+00:00",
        "2026-11-05T08:00:00+00:00",
    ]


def test_bad_recurrences_and_times_are_422(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, _ = people(api)
    for rule in [
        "FREQ=DAILY",
        "FREQ=WEEKLY;INTERVAL=4",
        "FREQ=WEEKLY;BYDAY=XX",
        "nonsense",
        "FREQ=MONTHLY;INTERVAL=2",
        "FREQ=WEEKLY;COUNT=2;UNTIL=20270101",
    ]:
        reply = api.post(
            mia,
            "/v1/one-on-ones",
            {
                "with_user_id": eli.user_id,
                "title": "x",
                "start": "2026-11-02T10:00:00Z",
                "end": "2026-11-02T10:30:00Z",
                "recurrence": rule,
            },
        )
        assert reply.status == 422, rule
        assert reply.json["errors"][0]["path"] == "recurrence"
    base = {"with_user_id": eli.user_id, "title": "x", "start": "2026-11-02T10:00:00Z"}
    assert api.post(mia, "/v1/one-on-ones", {**base, "end": "2026-11-02T09:00:00Z"}).status == 422
    assert api.post(mia, "/v1/one-on-ones", {**base, "end": "2026-11-02T11:00:00"}).status == 422
    assert (
        api.post(
            mia,
            "/v1/one-on-ones",
            {**base, "end": "2026-11-02T11:00:00Z", "with_user_id": mia.user_id},
        ).status
        == 422
    )
    assert (
        api.post(
            mia, "/v1/one-on-ones", {**base, "end": "2026-11-02T11:00:00Z", "with_user_id": "nope"}
        ).status
        == 422
    )
    assert api.post(mia, "/v1/one-on-ones", raw_body='{"title": ').status == 400
    far = {**base, "start": "0001-01-01T00:00:00+05:00", "end": "0001-01-01T01:00:00+05:00"}
    assert api.post(mia, "/v1/one-on-ones", far).status == 422
    admin = api.new_org("Other")
    assert api.get(admin, "/v1/reports/one-on-ones?from=0001-01-01&to=0001-01-02").status == 422
    assert api.get(admin, "/v1/reports/one-on-ones?from=9999-12-31&to=9999-12-31").status == 422


def test_series_changes_apply_to_future_meetings(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, _ = people(api)
    series = weekly(api, mia, eli)["series"]
    first = series["meetings"][0]
    set_now("2026-11-03T12:00:00Z")
    changed = api.patch(
        eli,
        f"/v1/one-on-ones/{series['id']}",
        {
            "title": "Weekly sync",
            "start": "2026-11-11T15:00:00Z",
            "end": "2026-11-11T16:00:00Z",
            "recurrence": "FREQ=WEEKLY;BYDAY=WE",
        },
    ).ok()
    meetings = changed["meetings"]
    assert meetings[0] == {**first, "calendar": None}  # the past meeting is untouched
    assert {m["title"] for m in meetings[1:]} == {"Weekly sync"}
    assert [m["start"] for m in meetings[1:3]] == [
        "2026-11-11T15:00:00+00:00",
        "2026-11-18T15:00:00+00:00",
    ]
    assert meetings[1]["id"] == series["meetings"][1]["id"]  # same meetings, new times
    assert api.get(mia, f"/v1/meetings/{first['id']}").ok()["title"] == "Mia / Eli"
    renamed = api.patch(mia, f"/v1/one-on-ones/{series['id']}", {"title": "Sync"}).ok()
    assert renamed["title"] == "Sync"
    assert renamed["meetings"][2]["title"] == "Sync"
    assert (
        api.patch(mia, f"/v1/one-on-ones/{series['id']}", {"start": "2026-11-01T10:00:00Z"}).status
        == 422
    )


def test_entries_wait_on_an_ended_series_and_move_when_it_continues(
    api: InProcessApi, set_now: Clock
) -> None:
    _, mia, eli, _ = people(api)
    series = create(api, mia, eli, recurrence="FREQ=WEEKLY;COUNT=1")["series"]
    meeting = series["meetings"][0]
    assert len(series["meetings"]) == 1
    assert series["ends_at"] == "2026-11-02T10:30:00+00:00"
    api.post(eli, f"/v1/meetings/{meeting['id']}/agenda-topics", {"text": "Keep me"}).ok()
    api.run_sweep("agenda-rollover", "2026-11-02T13:30:00Z")
    waiting = api.get(mia, f"/v1/one-on-ones/{series['id']}").ok()
    assert texts(waiting, "waiting_topics") == ["Keep me"]
    assert api.get(mia, f"/v1/meetings/{meeting['id']}").ok()["agenda_topics"] == []
    set_now("2026-11-03T12:00:00Z")
    resumed = api.patch(
        mia,
        f"/v1/one-on-ones/{series['id']}",
        {"start": "2026-11-09T10:00:00Z", "recurrence": "FREQ=WEEKLY"},
    ).ok()
    assert resumed["waiting_topics"] == []
    nxt = api.get(eli, f"/v1/meetings/{resumed['meetings'][1]['id']}").ok()
    assert texts(nxt) == ["Keep me"]
    assert nxt["agenda_topics"][0]["carried_from"] == meeting["id"]


def test_archive_and_delete_a_series(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, _ = people(api)
    finished = create(
        api,
        mia,
        eli,
        recurrence="FREQ=WEEKLY;COUNT=2",
        start="2026-10-19T10:00:00Z",
        end="2026-10-19T10:30:00Z",
    )["series"]
    assert api.post(mia, f"/v1/one-on-ones/{finished['id']}/archive").ok()["archived"] is True
    assert [r["id"] for r in api.get(eli, "/v1/one-on-ones?tab=archived").ok()["items"]] == [
        finished["id"]
    ]
    fresh = weekly(api, eli, mia)["series"]  # archiving freed the pair
    assert api.post(mia, f"/v1/one-on-ones/{finished['id']}/unarchive").status == 409
    assert api.delete(mia, f"/v1/one-on-ones/{fresh['id']}").status == 403
    assert api.delete(mia, f"/v1/one-on-ones/{finished['id']}").status == 409
    assert api.delete(eli, f"/v1/one-on-ones/{fresh['id']}").status == 204
    assert api.get(eli, f"/v1/one-on-ones/{fresh['id']}").status == 404
    api.run_background()  # its meetings go in the background
    assert api.get(eli, f"/v1/meetings/{fresh['meetings'][0]['id']}").status == 404
    assert api.post(mia, f"/v1/one-on-ones/{finished['id']}/unarchive").ok()["archived"] is False


def test_idempotent_create(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, _ = people(api)
    body = {
        "with_user_id": eli.user_id,
        "title": "Once",
        "start": "2026-11-02T10:00:00Z",
        "end": "2026-11-02T10:30:00Z",
    }
    headers = {"Idempotency-Key": "k-1"}
    first = api.post(mia, "/v1/one-on-ones", body, headers=headers)
    again = api.post(mia, "/v1/one-on-ones", body, headers=headers)
    assert first.status == again.status == 201
    assert first.json["meeting"]["id"] == again.json["meeting"]["id"]
    assert len(api.get(eli, "/v1/one-on-ones").ok()["items"]) == 1
    assert len(api.outbox()) == 1


def test_the_admin_report_counts_per_pair(api: InProcessApi, set_now: Clock) -> None:
    admin, mia, eli, tom = people(api)
    series = weekly(api, mia, eli)["series"]
    week1 = f"/v1/meetings/{series['meetings'][0]['id']}"
    topic = api.post(mia, f"{week1}/agenda-topics", {"text": "=cmd"}).ok()
    api.post(eli, f"{week1}/agenda-topics", {"text": "Two"}).ok()
    api.post(eli, f"{week1}/action-items", {"text": "Item"}).ok()
    api.patch(eli, f"{week1}/agenda-topics/{topic['id']}", {"completed": True}).ok()
    api.put(mia, f"{week1}/shared-notes", {"body": "NOTE-TEXT", "version": 0}).ok()
    create(api, tom, eli, title="Once", start="2026-11-04T10:00:00Z", end="2026-11-04T10:30:00Z")
    set_now("2026-11-20T12:00:00Z")
    path = "/v1/reports/one-on-ones?from=2026-11-01&to=2026-11-15"
    assert api.get(mia, path).status == 403
    pairs = {tuple(sorted(p["user_names"])): p for p in api.get(admin, path).ok()["pairs"]}
    assert pairs[("Eli Employee", "Mia Manager")] == {
        **pairs[("Eli Employee", "Mia Manager")],
        "meetings_held": 2,
        "topics_created": 2,
        "topics_completed": 1,
        "action_items_created": 1,
        "action_items_completed": 0,
    }
    assert pairs[("Eli Employee", "Tom Third")]["meetings_held"] == 1
    reply = api.get(admin, path + "&format=csv")
    assert reply.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert len(rows) == 2
    assert {r["meetings_held"] for r in rows} == {"2", "1"}
    assert "NOTE-TEXT" not in reply.text
    assert "cmd" not in reply.text
    assert api.get(admin, "/v1/reports/one-on-ones?from=2026-11-15&to=2026-11-01").status == 422
    assert api.get(admin, "/v1/reports/one-on-ones?from=nope&to=2026-11-01").status == 422
