"""Org users by calendar email (who the other attendee of an event is).

PENDING: identity.service.users_by_email(org_id, emails). Until identity exposes it,
this reads identity's email markers (one BatchGetItem) and then the users through
identity.service.users_by_id (one more).
"""

from __future__ import annotations

from collections.abc import Iterable

from momentum.identity import service as identity
from momentum.store import table

ACTIVE = ("active", "invited")


def active_users_by_email(org_id: str, emails: Iterable[str]) -> dict[str, str]:
    """{lower-cased email: user id} for the active users among `emails`."""
    wanted = sorted({email.lower() for email in emails if email})
    if not wanted:
        return {}
    expected = getattr(identity, "users_by_email", None)
    if callable(expected):
        users = expected(org_id, wanted)
        return {e: str(u["id"]) for e, u in users.items() if u.get("status") in ACTIVE}
    from momentum.identity import keys as identity_keys

    markers = []
    for start in range(0, len(wanted), 100):  # BatchGetItem takes 100 keys
        chunk = wanted[start : start + 100]
        markers += table.batch_get([identity_keys.email_marker_key(org_id, e) for e in chunk])
    ids = {str(m["user_id"]): m["pk"].rsplit("#EMAIL#", 1)[-1] for m in markers}
    users = identity.users_by_id(org_id, list(ids))
    return {ids[uid]: uid for uid, user in users.items() if user.get("status") in ACTIVE}
