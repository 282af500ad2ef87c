"""The calendar's test bench: the local fake providers (infra/local/calendar_fakes) run
in-process behind an httpx transport, their webhooks are delivered to the in-process
API, and the calendar sync queue (moto SQS FIFO) is drained into the real worker.

tests/integration/conftest.py serves `fake_providers` as the `fakes` fixture.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from unittest import mock
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import stamina
from infra.local import calendar_fakes

from momentum.calendar.connections import tokens
from momentum.calendar.providers import config as calendar_config
from momentum.calendar.providers import http as calendar_http
from momentum.core import aws, clock, outbound
from momentum.core.config import settings
from tests.support.harness import Actor, Api, InProcessApi, LambdaContext, Reply

FAKE = "http://fake.local/local/calendar"
ENVIRONMENT = {
    "API_BASE_URL": "https://api.momentum.test",
    "GOOGLE_AUTHORIZE_URL": f"{FAKE}/google/oauth/authorize",
    "GOOGLE_OAUTH_BASE": f"{FAKE}/google/oauth",
    "GOOGLE_API_BASE": f"{FAKE}/google",
    "MICROSOFT_LOGIN_BASE": f"{FAKE}/microsoft/oauth",
    "MICROSOFT_GRAPH_BASE": f"{FAKE}/microsoft/v1.0",
    "CALENDAR_PROVIDER_ALLOWED_PREFIXES": f"{FAKE}/",
    "GOOGLE_USERINFO_URL": f"{FAKE}/google/oauth/userinfo",
}
OAUTH_CLIENTS = {
    "google_client_id": "google-test-client",
    "google_client_secret": "google-test-secret",
    "microsoft_client_id": "microsoft-test-client",
    "microsoft_client_secret": "microsoft-test-secret",
}


NY = ZoneInfo("America/New_York")


class Fakes(Protocol):
    def control(self, path: str, body: dict[str, Any]) -> dict[str, Any]: ...

    def browse(self, url: str) -> httpx.Response: ...

    def drain(self) -> int: ...


class FakeProviders:
    """What the local server is to calendar_fakes (data_dir, webhook delivery), in-process."""

    def __init__(self, api: InProcessApi, data_dir: Path) -> None:
        self.api, self.data_dir, self.port = api, data_dir, 0
        self.transport = httpx.MockTransport(self._serve)

    def _serve(self, request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode()
        headers = {**dict(request.headers), "host": "fake.local"}
        status, out_headers, body = calendar_fakes.handle(
            self, request.method, target, request.content, headers
        )
        return httpx.Response(status, headers=out_headers, content=body)

    def deliver(self, target: str, headers: dict[str, str], body: str) -> int:
        return self.api.request(None, "POST", target, raw_body=body, headers=headers).status

    def deliver_text(self, target: str, headers: dict[str, str], body: str) -> tuple[int, str]:
        reply = self.api.request(None, "POST", target, raw_body=body, headers=headers)
        return reply.status, reply.text

    def control(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        status, _, out = calendar_fakes.handle(
            self,
            "POST",
            f"/local/calendar/control{path}",
            json.dumps(body).encode(),
            {"host": "fake.local"},
        )
        assert status < 300, out
        answer: dict[str, Any] = json.loads(out)
        return answer

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = json.loads((self.data_dir / "calendar-fakes.json").read_text())
        return state

    def browse(self, url: str) -> httpx.Response:
        """What the user's browser does with an authorization URL (auto-approved)."""
        return httpx.Client(transport=self.transport).get(url)

    # --- the sync queue ---------------------------------------------------------------------

    def queued(self) -> int:
        attributes = aws.client("sqs").get_queue_attributes(
            QueueUrl=settings().calendar_queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    def drain(self) -> int:
        """Deliver queued sync messages to the worker until the queue is empty."""
        from momentum.handlers import calendar_sync

        sqs, url = aws.client("sqs"), settings().calendar_queue_url
        delivered = 0
        for _ in range(50):
            messages = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
            ).get("Messages", [])
            if not messages:
                return delivered
            delivered += len(messages)
            records = [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                }
                for m in messages
            ]
            result = calendar_sync.handler(
                {"Records": records}, LambdaContext("calendar-sync", 120_000)
            )
            assert result["batchItemFailures"] == [], result
            for message in messages:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        raise AssertionError("the sync queue never emptied")


def fake_providers(api: InProcessApi, tmp_path: Path) -> Iterator[FakeProviders]:
    """The body of each calendar test module's `fakes` fixture (moto is already on)."""
    key_id = aws.client("kms").create_key(Description="calendar")["KeyMetadata"]["KeyId"]
    queue = aws.client("sqs").create_queue(
        QueueName="momentum-calendar-sync.fifo", Attributes={"FifoQueue": "true"}
    )["QueueUrl"]
    secret = aws.client("secretsmanager").create_secret(
        Name="momentum-calendar-oauth", SecretString=json.dumps(OAUTH_CLIENTS)
    )["ARN"]
    environment = {
        **ENVIRONMENT,
        "KMS_KEY_ID": key_id,
        "CALENDAR_QUEUE_URL": queue,
        "CALENDAR_SECRETS_ARN": secret,
    }
    # Provider retries happen (up to their own attempts) but never sleep in tests.
    testing = stamina.set_testing(True, attempts=calendar_http.ATTEMPTS, cap=True)
    with mock.patch.dict(os.environ, environment), testing:
        settings.cache_clear()
        calendar_config.clear()
        outbound.clear()
        tokens.clear()
        providers = FakeProviders(api, tmp_path)
        calendar_http.use_transport(providers.transport)
        yield providers
    calendar_http.use_transport(None)
    settings.cache_clear()
    calendar_config.clear()
    outbound.clear()
    tokens.clear()


def header(reply: Reply, name: str) -> str:
    return next((v for k, v in reply.headers.items() if k.lower() == name.lower()), "")


def open_sign_in(api: Api, actor: Actor, provider: str) -> tuple[str, str]:
    """Connect, then open the start link in a browser: (the provider's consent URL, the
    binding cookie that browser now holds, as `name=value`)."""
    answer = api.post(actor, "/v1/calendar/connections", {"provider": provider}).ok()
    start = urlsplit(answer["authorization_url"])
    opened = api.get(None, f"{start.path}?{start.query}")
    assert opened.status == 302, opened.text
    return header(opened, "Location"), header(opened, "Set-Cookie").split(";")[0]


def finish_sign_in(api: Api, consent: httpx.Response, cookie: str | None) -> Reply:
    """The provider's redirect back to the callback, from a browser holding `cookie`."""
    assert consent.status_code == 302, consent.text
    callback = urlsplit(consent.headers["location"])
    headers = {"Cookie": cookie} if cookie else None
    return api.get(None, f"{callback.path}?{callback.query}", headers=headers)


def connect(api: Api, fakes: Fakes, actor: Actor, provider: str) -> None:
    """The whole OAuth dance (start link, consent, callback), then the first sync."""
    consent, cookie = open_sign_in(api, actor, provider)
    reply = finish_sign_in(api, fakes.browse(consent), cookie)
    assert reply.status == 302, reply.text
    assert api.get(actor, f"/v1/calendar/connections/{provider}").ok()["status"] == "connected"
    fakes.drain()


def instant(days: int, hour: int, zone: str = "America/New_York") -> str:
    """A local wall-clock time `days` from today, as ISO with offset."""
    local = clock.now().astimezone(clock.zone(zone)) + clock.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def weeks_ago(weeks: int, weekday: int, hour: int, minute: int = 0) -> datetime:
    """A local time in New York on `weekday` (0 = Monday) about `weeks` weeks back, so the
    rule has crossed at least one DST change before the next four weeks."""
    today = clock.now().astimezone(NY).date() - timedelta(weeks=weeks)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


def recurring_event(
    fakes: Fakes,
    provider: str,
    owner: Actor,
    title: str,
    rrule: str,
    start: datetime,
    *others: Actor,
) -> str:
    """A recurring event in `owner`'s calendar (New York time), 30 minutes, with `others`."""
    body = {
        "provider": provider,
        "account": owner.email,
        "title": title,
        "rrule": rrule,
        "time_zone": "America/New_York",
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=30)).isoformat(),
        "attendees": [o.email for o in others],
    }
    return str(fakes.control("/events", body)["id"])


def change_event(
    fakes: Fakes, provider: str, ada: Actor, event_id: str, action: str, **body: Any
) -> list[dict[str, Any]]:
    """`action` on a provider event; the webhooks it sent, each accepted."""
    answer = fakes.control(
        f"/events/{event_id}/{action}", {"provider": provider, "account": ada.email, **body}
    )
    hooks: list[dict[str, Any]] = answer["webhooks"]
    assert hooks and all(200 <= h["status"] < 300 for h in hooks), hooks
    return hooks
