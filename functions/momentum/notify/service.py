"""Deliver a notification exactly once, by email or Slack.

Callers describe *what* to send (`Notification`); this module renders the templates,
claims the ledger, sends, and records the send. Opt-outs are the caller's to check,
because only the caller knows which switch governs its kind.

A send SES throttles is deferred a minute for the same sweep, attempt uncounted.
A send that fails (SES or Slack says no, or cannot be reached) never reaches the caller:
it is recorded on the ledger item, which the `delivery-retries` sweep resends with
backoff and finally parks with its reason for the org's admins. So one org's revoked
webhook or one refused address never fails a request or another recipient's sweep.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

import msgspec

from momentum.core import observability
from momentum.notify import ledger
from momentum.notify.email import send_email
from momentum.notify.failures import DeliveryFailed, SendThrottled
from momentum.notify.slack import post_slack
from momentum.notify.slack_install import installation
from momentum.notify.templates import render_email, render_slack
from momentum.store.keys import ledger_key

logger = observability.logger
Channel = Literal["email", "slack", "slack_dm"]
# Personal notifications that go as a Slack DM when the org installed the Slack app (the
# person found by email; email when Slack does not know them). Check-in reminders choose
# their channel in their sweep, from the org's channels and the owner's two switches.
DIRECT_MESSAGE_KINDS = frozenset(
    {"one_on_one_reminder", "weekly_summary", "engagement_off_track", "engagement_off_track_digest"}
)


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    org_id: str
    kind: str  # template name and ledger kind, e.g. "one_on_one_created"
    recipient_id: str  # user id (or another stable recipient key, e.g. an org for Slack)
    subject_id: str  # what it is about: meeting id, goal period, engagement id...
    occurrence: str  # which time: "2026-11-23", the meeting start, the spell start...
    subject: str  # email subject line
    why: str  # "you are a participant of this 1:1"
    context: dict[str, Any] = msgspec.field(default_factory=dict)
    opt_out: str | None = None  # the setting's label, if the user may turn this off
    channel: Channel = "email"
    to_email: str | None = None
    slack_webhook_url: str | None = None
    email_fallback: bool = True  # slack_dm: email someone Slack does not know
    email_opt_out: str | None = None  # slack_dm: the email's switch, if not `opt_out`


class DeliveryTally(msgspec.Struct):
    """Failed attempts in this process, so a sweep's summary can count its own."""

    failed: int = 0


tally = DeliveryTally()


def _rendered(n: Notification) -> dict[str, str]:
    context = {**n.context, "why": n.why, "opt_out": n.opt_out, "subject": n.subject}
    if n.channel == "email":
        html, text = render_email(n.kind, context)
        return {"subject": n.subject, "html": html, "text": text}
    if n.channel == "slack_dm":  # the DM, and the email for whoever Slack does not know
        from momentum.notify.slack_app import direct_message_blocks

        html, text = render_email(n.kind, {**context, "opt_out": n.email_opt_out or n.opt_out})
        slack_text = render_slack(n.kind, {**context, "medium": "message"})
        blocks = direct_message_blocks(n.kind, context, slack_text)
        return {
            "subject": n.subject,
            "html": html,
            "text": text,
            "slack_text": slack_text,
            "blocks": json.dumps(blocks, separators=(",", ":")),
        }
    return {"text": render_slack(n.kind, context)}


def _routed(n: Notification) -> Notification:
    """A personal email becomes a Slack DM when the org has the Slack app."""
    personal = n.channel == "email" and n.kind in DIRECT_MESSAGE_KINDS and bool(n.to_email)
    if personal and installation(n.org_id) is not None:
        return msgspec.structs.replace(n, channel="slack_dm")
    return n


def deliver(notification: Notification, now: datetime) -> bool:
    """Send unless already sent (or being sent, or failed and awaiting a retry); True if
    this call sent it. A failed send is handed to the retries and answers False."""
    n = _routed(notification)
    # A DM and its email fallback share the email's ledger key: one message per person.
    channel_kind = f"{n.kind}.slack" if n.channel == "slack" else n.kind
    key = ledger_key(n.org_id, channel_kind, n.recipient_id, n.subject_id, n.occurrence)
    parts = _rendered(n)  # before the claim: a template defect leaves no claim behind
    if not ledger.claim(key, now):
        return False
    first: dict[str, Any] = {
        "org_id": n.org_id,
        "channel": n.channel,
        "kind": n.kind,
        "recipient_id": n.recipient_id,
        "payload": ledger.pack(parts),
    }
    if n.to_email:
        first["to_email"] = n.to_email
    if n.channel == "slack_dm":
        first["email_fallback"] = n.email_fallback
    # Slack retries go to the org's webhook as configured then (notify.retries), so the
    # webhook URL, a secret, is never copied into the ledger.
    destination = n.slack_webhook_url if n.channel == "slack" else n.to_email
    return attempt(
        key,
        org_id=n.org_id,
        kind=n.kind,
        channel=n.channel,
        destination=destination,
        parts=parts,
        attempt_number=1,
        now=now,
        first=first,
        email_fallback=n.email_fallback,
    )


def attempt(
    key: dict[str, str],
    *,
    org_id: str,
    kind: str,
    channel: Channel,
    destination: str | None,
    parts: dict[str, str],
    attempt_number: int,
    now: datetime,
    first: dict[str, Any] | None = None,
    email_fallback: bool = True,
) -> bool:
    """One send by the claim's holder; True if sent, else the failure is on the ledger."""
    try:
        if not destination:  # nothing to retry with: parked at once, for an admin to see
            raise DeliveryFailed(
                "Slack is not configured for the organisation."
                if channel == "slack"
                else "The recipient has no email address."
            )
        if channel == "email":
            message_id = send_email([destination], parts["subject"], parts["html"], parts["text"])
        elif channel == "slack_dm":
            from momentum.notify.slack_app import send_direct

            message_id = send_direct(org_id, destination, parts, fallback=email_fallback)
        else:
            message_id = post_slack(destination, parts["text"])
    except SendThrottled:
        # The account's send rate, not this message: resent soon, with no attempt spent.
        ledger.defer_throttled(key, attempts=attempt_number - 1, now=now, first=first)
        logger.info("notification throttled; retrying soon", extra={"pk": key["pk"]})
        return False
    except DeliveryFailed as failure:
        tally.failed += 1
        observability.failed("NotificationsFailed", {"kind": kind, "channel": channel})
        parked = ledger.record_failure(
            key,
            org_id=org_id,
            attempt=attempt_number,
            reason=failure.reason,
            now=now,
            first=first,
            park=not destination,
        )
        logger.warning(
            "notification not delivered",
            extra={"pk": key["pk"], "sk": key["sk"], "attempt": attempt_number, "parked": parked},
        )
        return False
    ledger.mark_sent(key, message_id, now)
    observability.count("NotificationsSent", {"kind": kind, "channel": channel})
    return True
