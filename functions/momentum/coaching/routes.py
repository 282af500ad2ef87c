"""Coaching routes (API.md "Coaching")."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from momentum.coaching import listing, service, sessions, templates
from momentum.coaching.models import (
    CoachSelection,
    DiscoveryCall,
    DiscoveryCallCreate,
    Engagement,
    EngagementCreate,
    EngagementDetail,
    EngagementPatch,
    ProgressFilter,
    Report,
    ReportFormat,
    Session,
    SessionCreate,
    SessionPatch,
    Template,
    TemplateCreate,
    TemplatePatch,
)
from momentum.core.pages import DEFAULT_LIMIT, Cursor, Limit, Page
from momentum.frame.api import json_or_csv
from momentum.frame.idempotency import create_once
from momentum.frame.principal import current_principal

router = Router()
Id = Annotated[str, Path(max_length=64)]
TAGS = ["Coaching"]


# --- templates ------------------------------------------------------------------------


@router.post("/v1/engagement-templates", tags=TAGS)
def create_template(request: Annotated[TemplateCreate, Body()]) -> Response[Template]:
    return create_once(
        router, request, lambda: templates.create_template(current_principal(), request)
    )


@router.get("/v1/engagement-templates", tags=TAGS)
def list_templates(limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[Template]:
    items, next_cursor = templates.list_templates(current_principal(), limit, cursor)
    return Page[Template](items=items, next_cursor=next_cursor)


@router.get("/v1/engagement-templates/<template_id>", tags=TAGS)
def get_template(template_id: Id) -> Template:
    return templates.get_template(current_principal(), template_id)


@router.patch("/v1/engagement-templates/<template_id>", tags=TAGS)
def patch_template(template_id: Id, patch: Annotated[TemplatePatch, Body()]) -> Template:
    return templates.patch_template(current_principal(), template_id, patch)


# --- engagements ----------------------------------------------------------------------


@router.post("/v1/engagements", tags=TAGS)
def launch_engagement(request: Annotated[EngagementCreate, Body()]) -> Response[EngagementDetail]:
    return create_once(router, request, lambda: service.launch(current_principal(), request))


@router.get("/v1/engagements", tags=TAGS)
def list_engagements(
    progress: Annotated[ProgressFilter | None, Query()] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[Engagement]:
    items, next_cursor = listing.list_engagements(current_principal(), progress, limit, cursor)
    return Page[Engagement](items=items, next_cursor=next_cursor)


@router.get("/v1/engagements/<engagement_id>", tags=TAGS)
def get_engagement(engagement_id: Id) -> EngagementDetail:
    return service.get_engagement(current_principal(), engagement_id)


@router.patch("/v1/engagements/<engagement_id>", tags=TAGS)
def patch_engagement(
    engagement_id: Id, patch: Annotated[EngagementPatch, Body()]
) -> EngagementDetail:
    return service.patch_engagement(current_principal(), engagement_id, patch)


@router.post("/v1/engagements/<engagement_id>/activate", tags=TAGS)
def activate_engagement(engagement_id: Id) -> EngagementDetail:
    return service.activate(current_principal(), engagement_id)


@router.post("/v1/engagements/<engagement_id>/complete", tags=TAGS)
def complete_engagement(engagement_id: Id) -> EngagementDetail:
    return service.complete(current_principal(), engagement_id)


@router.post("/v1/engagements/<engagement_id>/deactivate", tags=TAGS)
def deactivate_engagement(engagement_id: Id) -> EngagementDetail:
    return service.deactivate(current_principal(), engagement_id)


@router.post("/v1/engagements/<engagement_id>/sessions", tags=TAGS)
def add_session(engagement_id: Id, request: Annotated[SessionCreate, Body()]) -> Response[Session]:
    return create_once(
        router, request, lambda: sessions.add_session(current_principal(), engagement_id, request)
    )


@router.patch("/v1/engagements/<engagement_id>/sessions/<session_id>", tags=TAGS)
def patch_session(
    engagement_id: Id, session_id: Id, patch: Annotated[SessionPatch, Body()]
) -> Session:
    return sessions.patch_session(current_principal(), engagement_id, session_id, patch)


@router.post("/v1/engagements/<engagement_id>/discovery-calls", tags=TAGS)
def add_discovery_call(
    engagement_id: Id, request: Annotated[DiscoveryCallCreate, Body()]
) -> Response[DiscoveryCall]:
    principal = current_principal()
    return create_once(
        router, request, lambda: sessions.add_discovery_call(principal, engagement_id, request)
    )


@router.post("/v1/engagements/<engagement_id>/select-coach", tags=TAGS)
def select_coach(engagement_id: Id, request: Annotated[CoachSelection, Body()]) -> EngagementDetail:
    return service.select_coach(current_principal(), engagement_id, request)


# --- report ---------------------------------------------------------------------------


@router.get("/v1/reports/engagements", tags=TAGS, responses=json_or_csv(Report))
def engagements_report(
    progress: Annotated[ProgressFilter | None, Query()] = None,
    off_track_from: Annotated[date | None, Query()] = None,
    off_track_to: Annotated[date | None, Query()] = None,
    format: Annotated[ReportFormat, Query()] = "json",
) -> Response[Report | str]:
    rows = listing.report(current_principal(), progress, off_track_from, off_track_to)
    if format == "csv":
        return Response(
            status_code=200,
            content_type="text/csv; charset=utf-8",
            body=listing.as_csv(rows),
            headers={"Content-Disposition": 'attachment; filename="engagements.csv"'},
        )
    return Response(status_code=200, content_type="application/json", body=Report(items=rows))
