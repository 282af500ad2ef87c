"""Org users by calendar email (who the other attendee of an event is)."""

from __future__ import annotations

from collections.abc import Iterable

from momentum.core.membership import is_active
from momentum.identity import service as identity


def active_users_by_email(org_id: str, emails: Iterable[str]) -> dict[str, str]:
    """{lower-cased email: user id} for the active users among `emails`."""
    users = identity.users_by_email(org_id, [email for email in emails if email])
    return {email: str(user["id"]) for email, user in users.items() if is_active(user)}
