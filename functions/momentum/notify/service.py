"""Deliver a notification exactly once, by email or Slack.

Callers describe *what* to send (`Notification`); this module claims the ledger, renders
the templates, sends, and records the send. Opt-outs are the caller's to check, because
only the caller knows which switch governs its kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from momentum.core import observability
from momentum.notify import ledger
from momentum.notify.email import send_email
from momentum.notify.slack import post_slack
from momentum.notify.templates import render_email, render_slack


@dataclass(frozen=True, kw_only=True)
class Notification:
    org_id: str
    kind: str  # template name and ledger kind, e.g. "one_on_one_created"
    recipient_id: str  # user id (or another stable recipient key, e.g. an org for Slack)
    subject_id: str  # what it is about: meeting id, goal period, engagement id...
    occurrence: str  # which time: "2026-11-23", the meeting start, the spell start...
    subject: str  # email subject line
    why: str  # "you are a participant of this 1:1"
    context: dict[str, Any] = field(default_factory=dict)
    opt_out: str | None = None  # the setting's label, if the user may turn this off
    channel: Literal["email", "slack"] = "email"
    to_email: str | None = None
    slack_webhook_url: str | None = None


def deliver(notification: Notification, now: datetime) -> bool:
    """Send unless already sent (or being sent); True if this call sent it."""
    n = notification
    channel_kind = n.kind if n.channel == "email" else f"{n.kind}.slack"
    if not ledger.claim(n.org_id, channel_kind, n.recipient_id, n.subject_id, n.occurrence, now):
        return False
    context = {**n.context, "why": n.why, "opt_out": n.opt_out, "subject": n.subject}
    try:
        message_id = _send(n, context)
    except Exception:
        observability.failed("NotificationsFailed", {"kind": n.kind, "channel": n.channel})
        raise
    observability.count("NotificationsSent", {"kind": n.kind, "channel": n.channel})
    ledger.mark_sent(n.org_id, channel_kind, n.recipient_id, n.subject_id, n.occurrence, message_id)
    return True


def _send(n: Notification, context: dict[str, Any]) -> str:
    if n.channel == "email":
        if not n.to_email:
            raise ValueError("an email notification needs to_email")
        html, text = render_email(n.kind, context)
        message_id = send_email([n.to_email], n.subject, html, text)
    else:
        if not n.slack_webhook_url:
            raise ValueError("a Slack notification needs slack_webhook_url")
        message_id = post_slack(n.slack_webhook_url, render_slack(n.kind, context))
    return message_id
