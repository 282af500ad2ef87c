"""Slack messages through an incoming webhook (slack_sdk), configured per org."""

from __future__ import annotations

from typing import Any

from momentum.core import outbound
from momentum.notify.failures import DeliveryFailed


def post_slack(webhook_url: str, text: str) -> str:
    from slack_sdk.webhook import WebhookClient  # imported only by senders that use Slack

    if not outbound.is_allowed(webhook_url, outbound.SLACK_WEBHOOK):  # e.g. saved before the rule
        raise DeliveryFailed("the org's Slack webhook URL is not an allowed Slack URL")
    try:
        response = WebhookClient(webhook_url, timeout=5).send(text=text)
    except OSError as error:  # urllib's URLError, timeouts, refused connections
        raise DeliveryFailed(f"Slack could not be reached: {error}") from error
    if response.status_code != 200:
        # Slack names the problem in the body: invalid_token, no_service, channel_not_found...
        raise DeliveryFailed(f"Slack answered {response.status_code}: {response.body}")
    return f"slack-{response.status_code}"


def escape(text: str) -> str:
    """Slack's own escaping: &, < and > only (anything else would show as an entity), so a
    `<!channel>` or `<https://evil|Click>` typed into a title arrives as plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped(value: Any) -> Any:
    """`value` with every string in it escaped for Slack: a template's context, so that
    no template can forget to escape user text (its own markup is not in the context)."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {key: escaped(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [escaped(item) for item in value]
    return value
