"""Pure coaching rules: engagement progress (SPEC §5), lifecycle and who sees what.

No I/O, no wall clock. "Days" are calendar days in the engagement's time zone (the
coachee's zone when the engagement was launched); callers pass `today` in that zone.

Progress, exactly as SPEC §5:
- `not_tracking` unless tracking is on and the engagement is `active` or in
  `coach_matching`, with a running clock (activation, or the latest reactivation).
- The reference is the latest of: the clock start; every session that was not
  cancelled; for coach-matching engagements also every discovery call date and the coach
  selection date. A session or discovery call scheduled in the future is therefore always
  the reference, and keeps the engagement on track; a cancelled one never does (seed 002:
  off track when "there is not a session that is scheduled").
- Reference + threshold days reached: `off_track`, `off_track_since` = that date.
  Before it: `on_track`, due to go off track on `due_by`.

Because the reference only depends on recorded dates (not on today), a progress answer
stays true until `due_by` unless someone changes the engagement; the sweep only has to
flip engagements whose `due_by` arrived (`status_on`), without reading their sessions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import msgspec

from momentum.core.clock import zone
from momentum.core.membership import is_active
from momentum.core.problems import Conflict

EngagementType = Literal["one_on_one", "on_demand", "coach_matching"]
EngagementStatus = Literal["draft", "active", "coach_matching", "completed", "inactive"]
SessionStatus = Literal["scheduled", "completed", "cancelled"]
ProgressStatus = Literal["on_track", "off_track", "not_tracking"]
ClockStartKind = Literal["activation", "reactivation"]
ReferenceKind = Literal[
    "activation", "reactivation", "session", "discovery_call", "coach_selection"
]

TRACKED_STATUSES: frozenset[str] = frozenset({"active", "coach_matching"})
# On a tie the more telling reference wins: a session explains more than the activation.
_TIE_ORDER: dict[str, int] = {
    "activation": 0,
    "reactivation": 0,
    "coach_selection": 1,
    "discovery_call": 2,
    "session": 3,
}


class Tracking(msgspec.Struct, frozen=True):
    enabled: bool
    threshold_days: int | None
    notify_off_track: bool


class ProgressFacts(msgspec.Struct, frozen=True):
    """What progress depends on besides the dated events."""

    engagement_type: EngagementType
    status: EngagementStatus
    tracking: Tracking
    clock_started_on: date | None = None  # local date of the latest (re)activation
    clock_start_kind: ClockStartKind = "activation"


class Progress(msgspec.Struct, frozen=True):
    status: ProgressStatus
    off_track_since: date | None = None
    reference_kind: ReferenceKind | None = None
    reference_date: date | None = None
    threshold_days: int | None = None
    due_by: date | None = None  # the day it is (or was) due to go off track


NOT_TRACKING = Progress("not_tracking")


def counts_as_activity(session_status: str) -> bool:
    """A cancelled session did not and will not happen: it never moves the clock."""
    return session_status != "cancelled"


def progress(
    facts: ProgressFacts,
    session_dates: Iterable[date],
    discovery_call_dates: Iterable[date],
    coach_selected_on: date | None,
    today: date,
) -> Progress:
    """The engagement's progress on `today` (a date in the engagement's time zone)."""
    threshold = facts.tracking.threshold_days
    if (
        not facts.tracking.enabled
        or not threshold
        or facts.status not in TRACKED_STATUSES
        or facts.clock_started_on is None
    ):
        return NOT_TRACKING
    candidates: list[tuple[date, ReferenceKind]] = [
        (facts.clock_started_on, facts.clock_start_kind)
    ]
    candidates += [(day, "session") for day in session_dates]
    if facts.engagement_type == "coach_matching":
        candidates += [(day, "discovery_call") for day in discovery_call_dates]
        if coach_selected_on is not None:
            candidates.append((coach_selected_on, "coach_selection"))
    reference_date, reference_kind = max(candidates, key=lambda c: (c[0], _TIE_ORDER[c[1]]))
    due_by = reference_date + timedelta(days=threshold)
    on_track = Progress("on_track", None, reference_kind, reference_date, threshold, due_by)
    return status_on(on_track, today)


def status_on(current: Progress, today: date) -> Progress:
    """A stored progress re-read on a later day: it goes off track when `due_by` arrives."""
    if current.status == "not_tracking" or current.due_by is None:
        return current
    if today >= current.due_by:
        return msgspec.structs.replace(current, status="off_track", off_track_since=current.due_by)
    return msgspec.structs.replace(current, status="on_track", off_track_since=None)


def start_of_day(day: date, time_zone: str | None) -> datetime:
    """The instant `day` begins in `time_zone` (when a due-by date arrives)."""
    return datetime.combine(day, time.min, tzinfo=zone(time_zone))


# --- lifecycle ------------------------------------------------------------------------


def activation(
    status: EngagementStatus, engagement_type: EngagementType, has_coach: bool
) -> tuple[EngagementStatus, ClockStartKind]:
    """The status an activation leads to, and whether it starts or restarts the clock."""
    if status in TRACKED_STATUSES:
        raise Conflict("The engagement is already active.")
    if status == "completed":
        raise Conflict("A completed engagement cannot be activated again.")
    matching = engagement_type == "coach_matching" and not has_coach
    return ("coach_matching" if matching else "active"), (
        "reactivation" if status == "inactive" else "activation"
    )


def completion(status: EngagementStatus) -> EngagementStatus:
    if status == "draft":
        raise Conflict("A draft engagement has not started; activate it first.")
    if status == "completed":
        raise Conflict("The engagement is already completed.")
    return "completed"


def deactivation(status: EngagementStatus) -> EngagementStatus:
    if status not in TRACKED_STATUSES:
        raise Conflict(f"Only an active engagement can be made inactive (it is {status}).")
    return "inactive"


def coach_selection(status: EngagementStatus, engagement_type: EngagementType) -> None:
    if engagement_type != "coach_matching":
        raise Conflict("Only coach-matching engagements select a coach.")
    if status != "coach_matching":
        raise Conflict(f"A coach is selected during coach matching (the engagement is {status}).")


# --- who sees what --------------------------------------------------------------------


class Viewer(msgspec.Struct, frozen=True):
    user_id: str
    roles: frozenset[str]
    company_id: str | None = None
    admin_location_ids: frozenset[str] = frozenset()


class Scope(msgspec.Struct, frozen=True):
    """The people and placement of one engagement, as visibility needs them."""

    owner_id: str
    coachee_id: str
    coach_id: str | None
    company_id: str | None
    location_id: str | None


def administered_locations(
    roles: frozenset[str], admin_location_ids: Iterable[str], own_location_id: str | None
) -> frozenset[str]:
    """A location admin's locations: those named, or else the admin's own location."""
    if "location_admin" not in roles:
        return frozenset()
    named = frozenset(admin_location_ids)
    return named or (frozenset({own_location_id}) if own_location_id else frozenset())


def administers(viewer: Viewer, scope: Scope) -> bool:
    """A global admin of the engagement's company (an admin without a company administers
    every company) or a location admin of the engagement's location."""
    if "admin" in viewer.roles and (
        viewer.company_id is None or viewer.company_id == scope.company_id
    ):
        return True
    return (
        "location_admin" in viewer.roles
        and scope.location_id is not None
        and scope.location_id in viewer.admin_location_ids
    )


def sees_progress(viewer: Viewer, scope: Scope) -> bool:
    """SPEC §5: the owner, the company's admins (location admins for their locations) and
    the engagement's coach; everyone else sees `not_tracking`."""
    return viewer.user_id in (scope.owner_id, scope.coach_id) or administers(viewer, scope)


READER_ROLES: frozenset[str] = frozenset({"admin", "location_admin", "coach"})


def may_read(viewer: Viewer, scope: Scope) -> bool:
    """Admins, location admins and coaches browse engagements; others only their own."""
    return bool(viewer.roles & READER_ROLES) or viewer.user_id in (
        scope.owner_id,
        scope.coachee_id,
        scope.coach_id,
    )


def may_manage(viewer: Viewer, scope: Scope) -> bool:
    """Lifecycle, coach selection and settings: the owner and the engagement's admins."""
    return viewer.user_id == scope.owner_id or administers(viewer, scope)


def may_record_sessions(viewer: Viewer, scope: Scope) -> bool:
    """Sessions and discovery calls: the managers, the coach and the coachee."""
    return may_manage(viewer, scope) or viewer.user_id in (scope.coachee_id, scope.coach_id)


def may_launch(viewer: Viewer, location_id: str | None, company_id: str | None) -> bool:
    """Admins of the company, location admins for their locations, and coaches (as owners)."""
    if "coach" in viewer.roles:
        return True
    placement = Scope(viewer.user_id, "", None, company_id, location_id)
    return administers(viewer, placement)


def visible_progress(viewer: Viewer, scope: Scope, stored: Progress) -> Progress:
    return stored if sees_progress(viewer, scope) else NOT_TRACKING


# --- notifications --------------------------------------------------------------------


def gets_off_track_email(user: Mapping[str, Any]) -> bool:
    """Invited users are emailed; inactive users and internal records are not; anyone may
    turn these emails off (`engagement_off_track`, on by default)."""
    notifications = (user.get("settings") or {}).get("notifications") or {}
    return is_active(user) and notifications.get("engagement_off_track", True) is not False
