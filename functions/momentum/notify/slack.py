"""Slack messages through an incoming webhook (slack_sdk), configured per org."""

from __future__ import annotations

from momentum.core import outbound


class SlackDeliveryError(Exception):
    pass


def post_slack(webhook_url: str, text: str) -> str:
    from slack_sdk.webhook import WebhookClient  # imported only by senders that use Slack

    if not outbound.is_allowed(webhook_url, outbound.SLACK_WEBHOOK):  # e.g. saved before the rule
        raise SlackDeliveryError("the org's Slack webhook URL is not an allowed Slack URL")

    response = WebhookClient(webhook_url, timeout=5).send(text=text)
    if response.status_code != 200:
        raise SlackDeliveryError(f"Slack answered {response.status_code}: {response.body}")
    return f"slack-{response.status_code}"
