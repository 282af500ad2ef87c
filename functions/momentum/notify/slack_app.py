"""Direct messages through the org's Slack app: the person is found by email
(`users.lookupByEmail`) and messaged (`chat.postMessage` to their user id) with
slack_sdk's WebClient. Someone Slack does not know gets the email instead.

Rate limits: the client carries slack_sdk's RateLimitErrorRetryHandler, which sleeps the
`Retry-After` Slack names and tries again (twice at most); a limit that outlasts that,
or any other refusal, becomes DeliveryFailed and the ledger retries it later.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from momentum.core.config import settings
from momentum.notify.email import send_email
from momentum.notify.failures import DeliveryFailed
from momentum.notify.slack import escape
from momentum.notify.slack_install import Installation, installation

if TYPE_CHECKING:
    from slack_sdk import WebClient

NOT_IN_SLACK = "users_not_found"
CHECK_IN_ACTION = "checkin"
GOAL_BLOCK = "goal:"
DONE_BLOCK = "done:"
MAX_GOAL_BLOCKS = 45  # Slack shows at most 50 blocks in a message
SECTION_LIMIT = 2900  # a section's text holds 3000 characters
RATE_LIMIT_RETRIES = 2


def web_client(app: Installation) -> WebClient:
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_handlers import (
        ConnectionErrorRetryHandler,
        RateLimitErrorRetryHandler,
    )

    return WebClient(
        token=app.bot_token,
        base_url=settings().slack_api_base,
        timeout=5,
        retry_handlers=[
            ConnectionErrorRetryHandler(),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def call(client: WebClient, method: str, **arguments: Any) -> dict[str, Any]:
    """One Web API call; Slack's refusals and unreachability become DeliveryFailed."""
    from slack_sdk.errors import SlackApiError

    try:
        answer = client.api_call(method, json=arguments)
    except SlackApiError as error:
        raise DeliveryFailed(
            f"Slack answered {error.response.status_code} to {method}: "
            f"{error.response.get('error', 'error')}"
        ) from error
    except OSError as error:
        raise DeliveryFailed(f"Slack could not be reached: {error}") from error
    return dict(answer.data) if isinstance(answer.data, dict) else {}


def slack_user_id(client: WebClient, email: str) -> str | None:
    """The workspace member with this email, or None when Slack knows no such person."""
    from slack_sdk.errors import SlackApiError

    try:
        answer = client.users_lookupByEmail(email=email)
    except SlackApiError as error:
        if error.response.get("error") == NOT_IN_SLACK:
            return None
        raise DeliveryFailed(
            f"Slack answered {error.response.status_code} to users.lookupByEmail: "
            f"{error.response.get('error', 'error')}"
        ) from error
    except OSError as error:
        raise DeliveryFailed(f"Slack could not be reached: {error}") from error
    return str((answer.get("user") or {}).get("id") or "") or None


def send_direct(org_id: str, email: str, parts: dict[str, str], *, fallback: bool) -> str:
    """DM the person with this email; email them when Slack cannot (if `fallback`).
    Answers what was sent: "slack:{channel}:{ts}", SES's message id, or "not-in-slack"."""
    app = installation(org_id)
    client = web_client(app) if app else None
    user = slack_user_id(client, email) if client else None
    if client is None or user is None:
        if not fallback:
            return "not-in-slack"  # the person turned the email off: nothing else to do
        return send_email([email], parts["subject"], parts["html"], parts["text"])
    answer = call(
        client,
        "chat.postMessage",
        channel=user,
        text=parts["slack_text"],
        blocks=json.loads(parts["blocks"]),
        unfurl_links=False,
    )
    return f"slack:{answer.get('channel', user)}:{answer.get('ts', '')}"


# --- blocks ----------------------------------------------------------------------------


def _sections(text: str) -> list[dict[str, Any]]:
    chunks: list[list[str]] = [[]]
    size = 0
    for line in text.splitlines():
        if size + len(line) + 1 > SECTION_LIMIT and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(line[:SECTION_LIMIT])
        size += len(line) + 1
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(chunk)}}
        for chunk in chunks
        if any(line.strip() for line in chunk)
    ]


def goal_line(goal: dict[str, Any]) -> str:
    """A goal as a reminder shows it; `goal` holds raw (unescaped) values."""
    status = str(goal["status"]).replace("_", " ")
    overdue = ", overdue" if goal.get("overdue") else ""
    return f"<{goal['web']}|{escape(str(goal['title']))}> ({goal['progress']}%, {status}{overdue})"


def goal_block(goal: dict[str, Any], *, checked_in: str | None = None) -> dict[str, Any]:
    if checked_in is not None:
        return {
            "type": "section",
            "block_id": f"{DONE_BLOCK}{goal['id']}",
            "text": {
                "type": "mrkdwn",
                "text": f"{goal_line(goal)}\n:white_check_mark: {checked_in}",
            },
        }
    return {
        "type": "section",
        "block_id": f"{GOAL_BLOCK}{goal['id']}",
        "text": {"type": "mrkdwn", "text": goal_line(goal)},
        "accessory": {
            "type": "button",
            "action_id": CHECK_IN_ACTION,
            "text": {"type": "plain_text", "text": "Check in"},
            "value": str(goal["id"]),
        },
    }


def checkin_reminder_blocks(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The reminder as a DM: one line per goal with its "Check in" button."""
    goals = context["goals"]
    count = len(goals)
    header = (
        f"*Check-in reminder for {escape(str(context['name']))}*: {count} goal"
        f"{'' if count == 1 else 's'} without a check-in this {escape(str(context['period']))}."
    )
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": header}}]
    blocks += [goal_block(goal) for goal in goals[:MAX_GOAL_BLOCKS]]
    if count > MAX_GOAL_BLOCKS:
        more = f"…and {count - MAX_GOAL_BLOCKS} more in Momentum."
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": more}]})
    why = f"You got this because {escape(str(context['why']))}."
    if context.get("opt_out"):
        why += f" Turn it off in your settings: {escape(str(context['opt_out']))}."
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": why}]})
    return blocks


def direct_message_blocks(kind: str, context: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """Blocks of a DM: the reminder's buttons, or the rendered (escaped) text in sections."""
    if kind == "checkin_reminder":
        return checkin_reminder_blocks(context)
    return _sections(text)
