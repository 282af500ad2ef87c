"""The Slack app's pure parts: the reminder's blocks, the check-in form, and the
receiver's refusals that need nothing stored (path, method, body, payload)."""

from __future__ import annotations

import base64
import json
from typing import Any

from momentum.handlers import slack_interactions
from momentum.notify.slack_app import MAX_GOAL_BLOCKS, checkin_reminder_blocks
from momentum.slack import interactions
from tests.support import events


def _goal(number: int, title: str = "Goal") -> dict[str, Any]:
    return {"id": f"G{number:025d}", "title": f"{title} {number}", "progress": 10.0,
            "status": "on_track", "due_date": "2099-01-01", "overdue": False,
            "web": f"https://app.example/goals/G{number}"}  # fmt: skip


def _context(goals: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "Ada <Lovelace>", "period": "week", "goals": goals,
            "why": "you own goals", "opt_out": "Check-in reminders on Slack"}  # fmt: skip


def test_each_goal_has_a_check_in_button_and_user_text_is_escaped() -> None:
    blocks = checkin_reminder_blocks(_context([_goal(1, "Ship <!channel> & <https://x|y>")]))
    text = json.dumps(blocks)
    assert "<!channel>" not in text and "&lt;!channel&gt; &amp; &lt;https://x|y&gt;" in text
    assert "Ada &lt;Lovelace&gt;" in text
    [button] = [b["accessory"] for b in blocks if "accessory" in b]
    assert button["action_id"] == "checkin" and button["value"] == _goal(1)["id"]
    assert blocks[-1]["type"] == "context" and "Check-in reminders on Slack" in text


def test_a_long_reminder_stays_within_slacks_fifty_blocks() -> None:
    blocks = checkin_reminder_blocks(_context([_goal(n) for n in range(80)]))
    assert len(blocks) <= 50
    assert sum(1 for b in blocks if "accessory" in b) == MAX_GOAL_BLOCKS
    assert any("35 more" in json.dumps(b) for b in blocks)


def test_the_form_asks_for_value_status_and_note_with_the_goals_values() -> None:
    goal = {"id": "G1", "title": "Deals", "status": "behind",
            "metric": {"type": "number", "current": 4.0, "unit": "deals"}}  # fmt: skip
    form = interactions.checkin_form(goal, {"goal": "G1"})
    ids = [b.get("block_id") for b in form["blocks"] if b["type"] == "input"]
    expected = ["value", "status", "confidence", "note"]
    assert ids == [i for i in expected if i != "confidence" or interactions.TAKES_CONFIDENCE]
    value, status = form["blocks"][1]["element"], form["blocks"][2]["element"]
    assert value["initial_value"] == "4" and "(deals)" in form["blocks"][1]["label"]["text"]
    assert status["initial_option"]["value"] == "behind"
    assert json.loads(form["private_metadata"]) == {"goal": "G1"}


def _post(path: str, body: str, *, method: str = "POST", encoded: bool = False) -> dict[str, Any]:
    event = events.api_request(method, path, raw_body=body)
    if encoded:
        event.update(body=base64.b64encode(body.encode()).decode(), isBase64Encoded=True)
    return slack_interactions.handler(event, None)


def test_the_receiver_refuses_what_is_not_a_slack_interaction() -> None:
    assert _post("/webhooks/slack/other", "payload=%7B%7D")["statusCode"] == 404
    assert _post("/webhooks/slack/interactions", "", method="GET")["statusCode"] == 405
    assert _post("/webhooks/slack/interactions", "text=hi")["statusCode"] == 400
    assert _post("/webhooks/slack/interactions", "payload=%5B1%5D")["statusCode"] == 400
    assert _post("/webhooks/slack/interactions", "payload={", encoded=True)["statusCode"] == 400
    answer = _post("/webhooks/slack/interactions", "payload=" + "x" * 300_000)
    assert answer["statusCode"] == 413
    assert answer["headers"]["Content-Type"] == "application/problem+json"
    no_team = _post("/webhooks/slack/interactions", "payload=%7B%22type%22%3A1%7D")
    assert no_team["statusCode"] == 401


def test_the_receiver_verifies_with_slack_sdks_verifier_without_importing_its_web_client() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, inspect, momentum.slack.receiver as r; "
        "print(inspect.getsourcefile(r.SignatureVerifier)); "
        "print('slack_sdk.web' in sys.modules)"
    )
    out = subprocess.run(  # a fresh interpreter: what a cold start imports
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0].endswith("slack_sdk/signature/__init__.py")
    assert out[1] == "False"
