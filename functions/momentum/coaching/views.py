"""Items as each caller may see them: progress is shown only to those who may see it."""

from __future__ import annotations

from momentum.coaching import rules, tracking
from momentum.coaching.models import (
    DiscoveryCall,
    Engagement,
    EngagementDetail,
    ProgressTracking,
    ProgressView,
    Reference,
    ReportRow,
    Session,
    Template,
)
from momentum.coaching.repository import Collection
from momentum.frame.principal import Principal
from momentum.store.codec import Item


def viewer_of(principal: Principal) -> rules.Viewer:
    return rules.Viewer(
        user_id=principal.user_id,
        roles=principal.roles,
        company_id=principal.company_id,
        admin_location_ids=rules.administered_locations(
            principal.roles, principal.location_ids, principal.location_id
        ),
    )


def viewer_from_user(user: Item) -> rules.Viewer:
    return rules.Viewer(
        user_id=user["id"],
        roles=frozenset(user.get("roles") or ()),
        company_id=user.get("company_id"),
        admin_location_ids=rules.administered_locations(
            frozenset(user.get("roles") or ()),
            user.get("admin_location_ids") or (),
            user.get("location_id"),
        ),
    )


def scope_of(item: Item) -> rules.Scope:
    return rules.Scope(
        owner_id=item["owner_id"],
        coachee_id=item["coachee_id"],
        coach_id=item.get("coach_id"),
        company_id=item.get("company_id"),
        location_id=item.get("location_id"),
    )


def progress_view(progress: rules.Progress) -> ProgressView:
    reference = None
    if progress.reference_kind and progress.reference_date:
        reference = Reference(kind=progress.reference_kind, date=progress.reference_date)
    return ProgressView(
        status=progress.status,
        off_track_since=progress.off_track_since,
        reference=reference,
        due_by=progress.due_by,
        threshold_days=progress.threshold_days,
    )


def progress_seen_by(viewer: rules.Viewer, item: Item) -> rules.Progress:
    return rules.visible_progress(viewer, scope_of(item), tracking.stored(item))


def tracking_view(item: Item) -> ProgressTracking:
    settings = tracking.tracking_of(item)
    return ProgressTracking(
        enabled=settings.enabled,
        threshold_days=settings.threshold_days,
        notify_off_track=settings.notify_off_track,
    )


def template_view(item: Item) -> Template:
    return Template(
        id=item["id"],
        name=item["name"],
        type=item["engagement_type"],
        description=item.get("description", ""),
        progress_tracking=tracking_view(item),
        created_at=item["created_at"],
        version=item.get("version", 1),
    )


def engagement_view(viewer: rules.Viewer, item: Item) -> Engagement:
    return Engagement(
        id=item["id"],
        template_id=item["template_id"],
        template_name=item["template_name"],
        type=item["engagement_type"],
        status=item["status"],
        coachee_id=item["coachee_id"],
        coach_id=item.get("coach_id"),
        owner_id=item["owner_id"],
        company_id=item.get("company_id"),
        location_id=item.get("location_id"),
        time_zone=item["time_zone"],
        activated_at=item.get("activated_at"),
        coach_selected_on=item.get("coach_selected_on"),
        progress_tracking=tracking_view(item),
        progress=progress_view(progress_seen_by(viewer, item)),
        created_at=item["created_at"],
        version=item.get("version", 1),
    )


def session_view(item: Item) -> Session:
    return Session.model_validate(item)


def call_view(item: Item) -> DiscoveryCall:
    return DiscoveryCall.model_validate(item)


def detail_view(viewer: rules.Viewer, collection: Collection) -> EngagementDetail:
    summary = engagement_view(viewer, collection.engagement)
    return EngagementDetail(
        **summary.model_dump(),
        sessions=[session_view(s) for s in collection.sessions],
        discovery_calls=[call_view(c) for c in collection.calls],
    )


def report_row(viewer: rules.Viewer, item: Item, names: dict[str, str]) -> ReportRow:
    progress = progress_seen_by(viewer, item)
    return ReportRow(
        id=item["id"],
        template_name=item["template_name"],
        type=item["engagement_type"],
        status=item["status"],
        coachee_id=item["coachee_id"],
        coachee_name=names.get(item["coachee_id"]),
        coach_id=item.get("coach_id"),
        coach_name=names.get(item.get("coach_id") or ""),
        owner_id=item["owner_id"],
        company_id=item.get("company_id"),
        location_id=item.get("location_id"),
        activated_at=item.get("activated_at"),
        progress=progress.status,
        off_track_since=progress.off_track_since,
        reference_kind=progress.reference_kind,
        reference_date=progress.reference_date,
        threshold_days=progress.threshold_days,
        due_by=progress.due_by,
    )
