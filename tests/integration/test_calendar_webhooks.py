"""The webhook receivers with real-shaped notifications from events/ (the Lambda handler
called directly, as API Gateway would)."""

from __future__ import annotations

import base64
import json
from typing import Any

from momentum.handlers import webhooks
from tests.support import events
from tests.support.calendar_providers import FakeProviders, connect
from tests.support.harness import Actor, InProcessApi, LambdaContext

ORG, USER = "01KA0000000000000000000ORG", "01KA000000000000000000USER"


def sample(name: str, actor: Actor | None = None, **headers: str) -> dict[str, Any]:
    event = events.load(name)
    if actor is not None:
        text = json.dumps(event).replace(ORG, actor.org_id).replace(USER, actor.user_id)
        event = json.loads(text)
    event["headers"].update(headers)
    return event


def call(event: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = webhooks.handler(event, LambdaContext())
    return answer


def connected(api: InProcessApi, fakes: FakeProviders, provider: str) -> Actor:
    admin = api.new_org("Acme")
    ada = api.add_user(admin, "Ada Lovelace")
    connect(api, fakes, ada, provider)
    return ada


def test_unknown_senders_are_refused_and_nothing_is_queued(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    assert call(sample("google_push_exists.json"))["statusCode"] == 403
    assert call(sample("graph_change_notification.json"))["statusCode"] == 403
    assert call(sample("graph_lifecycle_notification.json"))["statusCode"] == 403
    assert fakes.queued() == 0


def test_the_graph_validation_token_is_echoed_decoded_as_plain_text() -> None:
    answer = call(sample("graph_validation.json"))
    assert answer["statusCode"] == 200
    assert answer["headers"] == {
        "Content-Type": "text/plain",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    assert answer["body"] == (
        "Validation: Testing client application reachability for subscription Request-Id: "
        "2b6d3c4e-1f0a-4c1e-9a7b-5d3e2f1a0b9c"
    )


def test_a_google_notification_is_queued_once_per_message_number(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada = connected(api, fakes, "google")
    (channel,) = fakes.state()["accounts"][f"google:{ada.email}"]["channels"].values()
    real = {
        "x-goog-channel-id": channel["id"],
        "x-goog-resource-id": channel["resourceId"],
        "x-goog-channel-token": channel["token"],
    }
    assert call(sample("google_push_sync.json", ada, **real))["statusCode"] == 200
    assert fakes.queued() == 0  # the handshake changes nothing
    for _ in range(3):
        assert call(sample("google_push_exists.json", ada, **real))["statusCode"] == 200
    assert fakes.queued() == 1
    later = sample("google_push_exists.json", ada, **real, **{"x-goog-message-number": "2457400"})
    assert call(later)["statusCode"] == 200
    assert fakes.queued() == 2


def test_graph_change_and_lifecycle_notifications_are_queued(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada = connected(api, fakes, "microsoft")
    (subscription,) = fakes.state()["accounts"][f"microsoft:{ada.email}"]["subscriptions"].values()

    def real(name: str) -> dict[str, Any]:
        event = sample(name, ada)
        body = json.loads(event["body"])
        for item in body["value"]:
            item["subscriptionId"], item["clientState"] = subscription["id"], subscription[
                "clientState"]  # fmt: skip
        event["body"] = json.dumps(body)
        return event

    assert call(real("graph_change_notification.json"))["statusCode"] == 202
    assert call(real("graph_change_notification.json"))["statusCode"] == 202  # Graph's retry
    assert fakes.queued() == 1
    assert call(real("graph_lifecycle_notification.json"))["statusCode"] == 202
    assert fakes.queued() == 2
    encoded = real("graph_change_notification.json")
    encoded["body"] = base64.b64encode(encoded["body"].encode()).decode()
    encoded["isBase64Encoded"] = True
    assert call(encoded)["statusCode"] == 202
    fakes.drain()


def test_malformed_requests_are_answered_with_problems() -> None:
    wrong_method = sample("google_push_exists.json")
    wrong_method["requestContext"]["http"]["method"] = "GET"
    assert call(wrong_method)["statusCode"] == 405
    huge = sample("graph_change_notification.json")
    huge["body"] = "x" * 300_000
    assert call(huge)["statusCode"] == 413
    for body in ("{not json", "[]", '{"value": []}', '{"value": [1]}'):
        bad = sample("graph_change_notification.json")
        bad["body"] = body
        answer = call(bad)
        assert answer["statusCode"] == 400, body
        assert answer["headers"]["Content-Type"] == "application/problem+json"
    missing = sample("google_push_exists.json")
    del missing["headers"]["x-goog-resource-state"]
    assert call(missing)["statusCode"] == 400
