"""Slack app figures: the interactions receiver's cold import against the boto3 floor, and
its warm answers (a button that opens the form, a form that records a check-in and
updates the reminder) under moto, with the fake Slack Web API on a real HTTP port."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import tests.conftest  # noqa: F401  (test environment: fake credentials, table name)
from moto import mock_aws
from tests.support import events
from tests.support.harness import InProcessApi, fake_sign_in
from tests.support.slack_web_api import slack_web_api

from bench.counting import DynamoCounter
from bench.imports import cold_import, runtime_python
from momentum.core import aws
from momentum.core.config import settings
from momentum.frame import principal
from momentum.handlers import slack_interactions
from momentum.store.schema import create_table_request

Report = Callable[[str, float, str], None]
SECRET = "0123456789abcdef0123456789abcdef"
RUNS = 20


def _signed_event(payload: dict[str, Any]) -> dict[str, Any]:
    body = "payload=" + quote(json.dumps(payload))
    stamp = str(int(time.time()))
    signature = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return events.api_request(
        "POST", "/webhooks/slack/interactions", raw_body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "X-Slack-Request-Timestamp": stamp,
                 "X-Slack-Signature": "v0=" + signature.hexdigest()},
    )  # fmt: skip


def _median_ms(run: Callable[[], None]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2] * 1000


def bench(report: Report) -> None:
    python = runtime_python()
    ratio, receiver = cold_import(python, "slack-interactions")
    report(
        "slack: interactions receiver cold import",
        ratio,
        f"x boto3 floor ({receiver * 1000:.0f} ms; target <= 1.0)",
    )
    with mock_aws(), tempfile.TemporaryDirectory() as folder, slack_web_api(Path(folder)) as fake:
        aws.reset_clients()
        principal.clear_cache()
        os.environ["KMS_KEY_ID"] = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
        settings.cache_clear()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        fake_sign_in()
        api = InProcessApi()
        admin = api.new_org("Bench")
        eve = api.add_user(admin, "Eve Bench")
        made = fake.control("workspaces", {"team_id": "TBENCH", "bot_token": "xoxb-bench-1",
                                           "members": [eve.email]})  # fmt: skip
        slack_user = next(iter(made["members"]))
        api.put(admin, "/v1/org/slack-app", {"bot_token": "xoxb-bench-1", "signing_secret": SECRET})
        objective = api.post(eve, "/v1/goals", {"kind": "objective", "title": "Grow",
                                                "due_date": "2099-12-31"}).ok()  # fmt: skip
        kr = api.post(eve, "/v1/goals", {"kind": "key_result", "title": "Deals",
                                         "parent_id": objective["id"],
                                         "due_date": "2099-12-31"}).ok()  # fmt: skip
        team, user = {"id": "TBENCH"}, {"id": slack_user, "team_id": "TBENCH"}
        reminder = httpx.post(
            f"{fake.url}/local/slack/api/chat.postMessage",
            headers={"Authorization": "Bearer xoxb-bench-1"},
            json={"channel": slack_user, "text": "Check in"},
        ).json()
        click = {"type": "block_actions", "team": team, "user": user, "trigger_id": "1.2",
                 "container": {"channel_id": reminder["channel"], "message_ts": reminder["ts"]},
                 "message": {"blocks": [{"block_id": f"goal:{kr['id']}"}]},
                 "actions": [{"action_id": "checkin", "value": kr["id"]}]}  # fmt: skip

        def open_form() -> None:
            assert slack_interactions.handler(_signed_event(click), None)["statusCode"] == 200

        report("slack: button to form answered (warm, moto)", _median_ms(open_form), "ms")
        view = fake.control("state")["views"][-1]["view"]
        values = {"value": {"value": {"type": "number_input", "value": "40"}},
                  "status": {"status": {"type": "static_select",
                                        "selected_option": {"value": "on_track"}}}}  # fmt: skip
        submit = {"type": "view_submission", "team": team, "user": user,
                  "view": {**view, "state": {"values": values}}}  # fmt: skip

        def record() -> None:
            assert slack_interactions.handler(_signed_event(submit), None)["statusCode"] == 200

        record()
        with DynamoCounter() as counter:
            record()
        report("slack: DynamoDB calls per check-in from Slack", counter.calls, "calls")
        report("slack: form to check-in answered (warm, moto)", _median_ms(record), "ms")
        os.environ.pop("KMS_KEY_ID", None)
        settings.cache_clear()
