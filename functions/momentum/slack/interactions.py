"""Check-ins from Slack: the reminder's "Check in" button opens a form (`views.open`);
the submitted form records the check-in as that person, with the usual roll-up, and the
reminder is updated to show it.

The person is who Slack says clicked (`users.info` → their email → the Momentum user
with that email in the org that installed this workspace's app), so a Slack user can
only ever check in as themselves, and only where they could through the API.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger

from momentum.core.membership import is_active
from momentum.core.problems import Problem
from momentum.frame.principal import Principal, principal_from_item
from momentum.identity import service as identity
from momentum.notify.api import (
    CHECK_IN_ACTION,
    DONE_BLOCK,
    GOAL_BLOCK,
    DeliveryFailed,
    Installation,
    call,
    goal_block,
    web_client,
)
from momentum.okrs import service as okrs
from momentum.okrs.models import CheckInCreate
from momentum.store.codec import Item

logger = Logger(service="momentum")
CALLBACK = "checkin"
STATUSES = {"on_track": "On track", "behind": "Behind", "at_risk": "At risk",
            "not_started": "Not started"}  # fmt: skip
CONFIDENCES = {"high": "High", "medium": "Medium", "low": "Low"}
# The modal asks for a confidence only when the check-in model takes one (SPEC §7).
TAKES_CONFIDENCE = "confidence" in CheckInCreate.model_fields


class NotAllowed(Exception):
    """The Slack user is not an active Momentum user of the installing org."""


def person(app: Installation, slack_user: str) -> Principal:
    client = web_client(app)
    try:
        profile = call(client, "users.info", user=slack_user).get("user") or {}
    except DeliveryFailed as failure:
        raise NotAllowed(f"Slack did not describe the user: {failure.reason}") from failure
    email = str((profile.get("profile") or {}).get("email") or "")
    if profile.get("team_id") not in (None, app.team_id) or not email:
        raise NotAllowed("The Slack user is not a member of the installing workspace.")
    user = identity.user_by_email(app.org_id, email)
    if not is_active(user):
        raise NotAllowed("No active Momentum user has this Slack user's email.")
    return principal_from_item(app.org_id, user)


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": label}, "value": value}


def _input(block_id: str, label: str, element: dict[str, Any], optional: bool) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "optional": optional,
            "label": {"type": "plain_text", "text": label},
            "element": {**element, "action_id": block_id}}  # fmt: skip


def checkin_form(goal: Item, metadata: dict[str, Any]) -> dict[str, Any]:
    metric = goal["metric"]
    unit = f" ({metric['unit']})" if metric.get("unit") else ""
    value = {"type": "number_input", "is_decimal_allowed": True,
             "initial_value": f"{metric['current']:g}"}  # fmt: skip
    statuses = [_option(k, v) for k, v in STATUSES.items()]
    status = {"type": "static_select", "options": statuses,
              "initial_option": _option(goal["status"], STATUSES[goal["status"]])}  # fmt: skip
    blocks = [
        {"type": "section", "text": {"type": "plain_text", "text": str(goal["title"])[:2900]}},
        _input("value", f"Progress: the new current value{unit}", value, True),
        _input("status", "Status", status, False),
    ]
    if TAKES_CONFIDENCE:
        options = [_option(k, v) for k, v in CONFIDENCES.items()]
        blocks.append(_input("confidence", "Confidence", {"type": "static_select",
                                                          "options": options}, True))  # fmt: skip
    note = {"type": "plain_text_input", "multiline": True, "max_length": 3000}
    blocks.append(_input("note", "What's the latest?", note, True))
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": {"type": "plain_text", "text": "Check in"},
        "submit": {"type": "plain_text", "text": "Check in"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "blocks": blocks,
    }


def open_checkin_form(app: Installation, payload: dict[str, Any]) -> None:
    """`block_actions` on a reminder's button: open the form for that goal."""
    action = next(a for a in payload["actions"] if a.get("action_id") == CHECK_IN_ACTION)
    who = person(app, str(payload["user"]["id"]))
    goal = okrs.goal_item(app.org_id, str(action["value"]))
    if goal is None:
        raise NotAllowed("The goal is no longer there.")
    container = payload.get("container") or {}
    shown = [str(b.get("block_id", "")) for b in (payload.get("message") or {}).get("blocks", [])]
    metadata = {
        "goal": goal["id"],
        "channel": str(container.get("channel_id", "")),
        "ts": str(container.get("message_ts", "")),
        "goals": [b.removeprefix(GOAL_BLOCK) for b in shown if b.startswith(GOAL_BLOCK)],
        "done": [b.removeprefix(DONE_BLOCK) for b in shown if b.startswith(DONE_BLOCK)],
    }
    call(web_client(app), "views.open", trigger_id=str(payload["trigger_id"]),
         view=checkin_form(goal, metadata))  # fmt: skip
    logger.info("check-in form opened", extra={"org_id": app.org_id, "user_id": who.user_id})


def _chosen(values: dict[str, Any], block: str) -> str | None:
    element = (values.get(block) or {}).get(block) or {}
    picked = element.get("selected_option") or {}
    raw = picked.get("value") if element.get("type") == "static_select" else element.get("value")
    return None if raw in (None, "") else str(raw)


def record_checkin(app: Installation, payload: dict[str, Any]) -> dict[str, Any] | None:
    """`view_submission` of the form: the check-in as that person. Answers Slack's
    `response_action: errors` for a value the goal refuses, or None (the form closes)."""
    view = payload["view"]
    metadata = json.loads(view.get("private_metadata") or "{}")
    values = (view.get("state") or {}).get("values") or {}
    who = person(app, str(payload["user"]["id"]))
    raw_value = _chosen(values, "value")
    fields: dict[str, Any] = {
        "note": _chosen(values, "note") or "",
        "status": _chosen(values, "status"),
    }
    if TAKES_CONFIDENCE and _chosen(values, "confidence"):
        fields["confidence"] = _chosen(values, "confidence")
    try:
        if raw_value is not None:
            fields["value"] = float(raw_value)
        request = CheckInCreate.model_validate(fields)
    except ValueError:  # pydantic's ValidationError is a ValueError
        return {"response_action": "errors", "errors": {"value": "Give a number."}}
    try:
        recorded = okrs.check_in(who, str(metadata["goal"]), request)
    except Problem as refused:  # 403 / 404 / 409 / 422: said in the form, nothing recorded
        return {"response_action": "errors", "errors": {"value": refused.detail[:150]}}
    _show_checked_in(app, metadata, recorded.progress, recorded.status)
    return None


def _show_checked_in(
    app: Installation, metadata: dict[str, Any], progress: float, status: str
) -> None:
    """Rewrite the reminder from the goals as they are now: the checked-in ones marked."""
    if not metadata.get("channel") or not metadata.get("ts"):
        return
    ids = [*metadata.get("goals", []), *metadata.get("done", [])][:50]
    goals = okrs.goal_items(app.org_id, ids)
    done = {*metadata.get("done", []), metadata["goal"]}
    blocks: list[dict[str, Any]] = []
    pending = 0
    for goal_id in ids:
        goal = goals.get(goal_id)
        if goal is None:
            continue
        line = {"id": goal_id, "title": goal["title"], "progress": goal["progress"],
                "status": goal["status"], "web": okrs.goal_links(goal_id).web}  # fmt: skip
        note: str | None
        if goal_id == metadata["goal"]:
            note = f"Checked in: {progress:g}%, {status.replace('_', ' ')}"
        else:
            note = "Checked in" if goal_id in done else None
        pending += note is None
        blocks.append(goal_block(line, checked_in=note))
    plural = "" if pending == 1 else "s"
    header = f"*Check-in reminder*: {pending} goal{plural} still without a check-in."
    if not pending:
        header = "*Check-in reminder*: all checked in. Thank you!"
    try:
        call(web_client(app), "chat.update", channel=metadata["channel"], ts=metadata["ts"],
             text=header, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": header}},
                                  *blocks])  # fmt: skip
    except DeliveryFailed as failure:  # the check-in stands; only the message is stale
        logger.warning(
            "reminder not updated", extra={"org_id": app.org_id, "reason": failure.reason}
        )
