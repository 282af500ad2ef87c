"""Slack messages through an incoming webhook (slack_sdk), configured per org."""

from __future__ import annotations

from momentum.notify.failures import DeliveryFailed


def post_slack(webhook_url: str, text: str) -> str:
    from slack_sdk.webhook import WebhookClient  # imported only by senders that use Slack

    try:
        response = WebhookClient(webhook_url, timeout=5).send(text=text)
    except OSError as error:  # urllib's URLError, timeouts, refused connections
        raise DeliveryFailed(f"Slack could not be reached: {error}") from error
    if response.status_code != 200:
        # Slack names the problem in the body: invalid_token, no_service, channel_not_found...
        raise DeliveryFailed(f"Slack answered {response.status_code}: {response.body}")
    return f"slack-{response.status_code}"
