"""Report exports (API.md "Report exports"): ask for a report as a CSV file, follow the job."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from momentum.frame.idempotency import create_once
from momentum.frame.principal import current_principal
from momentum.report_exports import service
from momentum.report_exports.models import ExportCreate, ExportJob

router = Router()
TAG = ["Report exports"]


@router.post("/v1/report-exports", tags=TAG)
def create_report_export(request: Annotated[ExportCreate, Body()]) -> Response[ExportJob]:
    """Admins only: write a report (`one-on-ones` or `audit-log`, with that report's
    filters) as a CSV file. Answers the job, `queued`; GET it until `status` is `done`,
    when `file.url` is a short-lived download link. Reports too large to answer inline
    (422 `report-too-large`) are asked for this way."""
    return create_once(
        router, request, lambda: service.request_export(current_principal(), request)
    )


@router.get("/v1/report-exports/<export_id>", tags=TAG)
def get_report_export(export_id: Annotated[str, Path(max_length=64)]) -> ExportJob:
    """Admins only: the job's status; once `done`, a fresh download link to its file."""
    return service.get_export(current_principal(), export_id)
