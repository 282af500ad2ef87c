"""What a client sends to ask for an export and what it reads back about the job."""

from datetime import date
from typing import Literal

from pydantic import Field

from momentum.core.models import Strict, View

ExportStatus = Literal["queued", "running", "done", "failed"]


class OneOnOnesExport(Strict):
    """The 1:1 report (GET /v1/reports/one-on-ones) with the same filters."""

    report: Literal["one-on-ones"]
    from_date: date = Field(alias="from")
    to_date: date = Field(alias="to")
    group_id: str | None = Field(default=None, max_length=64)


class AuditLogExport(Strict):
    """The audit log (GET /v1/audit-log) between two instants, with the same filters."""

    report: Literal["audit-log"]
    from_: str | None = Field(default=None, alias="from", max_length=40)
    to: str | None = Field(default=None, max_length=40)
    actor_id: str | None = Field(default=None, max_length=64)
    entity_kind: str | None = Field(default=None, max_length=40, pattern=r"^[a-z_]+$")


# A plain union: each member's `report` literal tells them apart (the document's schema
# renaming would leave a discriminator mapping pointing at the old names).
class EngagementsExport(Strict):
    """The engagements report (GET /v1/reports/engagements) with the same filters, as the
    asker may see it; only the asker may read this job."""

    report: Literal["engagements"]
    progress: Literal["on_track", "off_track", "not_tracking"] | None = None
    off_track_from: date | None = None
    off_track_to: date | None = None


ExportCreate = OneOnOnesExport | EngagementsExport | AuditLogExport
ExportRequest = OneOnOnesExport | EngagementsExport | AuditLogExport
ReportKind = Literal["one-on-ones", "engagements", "audit-log"]


class ExportFile(View):
    url: str = Field(description="A presigned HTTPS GET of the CSV file, valid for `expires_in`")
    expires_in: int = Field(description="Seconds the URL stays valid")
    rows: int = Field(description="Data rows in the file (the header row not counted)")
    bytes: int


class ExportJob(View):
    id: str
    report: ReportKind
    status: ExportStatus
    requested_at: str
    requested_by: str
    finished_at: str | None = None
    rows_written: int = 0
    file: ExportFile | None = Field(
        default=None, description="Once `status` is done: where to download the CSV"
    )
    error: str | None = None
