"""A fake Slack Web API under /local/slack/ (local mode), what slack_sdk's WebClient talks
to when SLACK_API_BASE points here.

It answers the REST shapes Momentum uses: `auth.test`, `users.lookupByEmail`,
`users.info`, `chat.postMessage`, `chat.update` and `views.open`, with Slack's envelope
(`{"ok": false, "error": ...}` with HTTP 200 for refusals, HTTP 429 with `Retry-After`
when rate limited). Test-control routes under /local/slack/control/ create workspaces
(team, bot token, members by email), turn on the 429 mode for the next calls, and read
back messages, opened views and every call. Direct messages are also appended to the
stack's outbox log (`channel: "slack"`, `to`: the member's email).

URL layout:
  /local/slack/api/{method}                 SLACK_API_BASE (…/local/slack/api/)
  /local/slack/control/workspaces           POST {team_id, team_name, bot_token, members}
  /local/slack/control/rate-limit           POST {calls, retry_after}
  /local/slack/control/state                GET  messages, views, calls
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Answer = tuple[int, dict[str, str], bytes]
PREFIX = "/local/slack"
_lock = threading.RLock()


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return (
        status,
        {"Content-Type": "application/json", **(headers or {})},
        json.dumps(body).encode(),
    )


def _slack(body: dict[str, Any]) -> Answer:
    return _json(200, body)


def _refuse(error: str) -> Answer:
    return _slack({"ok": False, "error": error})


def _state_file(stack: Any) -> Path:
    return Path(stack.data_dir) / "slack-fake.json"


def handle(
    stack: Any, method: str, target: str, raw_body: bytes, headers: dict[str, str]
) -> Answer:
    parts = urlsplit(target)
    path = parts.path.removeprefix(PREFIX)
    lowered = {k.lower(): v for k, v in headers.items()}
    arguments: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
    if raw_body:
        if "json" in lowered.get("content-type", ""):
            loaded = json.loads(raw_body or b"{}")
            arguments.update(loaded if isinstance(loaded, dict) else {})
        else:
            arguments.update(dict(parse_qsl(raw_body.decode(), keep_blank_values=True)))
    with _lock:
        file = _state_file(stack)
        state = json.loads(file.read_text()) if file.exists() else {}
        try:
            if path.startswith("/control/"):
                answer = _control(state, method, path.removeprefix("/control/"), arguments)
            elif path.startswith("/api/"):
                token = lowered.get("authorization", "").removeprefix("Bearer ").strip()
                answer = _api(stack, state, path.removeprefix("/api/"), token, arguments)
            else:
                answer = _json(404, {"ok": False, "error": "unknown_method"})
        except (KeyError, ValueError, TypeError) as problem:
            answer = _json(400, {"ok": False, "error": f"invalid_arguments: {problem}"})
        file.write_text(json.dumps(state))
    return answer


# --- control -------------------------------------------------------------------------------


def _control(state: dict[str, Any], method: str, path: str, body: dict[str, Any]) -> Answer:
    if (method, path) == ("POST", "workspaces"):
        team_id = str(body["team_id"])
        team = state.setdefault("teams", {}).setdefault(team_id, {"members": {}})
        team.update(team_name=str(body.get("team_name", team_id)), bot_user_id=f"B{team_id}")
        state.setdefault("tokens", {})[str(body["bot_token"])] = team_id
        for email in body.get("members", []):
            _member(state, team_id, str(email))
        return _json(201, {"team_id": team_id, "members": team["members"]})
    if (method, path) == ("POST", "rate-limit"):
        state["rate_limit"] = {
            "calls": int(body.get("calls", 1)),
            "retry_after": int(body.get("retry_after", 1)),
        }
        return _json(200, state["rate_limit"])
    if (method, path) == ("GET", "state"):
        keep = ("messages", "views", "calls", "teams")
        return _json(200, {name: state.get(name, {} if name == "teams" else []) for name in keep})
    return _json(404, {"ok": False, "error": f"no control route {method} {path}"})


def _member(state: dict[str, Any], team_id: str, email: str) -> str:
    members = state["teams"][team_id]["members"]
    for user_id, member in members.items():
        if member["email"] == email.lower():
            return str(user_id)
    user_id = f"U{secrets.token_hex(5).upper()}"
    members[user_id] = {"email": email.lower(), "dm": f"D{secrets.token_hex(5).upper()}"}
    return user_id


# --- the Web API -----------------------------------------------------------------------------


def _api(stack: Any, state: dict[str, Any], name: str, token: str, args: dict[str, Any]) -> Answer:
    calls = state.setdefault("calls", [])
    calls.append({"method": name, "at": time.time()})
    limit = state.get("rate_limit") or {}
    if limit.get("calls", 0) > 0:
        limit["calls"] -= 1
        calls[-1]["status"] = 429
        return _json(
            429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(limit["retry_after"])}
        )
    team_id = state.get("tokens", {}).get(token)
    if team_id is None:
        return _refuse("invalid_auth")
    team = state["teams"][team_id]
    if name == "auth.test":
        return _slack({
            "ok": True, "url": f"https://{team_id.lower()}.slack.example/",
            "team": team["team_name"], "user": "momentum", "team_id": team_id,
            "user_id": team["bot_user_id"], "bot_id": f"B{team_id}",
        })  # fmt: skip
    if name == "users.lookupByEmail":
        wanted = str(args.get("email", "")).lower()
        for user_id, member in team["members"].items():
            if member["email"] == wanted:
                return _slack({"ok": True, "user": _user(team_id, user_id, member)})
        return _refuse("users_not_found")
    if name == "users.info":
        member = team["members"].get(str(args.get("user", "")))
        if member is None:
            return _refuse("user_not_found")
        return _slack({"ok": True, "user": _user(team_id, str(args["user"]), member)})
    if name == "chat.postMessage":
        return _post_message(stack, state, team_id, team, args)
    if name == "chat.update":
        for message in state.get("messages", []):
            if message["channel"] == args.get("channel") and message["ts"] == args.get("ts"):
                message.update(text=args.get("text", ""), blocks=args.get("blocks", []))
                message["updates"] = message.get("updates", 0) + 1
                return _slack({"ok": True, "channel": message["channel"], "ts": message["ts"]})
        return _refuse("message_not_found")
    if name == "views.open":
        if not args.get("trigger_id"):
            return _refuse("invalid_trigger_id")
        view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
        opened = {**view, "id": f"V{secrets.token_hex(5).upper()}", "team_id": team_id}
        state.setdefault("views", []).append({"trigger_id": args["trigger_id"], "view": opened})
        return _slack({"ok": True, "view": opened})
    return _json(404, {"ok": False, "error": "unknown_method"})


def _user(team_id: str, user_id: str, member: dict[str, Any]) -> dict[str, Any]:
    return {"id": user_id, "team_id": team_id, "profile": {"email": member["email"]}}


def _post_message(
    stack: Any, state: dict[str, Any], team_id: str, team: dict[str, Any], args: dict[str, Any]
) -> Answer:
    channel = str(args.get("channel", ""))
    member_id = channel if channel in team["members"] else None
    if member_id is None:
        member_id = next((u for u, m in team["members"].items() if m["dm"] == channel), None)
    if member_id is None:
        return _refuse("channel_not_found")
    member = team["members"][member_id]
    state["seq"] = state.get("seq", 0) + 1
    ts = f"{int(time.time())}.{state['seq']:06d}"
    message = {
        "team_id": team_id, "channel": member["dm"], "user": member_id, "ts": ts,
        "text": str(args.get("text", "")), "blocks": args.get("blocks") or [],
    }  # fmt: skip
    state.setdefault("messages", []).append(message)
    entry = {
        "channel": "slack",
        "to": [member["email"]],
        "subject": "",
        "text": message["text"],
        "html": "",
        "sent_at": datetime.now(UTC).isoformat(),
        "slack": {"team_id": team_id, "channel": member["dm"], "user": member_id, "ts": ts},
        "blocks": message["blocks"],
    }
    with Path(stack.slack_log).open("a") as log:
        log.write(json.dumps(entry) + "\n")
    return _slack({"ok": True, "channel": member["dm"], "ts": ts, "message": message})
