"""1:1 routes (API.md "1:1s"): series, meetings, agenda, notes and the admin report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from momentum.core.pages import DEFAULT_LIMIT, Cursor, Limit, Page
from momentum.frame.api import json_or_csv, no_content
from momentum.frame.idempotency import create_once
from momentum.frame.principal import current_principal
from momentum.one_on_ones import agenda, deleting, ending, meetings, report, series, service
from momentum.one_on_ones.models import (
    AgendaEntry,
    AgendaEntryCreate,
    AgendaEntryPatch,
    CreateAnswer,
    Meeting,
    MeetingPatch,
    OneOnOneCreate,
    OneOnOneRow,
    PrivateNotes,
    PrivateNotesPut,
    Report,
    Series,
    SeriesEnd,
    SeriesPatch,
    SharedNotes,
    SharedNotesPut,
)
from momentum.one_on_ones.repository import ACTION_ITEMS, TOPICS

router = Router()
Id = Annotated[str, Path(max_length=64)]
TAG = ["One-on-ones"]


@router.post("/v1/one-on-ones", tags=TAG)
def create_one_on_one(request: Annotated[OneOnOneCreate, Body()]) -> Response[CreateAnswer]:
    return create_once(router, request, lambda: service.create(current_principal(), request))


@router.get("/v1/one-on-ones", tags=TAG)
def list_one_on_ones(
    tab: Annotated[Literal["upcoming", "past", "archived"], Query()] = "upcoming",
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[OneOnOneRow]:
    items, next_cursor = service.list_one_on_ones(current_principal(), tab, limit, cursor)
    return Page[OneOnOneRow](items=items, next_cursor=next_cursor)


@router.get("/v1/one-on-ones/<series_id>", tags=TAG)
def get_series(series_id: Id) -> Series:
    return service.get_series(current_principal(), series_id)


@router.patch("/v1/one-on-ones/<series_id>", tags=TAG)
def patch_series(series_id: Id, patch: Annotated[SeriesPatch, Body()]) -> Series:
    principal = current_principal()
    series.patch_series(principal, series_id, patch)
    return service.get_series(principal, series_id)


@router.delete("/v1/one-on-ones/<series_id>", tags=TAG)
def delete_series(series_id: Id) -> Response[Any]:
    deleting.delete_series(current_principal(), series_id)
    return no_content()


@router.post("/v1/one-on-ones/<series_id>/end", tags=TAG)
def end_series(series_id: Id, request: Annotated[SeriesEnd, Body()]) -> Series:
    """End the series after a day: later meetings go, their unfinished entries wait on it."""
    principal = current_principal()
    ending.end_series(principal, series_id, request.after)
    return service.get_series(principal, series_id)


@router.post("/v1/one-on-ones/<series_id>/archive", tags=TAG)
def archive_series(series_id: Id) -> Series:
    principal = current_principal()
    series.archive_series(principal, series_id, True)
    return service.get_series(principal, series_id)


@router.post("/v1/one-on-ones/<series_id>/unarchive", tags=TAG)
def unarchive_series(series_id: Id) -> Series:
    principal = current_principal()
    series.archive_series(principal, series_id, False)
    return service.get_series(principal, series_id)


@router.get("/v1/meetings/<meeting_id>", tags=TAG)
def get_meeting(meeting_id: Id) -> Meeting:
    return service.get_meeting(current_principal(), meeting_id)


@router.patch("/v1/meetings/<meeting_id>", tags=TAG)
def patch_meeting(meeting_id: Id, patch: Annotated[MeetingPatch, Body()]) -> Meeting:
    principal = current_principal()
    meetings.patch_meeting(principal, meeting_id, patch)
    return service.get_meeting(principal, meeting_id)


@router.delete("/v1/meetings/<meeting_id>", tags=TAG)
def delete_meeting(meeting_id: Id) -> Response[Any]:
    meetings.delete_meeting(current_principal(), meeting_id)
    return no_content()


@router.post("/v1/meetings/<meeting_id>/archive", tags=TAG)
def archive_meeting(meeting_id: Id) -> Meeting:
    principal = current_principal()
    meetings.archive_meeting(principal, meeting_id, True)
    return service.get_meeting(principal, meeting_id)


@router.post("/v1/meetings/<meeting_id>/unarchive", tags=TAG)
def unarchive_meeting(meeting_id: Id) -> Meeting:
    principal = current_principal()
    meetings.archive_meeting(principal, meeting_id, False)
    return service.get_meeting(principal, meeting_id)


@router.post("/v1/meetings/<meeting_id>/agenda-topics", tags=TAG)
def add_topic(
    meeting_id: Id, request: Annotated[AgendaEntryCreate, Body()]
) -> Response[AgendaEntry]:
    return create_once(
        router, request, lambda: agenda.add_entry(current_principal(), meeting_id, TOPICS, request)
    )


@router.patch("/v1/meetings/<meeting_id>/agenda-topics/<topic_id>", tags=TAG)
def patch_topic(
    meeting_id: Id, topic_id: Id, patch: Annotated[AgendaEntryPatch, Body()]
) -> AgendaEntry:
    return agenda.patch_entry(current_principal(), meeting_id, TOPICS, topic_id, patch)


@router.delete("/v1/meetings/<meeting_id>/agenda-topics/<topic_id>", tags=TAG)
def delete_topic(meeting_id: Id, topic_id: Id) -> Response[Any]:
    agenda.delete_entry(current_principal(), meeting_id, TOPICS, topic_id)
    return no_content()


@router.post("/v1/meetings/<meeting_id>/action-items", tags=TAG)
def add_action_item(
    meeting_id: Id, request: Annotated[AgendaEntryCreate, Body()]
) -> Response[AgendaEntry]:
    principal = current_principal()
    return create_once(
        router, request, lambda: agenda.add_entry(principal, meeting_id, ACTION_ITEMS, request)
    )


@router.patch("/v1/meetings/<meeting_id>/action-items/<item_id>", tags=TAG)
def patch_action_item(
    meeting_id: Id, item_id: Id, patch: Annotated[AgendaEntryPatch, Body()]
) -> AgendaEntry:
    return agenda.patch_entry(current_principal(), meeting_id, ACTION_ITEMS, item_id, patch)


@router.delete("/v1/meetings/<meeting_id>/action-items/<item_id>", tags=TAG)
def delete_action_item(meeting_id: Id, item_id: Id) -> Response[Any]:
    agenda.delete_entry(current_principal(), meeting_id, ACTION_ITEMS, item_id)
    return no_content()


@router.put("/v1/meetings/<meeting_id>/shared-notes", tags=TAG)
def put_shared_notes(meeting_id: Id, request: Annotated[SharedNotesPut, Body()]) -> SharedNotes:
    principal = current_principal()
    return agenda.put_shared_notes(principal, meeting_id, request.body, request.version)


@router.put("/v1/meetings/<meeting_id>/private-notes", tags=TAG)
def put_private_notes(meeting_id: Id, request: Annotated[PrivateNotesPut, Body()]) -> PrivateNotes:
    return agenda.put_private_notes(current_principal(), meeting_id, request.body)


@router.get("/v1/reports/one-on-ones", tags=TAG, responses=json_or_csv(Report))
def one_on_ones_report(
    from_date: Annotated[date, Query(alias="from")],
    to_date: Annotated[date, Query(alias="to")],
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    group_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Response[Report | str]:
    """Admins only: per pair, meetings held and cancelled, topics and action items created
    and completed (JSON, or CSV with `format=csv`). Never any note text. `group_id` keeps
    the pairs with a member of that directory group (see /v1/directory-groups)."""
    answer = report.report(current_principal(), from_date, to_date, group_id=group_id)
    if format == "csv":
        return Response(
            status_code=200,
            content_type="text/csv; charset=utf-8",
            body=report.as_csv(answer),
            headers={"Content-Disposition": 'attachment; filename="one-on-ones.csv"'},
        )
    return Response(status_code=200, content_type="application/json", body=answer)
