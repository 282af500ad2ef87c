"""Coaching use cases: launching engagements, their lifecycle, coach matching, reading.

Every change to an engagement's sessions, calls or lifecycle recomputes its progress and
re-arms (or clears) its due-index entry in the same transaction as the change itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from momentum.coaching import repository, rules, tracking, views
from momentum.coaching.models import (
    CoachSelection,
    EngagementCreate,
    EngagementDetail,
    EngagementPatch,
    ProgressTrackingPatch,
    ProgressTrackingRequest,
)
from momentum.coaching.repository import Collection
from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.problems import Conflict, Forbidden, Invalid, NotFound, field_error
from momentum.frame.org import org_item, require_module
from momentum.frame.principal import Principal
from momentum.identity import service as identity
from momentum.store import activity, transactions
from momentum.store.codec import Item


def require_coaching(principal: Principal) -> None:
    require_module(principal, "coaching")


def tracking_body(request: ProgressTrackingRequest) -> dict[str, Any]:
    return {
        "enabled": request.enabled,
        "threshold_days": request.days(),
        "notify_off_track": request.notify_off_track,
    }


def patched_tracking(current: dict[str, Any], patch: ProgressTrackingPatch) -> dict[str, Any]:
    """Current settings with the sent fields changed; tracking on needs a threshold."""
    merged = dict(current)
    if patch.days() is not None:
        merged["threshold_days"] = patch.days()
    for name in ("enabled", "notify_off_track"):
        if getattr(patch, name) is not None:
            merged[name] = getattr(patch, name)
    if merged.get("enabled") and not merged.get("threshold_days"):
        raise Invalid(
            "Progress tracking needs a threshold.",
            errors=[field_error("progress_tracking.threshold_days", "required when enabled")],
        )
    return merged


def record(
    principal: Principal,
    entity_id: str,
    kind: str,
    action: str,
    at: datetime,
    changes: dict[str, dict[str, Any]],
) -> transactions.Op:
    return activity.record(
        org_id=principal.org_id,
        entity_id=entity_id,
        entity_kind=kind,
        actor_id=principal.user_id,
        action=action,
        at=at,
        changes=changes,
    )


# --- launching ------------------------------------------------------------------------


def known_user(
    principal: Principal, user_id: str | None, path: str, role: str | None = None
) -> Item:
    user = identity.user_item(principal.org_id, user_id) if user_id else None
    if user is None:
        raise Invalid(
            "Unknown user.", errors=[field_error(path, "not a user of this organisation")]
        )
    if role and role not in (user.get("roles") or ()):
        raise Invalid(
            f"The user is not a {role}.", errors=[field_error(path, f"needs role {role}")]
        )
    return user


def _placement(
    principal: Principal, request: EngagementCreate, coachee: Item
) -> tuple[str | None, str | None]:
    if request.company_id is None and request.location_id is None:
        return coachee.get("company_id"), coachee.get("location_id")
    company_id = request.company_id or coachee.get("company_id")
    known = set()
    if company_id and is_id(company_id):
        try:
            known = identity.company_location_ids(principal, company_id)
        except NotFound:
            company_id = None
    if company_id is None:
        raise Invalid("Unknown company.", errors=[field_error("company_id", "unknown company")])
    if request.location_id is not None and request.location_id not in known:
        raise Invalid(
            "The location must be one of the company's locations.",
            errors=[field_error("location_id", "unknown location for this company")],
        )
    return company_id, request.location_id


def launch(principal: Principal, request: EngagementCreate) -> EngagementDetail:
    """A draft engagement with the template's settings copied onto it."""
    require_coaching(principal)
    template = (
        repository.template(principal.org_id, request.template_id)
        if is_id(request.template_id)
        else None
    )
    if template is None:
        raise Invalid("Unknown template.", errors=[field_error("template_id", "unknown template")])
    coachee = known_user(principal, request.coachee_id, "coachee_id")
    if request.coach_id is not None and template["engagement_type"] == "coach_matching":
        raise Invalid(
            "A coach-matching engagement selects its coach later.",
            errors=[field_error("coach_id", "select the coach after discovery calls")],
        )
    if request.coach_id is not None:
        known_user(principal, request.coach_id, "coach_id", role="coach")
    owner_id = request.owner_id or principal.user_id
    if owner_id != principal.user_id:
        known_user(principal, owner_id, "owner_id")
    company_id, location_id = _placement(principal, request, coachee)
    if not rules.may_launch(views.viewer_of(principal), location_id, company_id):
        raise Forbidden(
            "Only admins of the coachee's company or location and coaches launch engagements."
        )
    now = clock.now()
    body = {
        "id": new_id(),
        "template_id": template["id"],
        "template_name": template["name"],
        "engagement_type": template["engagement_type"],
        "status": "draft",
        "coachee_id": coachee["id"],
        "coach_id": request.coach_id,
        "owner_id": owner_id,
        "company_id": company_id,
        "location_id": location_id,
        "time_zone": coachee.get("time_zone")
        or org_item(principal.org_id).get("time_zone")
        or "UTC",
        "progress_tracking": dict(template["progress_tracking"]),
        "progress": tracking.as_dict(rules.NOT_TRACKING),
        "off_track_announced": False,
        "created_at": clock.api_instant(now),
        "created_by": principal.user_id,
        "version": 1,
    }
    body = {k: v for k, v in body.items() if v is not None}
    audit = {
        k: {"before": None, "after": body.get(k)}
        for k in ("template_id", "coachee_id", "coach_id", "status")
    }
    transactions.write(
        [
            transactions.put_new(repository.engagement_item(principal.org_id, body, None)),
            record(principal, body["id"], "engagement", "engagement_launched", now, audit),
        ]
    )
    return views.detail_view(views.viewer_of(principal), Collection(body))


# --- reading and changing one engagement ------------------------------------------------


def _readable(principal: Principal, engagement_id: str) -> Collection:
    require_coaching(principal)
    found = repository.collection(principal.org_id, engagement_id) if is_id(engagement_id) else None
    if found is None or not rules.may_read(
        views.viewer_of(principal), views.scope_of(found.engagement)
    ):
        raise NotFound("Engagement not found.")
    return found


def _managed(principal: Principal, engagement_id: str) -> Collection:
    found = _readable(principal, engagement_id)
    if not rules.may_manage(views.viewer_of(principal), views.scope_of(found.engagement)):
        raise Forbidden("Only the engagement's owner and its admins may do this.")
    return found


def recorded_by_participant(principal: Principal, engagement_id: str) -> Collection:
    found = _readable(principal, engagement_id)
    if not rules.may_record_sessions(views.viewer_of(principal), views.scope_of(found.engagement)):
        raise Forbidden("Only the engagement's participants, owner and admins record sessions.")
    if found.engagement["status"] == "completed":
        raise Conflict("The engagement is completed.")
    return found


def get_engagement(principal: Principal, engagement_id: str) -> EngagementDetail:
    return views.detail_view(views.viewer_of(principal), _readable(principal, engagement_id))


def save(
    principal: Principal,
    before: Collection,
    after: Collection,
    action: str,
    extra_ops: list[transactions.Op],
    now: datetime,
    detail: dict[str, dict[str, Any]] | None = None,
) -> Collection:
    """Write the changed engagement with its progress recomputed, and its due entry."""
    old = before.engagement
    body = dict(after.engagement)
    tracking.with_progress(body, tracking.compute(after, now), old)
    fields = ("status", "coach_id", "owner_id", "progress_tracking", "coach_selected_on")
    audit = activity.changed_fields(
        {k: old.get(k) for k in fields}, {k: body.get(k) for k in fields}
    )
    audit.update(detail or {})
    if body["progress"]["status"] != old.get("progress", {}).get("status"):
        audit["progress"] = {
            "before": old.get("progress", {}).get("status"),
            "after": body["progress"]["status"],
        }
    item = repository.engagement_item(principal.org_id, body, tracking.due_at(body))
    transactions.write(
        [
            transactions.put_versioned(item, old.get("version", 1)),
            *extra_ops,
            record(principal, old["id"], "engagement", action, now, audit),
        ]
    )
    item["version"] = old.get("version", 1) + 1
    return Collection(item, after.sessions, after.calls)


def _change(
    principal: Principal, found: Collection, action: str, **changes: Any
) -> EngagementDetail:
    now = clock.now()
    after = Collection({**found.engagement, **changes}, found.sessions, found.calls)
    saved = save(principal, found, after, action, [], now)
    return views.detail_view(views.viewer_of(principal), saved)


def activate(principal: Principal, engagement_id: str) -> EngagementDetail:
    """Starts the progress clock; a reactivation starts a new one."""
    found = _managed(principal, engagement_id)
    item, now = found.engagement, clock.now()
    status, kind = rules.activation(
        item["status"], item["engagement_type"], bool(item.get("coach_id"))
    )
    action = "engagement_activated" if kind == "activation" else "engagement_reactivated"
    return _change(
        principal,
        found,
        action,
        status=status,
        activated_at=clock.api_instant(now),
        clock_start_kind=kind,
        clock_started_on=tracking.today_for(item, now).isoformat(),
    )


def complete(principal: Principal, engagement_id: str) -> EngagementDetail:
    found = _managed(principal, engagement_id)
    status = rules.completion(found.engagement["status"])
    return _change(
        principal,
        found,
        "engagement_completed",
        status=status,
        completed_at=clock.api_instant(clock.now()),
    )


def deactivate(principal: Principal, engagement_id: str) -> EngagementDetail:
    found = _managed(principal, engagement_id)
    status = rules.deactivation(found.engagement["status"])
    return _change(
        principal,
        found,
        "engagement_deactivated",
        status=status,
        deactivated_at=clock.api_instant(clock.now()),
    )


def patch_engagement(
    principal: Principal, engagement_id: str, patch: EngagementPatch
) -> EngagementDetail:
    found = _managed(principal, engagement_id)
    item = found.engagement
    sent = patch.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "coach_id" in sent:
        if item["engagement_type"] == "coach_matching":
            raise Conflict("A coach-matching engagement changes its coach through select-coach.")
        if patch.coach_id is not None:
            known_user(principal, patch.coach_id, "coach_id", role="coach")
        changes["coach_id"] = patch.coach_id
    if patch.owner_id is not None:
        changes["owner_id"] = known_user(principal, patch.owner_id, "owner_id")["id"]
    if patch.progress_tracking is not None:
        changes["progress_tracking"] = patched_tracking(
            item["progress_tracking"], patch.progress_tracking
        )
    return _change(principal, found, "engagement_updated", **changes)


def select_coach(
    principal: Principal, engagement_id: str, request: CoachSelection
) -> EngagementDetail:
    """Coach matching ends: the engagement becomes active with the selected coach."""
    found = _managed(principal, engagement_id)
    item = found.engagement
    rules.coach_selection(item["status"], item["engagement_type"])
    known_user(principal, request.coach_id, "coach_id", role="coach")
    day = request.date or tracking.today_for(item, clock.now())
    return _change(
        principal,
        found,
        "engagement_coach_selected",
        status="active",
        coach_id=request.coach_id,
        coach_selected_on=day.isoformat(),
    )


def can_view_activity(principal: Principal, entity_id: str) -> bool:
    """Engagements: whoever may read them. Templates: every user of the org."""
    engagement = repository.engagement(principal.org_id, entity_id)
    if engagement is not None:
        return rules.may_read(views.viewer_of(principal), views.scope_of(engagement))
    return repository.template(principal.org_id, entity_id) is not None


def activity_seen_by(principal: Principal, entity_id: str, entries: list[Item]) -> list[Item]:
    """Progress is shown only to whoever sees the engagement's progress (SPEC §5): others
    (the coachee, other coaches, other locations' admins) read its activity without the
    off-track entries and without progress in the changes."""
    engagement = repository.engagement(principal.org_id, entity_id)
    if engagement is None or rules.sees_progress(
        views.viewer_of(principal), views.scope_of(engagement)
    ):
        return entries
    seen = []
    for entry in entries:
        if entry.get("action") == tracking.OFF_TRACK_ACTION:
            continue
        changes = {k: v for k, v in (entry.get("changes") or {}).items() if k != "progress"}
        seen.append({**entry, "changes": changes})
    return seen
