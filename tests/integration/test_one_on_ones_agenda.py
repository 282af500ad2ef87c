"""Agenda topics, action items and notes of a meeting (SPEC §3)."""

from __future__ import annotations

from tests.support.harness import InProcessApi
from tests.support.one_on_ones import Clock, people, texts, weekly


def first_meeting(api: InProcessApi) -> tuple:
    admin, mia, eli, tom = people(api)
    meeting = weekly(api, mia, eli)["series"]["meetings"][0]
    return admin, mia, eli, tom, f"/v1/meetings/{meeting['id']}"


def test_entries_move_by_fractional_position(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, _, path = first_meeting(api)
    ids = [
        api.post(mia if i % 2 else eli, f"{path}/agenda-topics", {"text": t}).ok()["id"]
        for i, t in enumerate(["A", "B", "C", "D"])
    ]
    api.patch(eli, f"{path}/agenda-topics/{ids[3]}", {"move": {"before_id": ids[0]}}).ok()
    assert texts(api.get(mia, path).ok()) == ["D", "A", "B", "C"]
    api.patch(mia, f"{path}/agenda-topics/{ids[0]}", {"move": {"after_id": ids[2]}}).ok()
    assert texts(api.get(mia, path).ok()) == ["D", "B", "C", "A"]
    api.patch(mia, f"{path}/agenda-topics/{ids[1]}", {"move": {"after_id": ids[2]}}).ok()
    assert texts(api.get(mia, path).ok()) == ["D", "C", "B", "A"]
    api.post(eli, f"{path}/agenda-topics", {"text": "E"}).ok()
    assert texts(api.get(eli, path).ok()) == ["D", "C", "B", "A", "E"]
    both = api.patch(
        mia, f"{path}/agenda-topics/{ids[1]}", {"move": {"after_id": ids[2], "before_id": ids[0]}}
    )
    assert both.status == 422
    unknown = api.patch(
        mia, f"{path}/agenda-topics/{ids[1]}", {"move": {"after_id": "01J00000000000000000000000"}}
    )
    assert unknown.status == 422


def test_who_may_edit_complete_and_delete(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, _, path = first_meeting(api)
    topic = api.post(mia, f"{path}/agenda-topics", {"text": "Mine"}).ok()
    item = api.post(mia, f"{path}/action-items", {"text": "Do it"}).ok()
    assert topic["author_id"] == mia.user_id
    assert topic["completed"] is False
    assert api.patch(eli, f"{path}/agenda-topics/{topic['id']}", {"text": "x"}).status == 403
    done = api.patch(eli, f"{path}/agenda-topics/{topic['id']}", {"completed": True}).ok()
    assert done["completed"] is True
    assert done["completed_at"]
    assert api.delete(eli, f"{path}/agenda-topics/{topic['id']}").status == 403
    assert (
        api.patch(eli, f"{path}/action-items/{item['id']}", {"text": "Done it"}).ok()["text"]
        == "Done it"
    )
    assert api.delete(eli, f"{path}/action-items/{item['id']}").status == 204
    assert api.delete(mia, f"{path}/agenda-topics/{topic['id']}").status == 204
    meeting = api.get(mia, path).ok()
    assert meeting["agenda_topics"] == []
    assert meeting["action_items"] == []
    assert api.delete(mia, f"{path}/agenda-topics/{topic['id']}").status == 404


def test_text_or_a_single_http_link(api: InProcessApi, set_now: Clock) -> None:
    _, mia, _, _, path = first_meeting(api)
    link = api.post(mia, f"{path}/agenda-topics", {"text": " https://example.test/a?b=1 "}).ok()
    assert link["url"] == "https://example.test/a?b=1"
    plain = api.post(mia, f"{path}/agenda-topics", {"text": "Read https://x.test later"}).ok()
    assert plain["url"] is None
    for bad in ["javascript:alert(1)", "ftp://example.test/file", "https://", "   "]:
        reply = api.post(mia, f"{path}/agenda-topics", {"text": bad})
        assert reply.status == 422, bad
    assert api.post(mia, f"{path}/agenda-topics", {"text": 5}).status == 422
    assert api.post(mia, f"{path}/agenda-topics", {"text": "x", "extra": 1}).status == 422
    flag = api.patch(mia, f"{path}/agenda-topics/{plain['id']}", {"completed": 1})
    assert flag.status == 422


def test_shared_notes_are_versioned(api: InProcessApi, set_now: Clock) -> None:
    _, mia, eli, _, path = first_meeting(api)
    first = api.put(mia, f"{path}/shared-notes", {"body": "Agreed on X", "version": 0}).ok()
    assert first == {"body": "Agreed on X", "version": 1}
    stale = api.put(eli, f"{path}/shared-notes", {"body": "Mine", "version": 0})
    assert stale.status == 409
    assert stale.json["current"] == {"body": "Agreed on X", "version": 1}
    api.put(eli, f"{path}/shared-notes", {"body": "Agreed on X and Y", "version": 1}).ok()
    assert api.get(mia, path).ok()["shared_notes"] == {"body": "Agreed on X and Y", "version": 2}
    assert api.put(mia, f"{path}/shared-notes", {"body": "z", "version": 1}).status == 409


def test_a_disabled_module_answers_404(api: InProcessApi, set_now: Clock) -> None:
    admin, mia, eli, _, path = first_meeting(api)
    api.patch(
        admin,
        "/v1/org/settings",
        {"modules": {"one_on_ones": {"enabled": False, "display_name": "1:1s"}}},
    ).ok()
    assert api.get(mia, path).status == 404
    assert api.get(mia, "/v1/one-on-ones").status == 404
    assert api.get(admin, "/v1/reports/one-on-ones?from=2026-11-01&to=2026-11-30").status == 404
    api.patch(
        admin,
        "/v1/org/settings",
        {"modules": {"one_on_ones": {"enabled": True, "display_name": "Check-ins"}}},
    ).ok()
    assert api.get(eli, path).status == 200
    api.post(
        eli,
        "/v1/one-on-ones",
        {
            "with_user_id": mia.user_id,
            "title": "Quick one",
            "start": "2026-11-03T09:00:00Z",
            "end": "2026-11-03T09:15:00Z",
        },
    ).ok()
    assert "with you in Check-ins: Quick one" in api.outbox()[0]["text"]
