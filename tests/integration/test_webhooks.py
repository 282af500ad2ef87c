"""Outbound events and webhook deliveries under moto, with a receiver on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import jsonschema
import pytest
from standardwebhooks.webhooks import Webhook

from momentum.core import aws
from momentum.core.config import settings
from momentum.events import types
from tests.support.harness import Actor, InProcessApi
from tests.support.webhook_receiver import receiver

PERIOD = {"start_date": "2026-01-01", "due_date": "2026-12-31"}


@pytest.fixture
def hooks(api: InProcessApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessApi]:
    monkeypatch.setenv("MOMENTUM_LOCAL", "1")  # loopback receivers: local mode only
    monkeypatch.setenv("EVENT_BUS_NAME", "momentum-test")
    settings.cache_clear()
    aws.client("events").create_event_bus(Name="momentum-test")
    yield api
    settings.cache_clear()


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _subscribe(api: InProcessApi, admin: Actor, url: str, **fields: object) -> dict[str, str]:
    body = {"url": url, "event_types": ["goal.checked_in"], **fields}
    made = api.post(admin, "/v1/webhook-subscriptions", body)
    assert made.status == 201, made.text
    return dict(made.json)


def test_one_signed_delivery_per_check_in(hooks: InProcessApi) -> None:
    api = hooks
    admin = api.new_org()
    with receiver() as endpoint:
        subscription = _subscribe(api, admin, endpoint.url)
        goal = api.post(admin, "/v1/goals", {"kind": "objective", "title": "Grow", **PERIOD}).ok()
        for value in (10, 20):
            api.post(
                admin,
                f"/v1/goals/{goal['id']}/check-ins",
                {"note": "", "status": "on_track", "value": value},
            ).ok()
        now = datetime.now(UTC)
        assert api.run_sweep("events-publish", _at(now))["done"] >= 3
        assert api.run_sweep("events-publish", _at(now))["done"] == 0  # a replay publishes nothing
        assert api.run_sweep("webhook-deliveries", _at(now))["done"] == 2
        assert api.run_sweep("webhook-deliveries", _at(now))["due"] == 0
    assert len(endpoint.received) == 2
    verifier = Webhook(subscription["secret"])
    for delivery in endpoint.received:
        event = verifier.verify(delivery.body, delivery.headers)
        assert event["type"] == "goal.checked_in"
        assert event["data"]["entity"] == {"kind": "goal", "id": goal["id"]}
        jsonschema.validate(event, types.schema("goal.checked_in"))
    ids = {d.headers["webhook-id"] for d in endpoint.received}
    assert len(ids) == 2
    log = api.get(admin, f"/v1/webhook-subscriptions/{subscription['id']}/deliveries").ok()
    assert [d["status"] for d in log["items"]] == ["delivered", "delivered"]
    assert "secret" not in api.get(admin, f"/v1/webhook-subscriptions/{subscription['id']}").ok()


def test_private_goals_carry_ids_unless_opted_in(hooks: InProcessApi) -> None:
    api = hooks
    admin = api.new_org()
    with receiver() as plain, receiver() as detailed:
        _subscribe(api, admin, plain.url, event_types=["goal.*"])
        _subscribe(api, admin, detailed.url, event_types=["goal.*"], include_private_details=True)
        body = {"kind": "objective", "title": "Secret merger", "visibility": "private", **PERIOD}
        api.post(admin, "/v1/goals", body).ok()
        now = _at(datetime.now(UTC))
        api.run_sweep("events-publish", now)
        api.run_sweep("webhook-deliveries", now)
    assert "Secret merger" not in plain.received[0].body
    assert json.loads(plain.received[0].body)["data"]["private"] is True
    assert "Secret merger" in detailed.received[0].body


def test_a_failing_endpoint_is_retried_then_disabled_and_admins_told(hooks: InProcessApi) -> None:
    api = hooks
    admin = api.new_org()
    with receiver(status=500) as endpoint:
        subscription = _subscribe(api, admin, endpoint.url)
        goal = api.post(admin, "/v1/goals", {"kind": "objective", "title": "Grow", **PERIOD}).ok()
        api.post(
            admin,
            f"/v1/goals/{goal['id']}/check-ins",
            {"note": "", "status": "on_track", "value": 5},
        ).ok()
        start = datetime.now(UTC)
        api.run_sweep("events-publish", _at(start))
        at, waits = start, []
        for _ in range(10):
            api.run_sweep("webhook-deliveries", _at(at))
            api.run_sweep("webhook-deliveries", _at(at))  # a replay sends nothing more
            log = api.get(admin, f"/v1/webhook-subscriptions/{subscription['id']}/deliveries")
            delivery = log.ok()["items"][0]
            if delivery["status"] != "pending":
                break
            following = datetime.fromisoformat(delivery["next_attempt_at"])
            assert (
                api.run_sweep("webhook-deliveries", _at(following - timedelta(seconds=2)))["done"]
                == 0
            )
            waits.append(following - at)
            at = following
    assert delivery["status"] == "failed"
    assert len(endpoint.received) == len(delivery["attempts"]) == 7
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert timedelta(hours=20) < at - start < timedelta(hours=30)
    assert (
        api.get(admin, f"/v1/webhook-subscriptions/{subscription['id']}").ok()["status"]
        == "disabled"
    )
    mail = [m for m in api.outbox() if admin.email in m["to"]]
    assert "disabled" in mail[0]["subject"]


def test_outbound_urls_are_checked(hooks: InProcessApi, monkeypatch: pytest.MonkeyPatch) -> None:
    api = hooks
    admin = api.new_org()
    bob = api.add_user(admin, "Bob Builder")
    for url in (
        "http://example.com/h",
        "https://10.0.0.5/h",
        "https://localhost/h",
        "https://169.254.169.254/latest",
        "ftp://example.com",
        "https://user:pw@example.com/",
    ):
        reply = api.post(admin, "/v1/webhook-subscriptions", {"url": url, "event_types": ["*"]})
        assert reply.status == 422, url
    assert (
        api.post(
            admin,
            "/v1/webhook-subscriptions",
            {"url": "https://example.com/h", "event_types": ["nope.nothing"]},
        ).status
        == 422
    )
    assert (
        api.post(
            bob, "/v1/webhook-subscriptions", {"url": "https://example.com/h", "event_types": ["*"]}
        ).status
        == 403
    )
    monkeypatch.setenv("MOMENTUM_LOCAL", "0")
    settings.cache_clear()
    assert (
        api.post(
            admin,
            "/v1/webhook-subscriptions",
            {"url": "http://127.0.0.1:9/h", "event_types": ["*"]},
        ).status
        == 422
    )


def test_one_on_one_content_never_leaves_in_events(hooks: InProcessApi) -> None:
    api = hooks
    admin = api.new_org()
    bob = api.add_user(admin, "Bob Builder")
    with receiver() as endpoint:
        _subscribe(api, admin, endpoint.url, event_types=["*"], include_private_details=True)
        start = datetime.now(UTC) + timedelta(days=1)
        made = api.post(
            admin,
            "/v1/one-on-ones",
            {
                "with_user_id": bob.user_id,
                "title": "Career talk",
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=30)).isoformat(),
            },
        ).ok()
        meeting_id = made["meeting"]["id"]
        api.post(admin, f"/v1/meetings/{meeting_id}/agenda-topics", {"text": "Salary review"}).ok()
        now = _at(datetime.now(UTC))
        api.run_sweep("events-publish", now)
        api.run_sweep("webhook-deliveries", now)
    bodies = [json.loads(d.body) for d in endpoint.received]
    assert "one_on_one.created" in {b["type"] for b in bodies}
    assert not any("Salary review" in d.body or "Career talk" in d.body for d in endpoint.received)


def test_subscription_changes_are_in_the_activity_log_for_admins(hooks: InProcessApi) -> None:
    api = hooks
    admin = api.new_org()
    bob = api.add_user(admin, "Bob Builder")
    made = _subscribe(api, admin, "https://hooks.example.com/momentum")
    changed = api.patch(admin, f"/v1/webhook-subscriptions/{made['id']}", {"event_types": ["*"]})
    assert changed.ok()["event_types"] == ["*"]
    entries = api.get(admin, f"/v1/activity?entity_id={made['id']}").ok()["items"]
    assert [e["action"] for e in entries] == ["updated", "created"]
    assert api.get(bob, f"/v1/activity?entity_id={made['id']}").status == 404
    assert api.delete(admin, f"/v1/webhook-subscriptions/{made['id']}").status == 204
    assert api.get(admin, f"/v1/webhook-subscriptions/{made['id']}").status == 404
