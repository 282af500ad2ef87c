"""e2e: webhooks from the local stack to receivers on 127.0.0.1 (local mode only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from standardwebhooks.webhooks import Webhook

from tests.support.harness import Actor, Api
from tests.support.webhook_receiver import receiver

pytestmark = pytest.mark.e2e
PERIOD = {"start_date": "2026-01-01", "due_date": "2026-12-31"}


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_in(stack: Api, actor: Actor, goal_id: str, value: int) -> None:
    body = {"note": "", "status": "on_track", "value": value}
    stack.post(actor, f"/v1/goals/{goal_id}/check-ins", body).ok()


def test_one_signed_delivery_per_check_in(stack: Api) -> None:
    admin = stack.new_org("Hooked")
    with receiver() as endpoint:
        made = stack.post(
            admin,
            "/v1/webhook-subscriptions",
            {"url": endpoint.url, "event_types": ["goal.checked_in"], "description": "BI"},
        )
        assert made.status == 201, made.text
        goal = stack.post(admin, "/v1/goals", {"kind": "objective", "title": "Grow", **PERIOD})
        for value in (10, 30, 60):
            _check_in(stack, admin, goal.ok()["id"], value)
        now = _at(datetime.now(UTC))
        stack.run_sweep("events-publish", now)
        stack.run_sweep("webhook-deliveries", now)
        stack.run_sweep("webhook-deliveries", now)  # a replay sends nothing twice
    assert len(endpoint.received) == 3
    verifier = Webhook(made.json["secret"])
    events = [verifier.verify(d.body, d.headers) for d in endpoint.received]
    assert {e["type"] for e in events} == {"goal.checked_in"}
    assert len({e["data"]["id"] for e in events}) == 3


def test_a_failing_receiver_gets_growing_retries_then_is_disabled(stack: Api) -> None:
    admin = stack.new_org("Hooked Failing")
    with receiver(status=500) as endpoint:
        made = stack.post(
            admin,
            "/v1/webhook-subscriptions",
            {"url": endpoint.url, "event_types": ["goal.checked_in"]},
        ).ok()
        goal = stack.post(admin, "/v1/goals", {"kind": "objective", "title": "Grow", **PERIOD})
        _check_in(stack, admin, goal.ok()["id"], 10)
        start = datetime.now(UTC)
        stack.run_sweep("events-publish", _at(start))
        at, waits, log = start, [], f"/v1/webhook-subscriptions/{made['id']}/deliveries"
        for _ in range(10):
            stack.run_sweep("webhook-deliveries", _at(at))
            stack.run_sweep("webhook-deliveries", _at(at))  # replayed: no duplicate
            delivery = stack.get(admin, log).ok()["items"][0]
            assert len(endpoint.received) == len(delivery["attempts"])
            if delivery["status"] != "pending":
                break
            following = datetime.fromisoformat(delivery["next_attempt_at"])
            waits.append(following - at)
            at = following
    assert delivery["status"] == "failed"
    assert [a["status_code"] for a in delivery["attempts"]] == [500] * 7
    assert all(later > earlier for earlier, later in pairwise(waits))
    assert timedelta(hours=20) < at - start < timedelta(hours=30)
    assert stack.get(admin, f"/v1/webhook-subscriptions/{made['id']}").ok()["status"] == "disabled"
    mail = [m for m in stack.outbox() if admin.email in m["to"]]
    assert [m["subject"] for m in mail] == ["A Momentum webhook subscription was disabled"]
    assert endpoint.url in mail[0]["text"]
