"""Off-track emails: the coachee and the coach of each engagement, and one digest per
company administrator listing every engagement that went off track in the same sweep
that the administrator may see (location admins: their locations).

Each email is sent at most once (notify's ledger): per engagement, recipient and off-track
spell (its `off_track_since`) for coachees and coaches; per administrator, sweep instant
and set of engagements for digests. A replayed sweep flips nothing, so it builds no
digest and sends nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from typing import Any

from momentum.coaching import rules, tracking, views
from momentum.core.clock import key_instant
from momentum.core.config import settings
from momentum.frame.org import module_enabled
from momentum.identity import service as identity
from momentum.notify.service import Notification, deliver
from momentum.store.codec import Item

OFF_TRACK = "engagement_off_track"
DIGEST = "engagement_off_track_digest"
OPT_OUT = "Engagement off-track emails"
ADMIN_ROLES = frozenset({"admin", "location_admin"})
USERS_PER_BATCH = 100
DIRECTORY_PAGE = 100
REFERENCE_WORDS = {
    "activation": "activation",
    "reactivation": "reactivation",
    "session": "latest session",
    "discovery_call": "latest discovery call",
    "coach_selection": "coach selection",
}


def _users(org_id: str, user_ids: list[str | None]) -> dict[str, Item]:
    ids = [uid for uid in dict.fromkeys(user_ids) if uid]
    found: dict[str, Item] = {}
    for first in range(0, len(ids), USERS_PER_BATCH):
        found.update(identity.users_by_id(org_id, ids[first : first + USERS_PER_BATCH]))
    return found


def _administrators(org_id: str) -> list[Item]:
    """The org's admins and location admins (identity's role index: one Query each)."""
    return identity.administrators(org_id)


def _gets_email(user: Item | None) -> bool:
    if user is None or not user.get("email"):
        return False
    return rules.gets_off_track_email(user)


def _summary(item: Item, people: dict[str, Item]) -> dict[str, Any]:
    progress = tracking.stored(item)
    coach = people.get(item.get("coach_id") or "")
    return {
        "id": item["id"],
        "template_name": item["template_name"],
        "coachee_name": people.get(item["coachee_id"], {}).get("name", "the coachee"),
        "coach_name": coach.get("name") if coach else None,
        "off_track_since": progress.off_track_since.isoformat() if progress.off_track_since else "",
        "reference": REFERENCE_WORDS.get(progress.reference_kind or "", "start"),
        "reference_date": progress.reference_date.isoformat() if progress.reference_date else "",
        "threshold_days": progress.threshold_days,
        "link": f"{settings().app_url}/engagements/{item['id']}",
    }


def _participant_email(
    org_id: str, item: Item, summary: dict[str, Any], user: Item, role: str, now: datetime
) -> bool:
    own = role == "coachee"
    subject = (
        "Your coaching engagement is off track"
        if own
        else f"Coaching engagement with {summary['coachee_name']} is off track"
    )
    return deliver(
        Notification(
            org_id=org_id,
            kind=OFF_TRACK,
            recipient_id=user["id"],
            subject_id=item["id"],
            occurrence=summary["off_track_since"],
            subject=subject,
            why=f"you are the {role} of this coaching engagement",
            opt_out=OPT_OUT,
            to_email=user["email"],
            context={"name": user.get("name", ""), "engagement": summary},
        ),
        now,
    )


def _digest(org_id: str, admin: Item, summaries: list[dict[str, Any]], now: datetime) -> bool:
    ids = ",".join(sorted(s["id"] for s in summaries))
    count = len(summaries)
    return deliver(
        Notification(
            org_id=org_id,
            kind=DIGEST,
            recipient_id=admin["id"],
            subject_id=key_instant(now),
            occurrence=hashlib.sha256(ids.encode()).hexdigest()[:20],
            subject=f"{count} coaching engagement{'s' if count != 1 else ''} went off track",
            why="you administer the company or location of these coaching engagements",
            opt_out=OPT_OUT,
            to_email=admin["email"],
            context={"name": admin.get("name", ""), "engagements": summaries},
        ),
        now,
    )


def _announce_in_org(org_id: str, items: list[Item], now: datetime) -> int:
    if not module_enabled(org_id, "coaching"):
        return 0
    people = _users(org_id, [uid for i in items for uid in (i["coachee_id"], i.get("coach_id"))])
    summaries = {item["id"]: _summary(item, people) for item in items}
    sent = 0
    for item in items:
        for role, user_id in (("coachee", item["coachee_id"]), ("coach", item.get("coach_id"))):
            user = people.get(user_id or "")
            if user is not None and _gets_email(user):
                sent += _participant_email(org_id, item, summaries[item["id"]], user, role, now)
    for admin in _administrators(org_id):
        if not _gets_email(admin):
            continue
        viewer = views.viewer_from_user(admin)
        visible = [
            summaries[i["id"]] for i in items if rules.administers(viewer, views.scope_of(i))
        ]
        if visible:
            sent += _digest(org_id, admin, visible, now)
    return sent


def announce_off_track(items: list[Item], now: datetime) -> int:
    """Emails for engagements that went off track in this sweep; returns how many were sent."""
    by_org: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_org[item["org_id"]].append(item)
    return sum(_announce_in_org(org_id, group, now) for org_id, group in by_org.items())
