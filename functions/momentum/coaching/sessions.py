"""Sessions and discovery calls: recorded by the engagement's participants, owner and
admins; each one moves the engagement's progress reference in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from momentum.coaching import repository, views
from momentum.coaching.models import (
    DiscoveryCall,
    DiscoveryCallCreate,
    Session,
    SessionCreate,
    SessionPatch,
)
from momentum.coaching.repository import Collection
from momentum.coaching.service import known_user, recorded_by_participant, save
from momentum.core import clock
from momentum.core.ids import new_id
from momentum.core.problems import Conflict, NotFound
from momentum.frame.principal import Principal
from momentum.store import transactions
from momentum.store.codec import Item


def _dated(child: Item) -> dict[str, Any]:
    return {k: child[k] for k in ("id", "date", "start", "status", "coach_id") if k in child}


def _when(engagement: Item, day: date | None, start: datetime | None) -> dict[str, Any]:
    """A session's day (in the engagement's zone, where progress counts days) and time."""
    if start is not None:
        zone_name = engagement.get("time_zone")
        return {
            "date": clock.local_date(start, zone_name).isoformat(),
            "start": clock.api_instant(start),
        }
    assert day is not None
    return {"date": day.isoformat(), "start": None}


def add_session(principal: Principal, engagement_id: str, request: SessionCreate) -> Session:
    found = recorded_by_participant(principal, engagement_id)
    now = clock.now()
    session = {
        "id": new_id(),
        **_when(found.engagement, request.date, request.start),
        "status": request.status,
        "created_at": clock.api_instant(now),
        "created_by": principal.user_id,
    }
    session = {name: value for name, value in session.items() if value is not None}
    child = repository.child_item(principal.org_id, engagement_id, "session", session)
    after = Collection(found.engagement, [*found.sessions, child], found.calls)
    save(
        principal,
        found,
        after,
        "engagement_session_added",
        [transactions.put_new(child)],
        now,
        {"session": {"before": None, "after": _dated(session)}},
    )
    return views.session_view(session)


def patch_session(
    principal: Principal, engagement_id: str, session_id: str, patch: SessionPatch
) -> Session:
    found = recorded_by_participant(principal, engagement_id)
    current = next((s for s in found.sessions if s["id"] == session_id), None)
    if current is None:
        raise NotFound("Session not found.")
    changes: dict[str, Any] = {}
    if patch.status is not None:
        changes["status"] = patch.status
    if patch.date is not None or patch.start is not None:
        changes.update(_when(found.engagement, patch.date, patch.start))
    updated = {**current, **changes}
    updated = {name: value for name, value in updated.items() if value is not None}
    sessions = [updated if s["id"] == session_id else s for s in found.sessions]
    save(
        principal,
        found,
        Collection(found.engagement, sessions, found.calls),
        "engagement_session_updated",
        [transactions.put(updated)],
        clock.now(),
        {"session": {"before": _dated(current), "after": _dated(updated)}},
    )
    return views.session_view(updated)


def add_discovery_call(
    principal: Principal, engagement_id: str, request: DiscoveryCallCreate
) -> DiscoveryCall:
    found = recorded_by_participant(principal, engagement_id)
    item = found.engagement
    if item["engagement_type"] != "coach_matching":
        raise Conflict("Only coach-matching engagements have discovery calls.")
    if item["status"] not in ("draft", "coach_matching"):
        raise Conflict(f"Discovery calls happen during coach matching (it is {item['status']}).")
    if request.coach_id is not None:
        known_user(principal, request.coach_id, "coach_id", role="coach")
    now = clock.now()
    call = {
        "id": new_id(),
        "date": request.date.isoformat(),
        "coach_id": request.coach_id,
        "created_at": clock.api_instant(now),
        "created_by": principal.user_id,
    }
    call = {k: v for k, v in call.items() if v is not None}
    child = repository.child_item(principal.org_id, engagement_id, "call", call)
    after = Collection(item, found.sessions, [*found.calls, child])
    save(
        principal,
        found,
        after,
        "engagement_discovery_call_added",
        [transactions.put_new(child)],
        now,
        {"discovery_call": {"before": None, "after": _dated(call)}},
    )
    return views.call_view(call)
