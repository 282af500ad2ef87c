"""Issue 20 over HTTP against the local stack and its fake Slack Web API: reminders as
direct messages (email for whoever Slack does not know, 429s waited out), and check-ins
from Slack's button and form, signed as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.harness import Actor, Reply
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e
INTERACTIONS = "/webhooks/slack/interactions"


def _next_monday_nine(after: datetime) -> str:
    day = after.date() + timedelta(days=1)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return f"{day.isoformat()}T09:00:00Z"


def workspace(stack: HttpApi, admin: Actor, members: list[str]) -> dict[str, Any]:
    """A fake Slack workspace for this org: team id, bot token, signing secret, members."""
    team_id = f"T{admin.org_id[-8:]}"
    token = f"xoxb-{secrets.token_hex(8)}"
    made = stack.http.post(
        "/local/slack/control/workspaces",
        json={"team_id": team_id, "team_name": "Acme", "bot_token": token, "members": members},
    ).json()
    by_email = {member["email"]: user_id for user_id, member in made["members"].items()}
    return {"team_id": team_id, "bot_token": token, "secret": secrets.token_hex(16),
            "members": by_email}  # fmt: skip


def install(stack: HttpApi, admin: Actor, space: dict[str, Any]) -> dict[str, Any]:
    body = {"bot_token": space["bot_token"], "signing_secret": space["secret"]}
    answer: dict[str, Any] = stack.put(admin, "/v1/org/slack-app", body).ok()
    return answer


def fake_state(stack: HttpApi) -> dict[str, Any]:
    state: dict[str, Any] = stack.http.get("/local/slack/control/state").json()
    return state


def goal(stack: HttpApi, owner: Actor, title: str, **fields: Any) -> dict[str, Any]:
    body = {"kind": "objective", "title": title, "due_date": "2099-12-31", **fields}
    made: dict[str, Any] = stack.post(owner, "/v1/goals", body).ok()
    return made


def dms_to(stack: HttpApi, email: str) -> list[dict[str, Any]]:
    return [i for i in stack.outbox() if i["channel"] == "slack" and i["to"] == [email]]


def emails_to(stack: HttpApi, email: str) -> list[dict[str, Any]]:
    return [i for i in stack.outbox() if i["channel"] == "email" and i["to"] == [email]]


def test_install_is_admin_only_write_only_and_refuses_a_bad_token(stack: HttpApi) -> None:
    admin = stack.new_org("Slack install")
    space = workspace(stack, admin, [])
    member = stack.add_user(admin, "Nadia Member")
    body = {"bot_token": space["bot_token"], "signing_secret": space["secret"]}
    assert stack.put(member, "/v1/org/slack-app", body).status == 403
    refused = stack.put(admin, "/v1/org/slack-app", {**body, "bot_token": "xoxb-not-a-token"})
    assert refused.status == 422
    assert stack.put(admin, "/v1/org/slack-app", {**body, "signing_secret": "x"}).status == 422
    installed = install(stack, admin, space)
    assert installed["team_id"] == space["team_id"]
    assert space["bot_token"] not in json.dumps(installed)
    assert space["secret"] not in json.dumps(installed)
    assert stack.get(admin, "/v1/org/slack-app").ok() == installed
    assert stack.get(member, "/v1/org/slack-app").status == 403
    other = stack.new_org("Slack install rival")
    assert stack.put(other, "/v1/org/slack-app", body).status == 409  # one workspace, one org
    assert stack.delete(admin, "/v1/org/slack-app").status == 204
    assert stack.delete(admin, "/v1/org/slack-app").status == 404
    assert stack.get(admin, "/v1/org/slack-app").status == 404


def test_reminders_go_as_one_dm_per_owner_and_email_to_whoever_slack_lacks(
    stack: HttpApi,
) -> None:
    admin = stack.new_org("Slack DMs")
    stack.patch(admin, "/v1/org/settings", {"checkin_reminders": {"channels": ["slack"]}}).ok()
    ada, bo, cy = (stack.add_user(admin, n) for n in ("Ada Dm", "Bo Dm", "Cy Nochat"))
    space = workspace(stack, admin, [ada.email, bo.email])  # Cy is not in Slack
    install(stack, admin, space)
    goal(stack, ada, "Ada public goal")
    goal(stack, ada, "Ada private goal", visibility="private")
    goal(stack, bo, "Bo goal")
    goal(stack, cy, "Cy goal")
    moment = _next_monday_nine(datetime.now(UTC))
    stack.run_sweep("checkin-reminders", moment)
    stack.run_sweep("checkin-reminders", moment)  # a replay sends nothing more

    [to_ada] = dms_to(stack, ada.email)
    [to_bo] = dms_to(stack, bo.email)
    assert "Ada public goal" in to_ada["text"] and "Ada private goal" in to_ada["text"]
    assert "Bo goal" not in to_ada["text"]
    assert "Bo goal" in to_bo["text"] and "Ada" not in to_bo["text"]
    buttons = [b["accessory"]["text"]["text"] for b in to_ada["blocks"] if "accessory" in b]
    assert buttons == ["Check in", "Check in"]
    assert emails_to(stack, ada.email) == [] and emails_to(stack, bo.email) == []
    [to_cy] = emails_to(stack, cy.email)
    assert "Cy goal" in to_cy["text"]
    assert 'turn off "Check-in reminder emails"' in to_cy["text"]
    assert dms_to(stack, cy.email) == []


def test_a_rate_limited_dm_waits_for_retry_after_then_goes_once(stack: HttpApi) -> None:
    admin = stack.new_org("Slack 429")
    stack.patch(admin, "/v1/org/settings", {"checkin_reminders": {"channels": ["slack"]}}).ok()
    dee = stack.add_user(admin, "Dee Limited")
    space = workspace(stack, admin, [dee.email])
    install(stack, admin, space)
    goal(stack, dee, "Dee goal")
    before = len(fake_state(stack)["calls"])
    stack.http.post("/local/slack/control/rate-limit", json={"calls": 1, "retry_after": 1})
    started = time.monotonic()
    stack.run_sweep("checkin-reminders", _next_monday_nine(datetime.now(UTC)))
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured, not ignored
    [dm] = dms_to(stack, dee.email)
    assert "Dee goal" in dm["text"]
    calls = fake_state(stack)["calls"][before:]
    limited = [c for c in calls if c.get("status") == 429]
    assert len(limited) == 1
    after = [c for c in calls if c["at"] > limited[0]["at"]]
    assert after and after[0]["at"] - limited[0]["at"] >= 1.0
    assert [c["method"] for c in calls].count("chat.postMessage") == 1


def _signed(secret: str, body: str, timestamp: int) -> dict[str, str]:
    base = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature,
    }


def interact(
    stack: HttpApi, payload: dict[str, Any], secret: str, *, age: int = 0, tamper: bool = False
) -> Reply:
    body = "payload=" + quote(json.dumps(payload))
    headers = _signed(secret, body, int(time.time()) - age)
    if tamper:
        headers["X-Slack-Signature"] = headers["X-Slack-Signature"][:-4] + "beef"
    return stack.post(None, INTERACTIONS, raw_body=body, headers=headers)


def test_a_check_in_from_slack_is_recorded_as_that_person_and_rolls_up(stack: HttpApi) -> None:
    admin = stack.new_org("Slack check-ins")
    stack.patch(admin, "/v1/org/settings", {"checkin_reminders": {"channels": ["slack"]}}).ok()
    eve = stack.add_user(admin, "Eve Checkin")
    space = workspace(stack, admin, [eve.email])
    install(stack, admin, space)
    objective = goal(stack, eve, "Grow revenue")
    kr = goal(stack, eve, "Close ten deals", kind="key_result", parent_id=objective["id"])
    stack.run_sweep("checkin-reminders", _next_monday_nine(datetime.now(UTC)))
    [dm] = dms_to(stack, eve.email)
    [button_block] = [b for b in dm["blocks"] if b.get("accessory", {}).get("value") == kr["id"]]
    user = {"id": space["members"][eve.email], "team_id": space["team_id"]}
    team = {"id": space["team_id"], "domain": "acme"}
    click = {
        "type": "block_actions", "team": team, "user": user, "api_app_id": "A1",
        "trigger_id": "1.2.abc", "container": {"type": "message", "channel_id":
        dm["slack"]["channel"], "message_ts": dm["slack"]["ts"]},
        "message": {"ts": dm["slack"]["ts"], "blocks": dm["blocks"]},
        "actions": [{**button_block["accessory"], "block_id": button_block["block_id"],
                     "action_ts": "1"}],
    }  # fmt: skip
    views_before = len(fake_state(stack)["views"])
    assert interact(stack, click, space["secret"]).status == 200
    [opened] = fake_state(stack)["views"][views_before:]
    form = opened["view"]
    assert form["callback_id"] == "checkin"
    assert {b.get("block_id") for b in form["blocks"]} >= {"value", "status", "note"}

    submission = {
        "type": "view_submission", "team": team, "user": user,
        "view": {**form, "state": {"values": {
            "value": {"value": {"type": "number_input", "value": "40"}},
            "status": {"status": {"type": "static_select",
                                  "selected_option": {"value": "behind"}}},
            "note": {"note": {"type": "plain_text_input", "value": "Four deals in the pipe"}},
        }}},
    }  # fmt: skip
    refusals = [
        interact(stack, submission, space["secret"], tamper=True),  # bad signature
        interact(stack, submission, space["secret"], age=6 * 60),  # stale timestamp
        interact(stack, {**submission, "team": {"id": "TSOMEOTHER"}}, space["secret"]),
        interact(stack, submission, "a-secret-slack-never-gave-us"),
    ]
    assert [r.status for r in refusals] == [401, 401, 401, 401]
    assert stack.get(eve, f"/v1/goals/{kr['id']}/check-ins").ok()["items"] == []

    answer = interact(stack, submission, space["secret"])
    assert answer.status == 200 and answer.text == ""  # the form closes
    [checkin] = stack.get(eve, f"/v1/goals/{kr['id']}/check-ins").ok()["items"]
    assert checkin["author_id"] == eve.user_id
    assert checkin["note"] == "Four deals in the pipe" and checkin["status"] == "behind"
    rolled = stack.get(eve, f"/v1/goals/{objective['id']}").ok()
    assert rolled["progress"] == 40 and rolled["status"] == "behind"
    [message] = [m for m in fake_state(stack)["messages"] if m["ts"] == dm["slack"]["ts"]]
    assert message.get("updates") == 1
    assert f"done:{kr['id']}" in [b.get("block_id") for b in message["blocks"]]
