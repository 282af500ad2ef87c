"""Asking for an export and reading its job, always under the caller's org: the 1:1 report
and the audit log are admins' (any admin may follow them), engagements the asker's."""

from __future__ import annotations

from typing import Any

from momentum.audit import service as audit
from momentum.coaching import listing as engagements_listing
from momentum.coaching.service import require_coaching
from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.problems import NotFound
from momentum.frame.principal import Principal
from momentum.one_on_ones import report as one_on_ones_report
from momentum.report_exports import jobs, storage
from momentum.report_exports.models import (
    EngagementsExport,
    ExportFile,
    ExportJob,
    ExportRequest,
    OneOnOnesExport,
)
from momentum.store.codec import Item

# Reports only admins may read: any admin of the org may follow their exports. Others
# (engagements, which each reader sees their own way) are the asker's alone.
ADMIN_REPORTS = ("one-on-ones", "audit-log")


def _filters(principal: Principal, request: ExportRequest) -> dict[str, Any]:
    """The report's own checks, as its inline request would make them, before any job."""
    if isinstance(request, OneOnOnesExport):
        one_on_ones_report.check(principal, request.from_date, request.to_date, request.group_id)
        return one_on_ones_report.export_request(
            request.from_date, request.to_date, request.group_id
        )
    if isinstance(request, EngagementsExport):
        require_coaching(principal)
        filters = engagements_listing.export_filters(
            request.progress, request.off_track_from, request.off_track_to
        )
        return {"report": "engagements", **filters}
    principal.require_admin()
    audit.audit_query(request.from_, request.to, request.actor_id, request.entity_kind)
    given = {
        "from": request.from_,
        "to": request.to,
        "actor_id": request.actor_id,
        "entity_kind": request.entity_kind,
    }
    return {"report": "audit-log", **{k: v for k, v in given.items() if v is not None}}


def request_export(principal: Principal, request: ExportRequest) -> ExportJob:
    filters = _filters(principal, request)
    export_id = new_id()
    item = jobs.new_job(
        principal.org_id, export_id, request.report, filters, principal.user_id, clock.now()
    )
    jobs.create(item)
    jobs.enqueue(principal.org_id, export_id, 0)
    return view(item)


def get_export(principal: Principal, export_id: str) -> ExportJob:
    # The org is part of the key: another org's job is simply not there.
    job = jobs.get(principal.org_id, export_id) if is_id(export_id) else None
    if job is None:
        raise NotFound("Report export not found.")
    if job["requested_by"] != principal.user_id:
        if job["report"] not in ADMIN_REPORTS:
            raise NotFound("Report export not found.")
        principal.require_admin()
    return view(job)


def view(job: Item) -> ExportJob:
    file = None
    if job["status"] == "done":
        key = jobs.object_key(job["org_id"], job["id"], job["report"])
        file = ExportFile(
            url=storage.download_url(key),
            expires_in=storage.DOWNLOAD_SECONDS,
            rows=int(job.get("rows") or 0),
            bytes=int(job.get("bytes") or 0),
        )
    return ExportJob(
        id=job["id"],
        report=job["report"],
        status=job["status"],
        requested_at=job["requested_at"],
        requested_by=job["requested_by"],
        finished_at=job.get("finished_at"),
        rows_written=int(job.get("rows") or 0),
        file=file,
        error=job.get("error"),
    )
