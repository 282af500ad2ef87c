"""A revoked grant: the connection is marked as needing the user, who is emailed once."""

from __future__ import annotations

from datetime import datetime

from momentum.calendar import repository
from momentum.calendar.connections import tokens
from momentum.core.config import settings
from momentum.identity import service as identity
from momentum.notify.service import Notification, deliver
from momentum.store.codec import Item

PROVIDER_NAMES = {"google": "Google", "microsoft": "Microsoft Outlook"}


def needs_reauth(connection: Item, now: datetime) -> bool:
    """Mark the connection and email its user (at most once per connection grant)."""
    tokens.forget(connection)
    repository.mark_needs_reauth(connection, now)
    org_id, user_id = connection["org_id"], connection["user_id"]
    user = identity.user_item(org_id, user_id)
    if user is None or not user.get("email"):
        return False
    provider = connection["provider"]
    return deliver(
        Notification(
            org_id=org_id,
            kind="calendar_needs_reauth",
            recipient_id=user_id,
            subject_id=f"calendar-{provider}",
            occurrence=str(connection.get("connected_at", "")),
            subject=f"Reconnect your {PROVIDER_NAMES.get(provider, provider)} calendar",
            why="your calendar is connected to Momentum",
            context={
                "name": user.get("name", ""),
                "provider_name": PROVIDER_NAMES.get(provider, provider),
                "link": f"{settings().app_url}/settings/calendar",
            },
            to_email=str(user["email"]),
        ),
        now,
    )
