"""Where Momentum may send requests: the one home of outbound URL rules.

A URL that users or providers hand us (an org's Slack webhook, a Graph delta link) is
sent to only if it falls under an allowed prefix of its kind: same scheme, host and port,
and a path under the prefix's path, with no user info. Each kind's prefixes default to
the real service and may be replaced per environment (`<KIND>_ALLOWED_PREFIXES`,
comma-separated); the local stack points them at its own receivers and fakes, the
deployed stack sets none, so there they stay the real services.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import SplitResult, urlsplit

from momentum.core.config import settings
from momentum.core.problems import Invalid, field_error

SLACK_WEBHOOK = "SLACK_WEBHOOK"
CALENDAR_PROVIDER = "CALENDAR_PROVIDER"

DEFAULT_PREFIXES = {
    SLACK_WEBHOOK: ("https://hooks.slack.com/",),
    CALENDAR_PROVIDER: (
        "https://accounts.google.com/",
        "https://oauth2.googleapis.com/",
        "https://www.googleapis.com/",
        "https://openidconnect.googleapis.com/",
        "https://login.microsoftonline.com/",
        "https://graph.microsoft.com/",
    ),
}


class OutboundRefused(ValueError):
    """A URL outside its kind's allowed prefixes."""


@cache
def allowed_prefixes(kind: str) -> tuple[str, ...]:
    return settings().allowed_prefixes(kind) or DEFAULT_PREFIXES[kind]


def _under(url: SplitResult, prefix: SplitResult) -> bool:
    base = prefix.path if prefix.path.endswith("/") else f"{prefix.path}/"
    return (
        url.scheme == prefix.scheme
        and url.hostname == prefix.hostname
        and url.port == prefix.port
        and url.path.startswith(base)
    )


def is_allowed(url: str, kind: str) -> bool:
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    try:
        parsed = urlsplit(url)
        parsed.port  # noqa: B018  (a malformed port raises here)
    except ValueError:
        return False
    if parsed.username is not None or parsed.password is not None or not parsed.hostname:
        return False
    return any(_under(parsed, urlsplit(prefix)) for prefix in allowed_prefixes(kind))


def require(url: str, kind: str) -> str:
    """`url` if it may be sent to; OutboundRefused otherwise (never a request to it)."""
    if not is_allowed(url, kind):
        raise OutboundRefused(f"{url.split('?')[0][:100]} is not an allowed {kind.lower()} URL")
    return url


def slack_webhook(url: str | None) -> str | None:
    """An org's Slack webhook as a PATCH sets it: None clears it, anything outside the
    allowed prefixes is 422."""
    if url is None:
        return None
    if not is_allowed(url, SLACK_WEBHOOK):
        allowed = ", ".join(allowed_prefixes(SLACK_WEBHOOK))
        raise Invalid(
            f"The Slack webhook URL must start with {allowed}.",
            errors=[field_error("slack.webhook_url", f"must start with {allowed}")],
        )
    return url


def clear() -> None:
    """Forget configured prefixes (tests switch environments)."""
    allowed_prefixes.cache_clear()
    settings.cache_clear()
