"""`GET /v1/audit-log` (API.md "Additions"): admins read or export the org's activity."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from momentum.audit import export, service
from momentum.audit.models import AuditEntry, AuditPage
from momentum.core.pages import Cursor
from momentum.core.problems import BadRequest
from momentum.frame.principal import current_principal

router = Router()
TAG = ["Audit log"]
NEXT_CURSOR_HEADER = "Next-Cursor"
MAX_JSON_PAGE = 100
MAX_EXPORT_PAGE = 1000


@router.get("/v1/audit-log", tags=TAG)
def audit_log(
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    actor_id: Annotated[str | None, Query(max_length=64)] = None,
    entity_kind: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")] = None,
    format: Annotated[Literal["json", "csv", "jsonl"], Query()] = "json",
    limit: Annotated[int | None, Query(ge=1, le=MAX_EXPORT_PAGE)] = None,
    cursor: Cursor = None,
) -> Response[AuditPage | str]:
    """Admins only: the org's activity between `from` and `to` (default the last 30 days),
    newest first, optionally of one actor or entity kind. JSON pages hold up to 100
    entries; `format=csv|jsonl` exports pages of up to 1000, with the next page's cursor
    in the `Next-Cursor` header."""
    exporting = format != "json"
    size = limit or (MAX_EXPORT_PAGE if exporting else 25)
    if not exporting and size > MAX_JSON_PAGE:
        raise BadRequest("A JSON page holds at most 100 entries; export larger pages.")
    query = service.audit_query(start, end, actor_id, entity_kind)
    items, next_cursor = service.page(current_principal(), query, size, cursor)
    if not exporting:
        entries = [AuditEntry.model_validate(export.entry_view(item)) for item in items]
        body = AuditPage(items=entries, next_cursor=next_cursor)
        return Response(status_code=200, content_type="application/json", body=body)
    headers = {"Content-Disposition": f'attachment; filename="audit-log.{format}"'}
    if next_cursor:
        headers[NEXT_CURSOR_HEADER] = next_cursor
    if format == "csv":
        text, media = export.as_csv(items), "text/csv; charset=utf-8"
    else:
        text, media = export.as_jsonl(items), "application/x-ndjson"
    return Response(status_code=200, content_type=media, body=text, headers=headers)
