"""Calendar figures: the webhook receiver's cold import against the boto3 floor, and the
DynamoDB round trips of a notification and of the syncs it triggers (moto, with the
fake providers in-process)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import tests.conftest  # noqa: F401  (test environment: fake credentials, table name)
from moto import mock_aws
from tests.support import events
from tests.support.calendar_providers import _Context, connect, fake_providers, instant
from tests.support.harness import InProcessApi, fake_sign_in

from bench.counting import DynamoCounter
from bench.imports import cold_import, runtime_python
from momentum.core import aws
from momentum.core.config import settings
from momentum.frame import principal
from momentum.handlers import webhooks
from momentum.store.schema import create_table_request

Report = Callable[[str, float, str], None]


def bench(report: Report) -> None:
    python = runtime_python()
    ratio, receiver = cold_import(python, "webhooks")
    report(
        "calendar: webhook receiver cold import",
        ratio,
        f"x boto3 floor ({receiver * 1000:.0f} ms; target <= 1.2)",
    )
    with mock_aws(), tempfile.TemporaryDirectory() as folder:
        aws.reset_clients()
        principal.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        fake_sign_in()
        aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
        api = InProcessApi()
        for fakes in fake_providers(api, Path(folder)):
            admin = api.new_org("Bench", time_zone="America/New_York")
            ada, bob = api.add_user(admin, "Ada Bench"), api.add_user(admin, "Bob Bench")
            connect(api, fakes, ada, "google")
            event_id = fakes.control("/events", {
                "provider": "google", "account": ada.email, "time_zone": "America/New_York",
                "title": "Ada / Bob", "rrule": "FREQ=WEEKLY", "start": instant(1, 10),
                "end": instant(1, 11), "attendees": [bob.email]})["id"]  # fmt: skip
            api.post(ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": event_id})
            fakes.drain()
            (channel,) = fakes.state()["accounts"][f"google:{ada.email}"]["channels"].values()
            event = events.load("google_push_exists.json")
            event["headers"].update({
                "x-goog-channel-id": channel["id"], "x-goog-resource-id": channel["resourceId"],
                "x-goog-channel-token": channel["token"]})  # fmt: skip
            with DynamoCounter() as counter:
                started = time.perf_counter()
                assert webhooks.handler(event, _Context())["statusCode"] == 200
                elapsed = time.perf_counter() - started
            report("calendar: DynamoDB calls per Google notification", counter.calls, "calls")
            report("calendar: Google notification answered (warm, moto)", elapsed * 1000, "ms")
            fakes.drain()
            fakes.control(
                f"/events/{event_id}/rename",
                {"provider": "google", "account": ada.email, "title": "Renamed"},
            )
            with DynamoCounter() as counter:
                fakes.drain()
            report(
                "calendar: sync after a rename (8-week series)",
                counter.calls,
                f"DynamoDB calls, {counter.items_read} items read",
            )
            webhooks.handler(
                {**event, "headers": {**event["headers"], "x-goog-message-number": "99999999"}},
                _Context(),
            )
            with DynamoCounter() as counter:
                fakes.drain()
            report(
                "calendar: duplicate notification's sync (no change)",
                counter.calls,
                f"DynamoDB calls, {counter.items_read} items read",
            )
