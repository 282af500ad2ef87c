"""Every create the API document lists takes `Idempotency-Key`: a retried request with the
same key and body answers the first result and creates nothing new. These are the
creates that once ignored the key (plan updates, agenda entries, companies, locations)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from momentum.core import clock
from tests.harness import Actor, Api


def _twice(api: Api, actor: Actor, path: str, body: dict, key: str) -> tuple[dict, dict]:
    headers = {"Idempotency-Key": key}
    first = api.post(actor, path, body, headers=headers)
    second = api.post(actor, path, body, headers=headers)
    assert (first.status, second.status) == (201, 201)
    return first.json, second.json


def test_a_retried_company_or_location_is_made_once(api: Api) -> None:
    admin = api.new_org("Once Co")
    first, second = _twice(api, admin, "/v1/companies", {"name": "Acme EU"}, "company-1")
    assert first == second
    assert len(api.get(admin, "/v1/companies").ok()["items"]) == 1
    path = f"/v1/companies/{first['id']}/locations"
    first, second = _twice(api, admin, path, {"name": "Berlin"}, "location-1")
    assert first == second
    assert len(api.get(admin, path).ok()["items"]) == 1


def test_a_retried_plan_update_is_posted_once(api: Api) -> None:
    admin = api.new_org("Once Plans")
    plan = api.post(
        admin,
        "/v1/action-plans",
        {"title": "Kudos", "due_date": "2026-12-31", "okr": {"mode": "none"}},
    ).ok()
    path = f"/v1/action-plans/{plan['action_plan']['id']}/updates"
    first, second = _twice(api, admin, path, {"body": "Started"}, "update-1")
    assert first["id"] == second["id"]
    assert [u["body"] for u in api.get(admin, path).ok()["items"]] == ["Started"]


def test_retried_agenda_topics_and_action_items_are_added_once(api: Api) -> None:
    admin = api.new_org("Once Meetings")
    other = api.add_user(admin, "Bo Brown")
    day = clock.now().date() + timedelta(days=2)
    start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
    created = api.post(
        admin,
        "/v1/one-on-ones",
        {
            "with_user_id": other.user_id,
            "title": "Ada / Bo",
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=30)).isoformat(),
        },
    ).ok()
    meeting = f"/v1/meetings/{created['meeting']['id']}"
    topic, again = _twice(api, admin, f"{meeting}/agenda-topics", {"text": "Rota"}, "t-1")
    assert topic["id"] == again["id"]
    item, again = _twice(api, admin, f"{meeting}/action-items", {"text": "Send it"}, "i-1")
    assert item["id"] == again["id"]
    read = api.get(admin, meeting).ok()
    assert [t["text"] for t in read["agenda_topics"]] == ["Rota"]
    assert [i["text"] for i in read["action_items"]] == ["Send it"]
    # The same key with another body is refused rather than taken for a retry.
    reused = api.post(
        admin, f"{meeting}/agenda-topics", {"text": "Other"}, headers={"Idempotency-Key": "t-1"}
    )
    assert reused.status == 422
