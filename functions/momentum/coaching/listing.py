"""The engagements list and the engagements report, each row as its reader may see it.

Admins, location admins and coaches list the org's engagements (by_owner index); anyone
else lists the engagements they are the coachee of (by_lookup index). Progress filters
apply to the progress the caller sees, so a filter never reveals a hidden status.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from momentum.coaching import repository, rules, views
from momentum.coaching.models import Engagement, ProgressFilter, ReportRow
from momentum.coaching.service import require_coaching
from momentum.core import cursors
from momentum.frame.principal import Principal
from momentum.frame.report_bound import MAX_INLINE_ENGAGEMENTS, ExportInstead
from momentum.identity import service as identity
from momentum.store.codec import Item

REPORT_PAGE = 500  # engagements per index page the report reads
# A filtered page reads at most this many index pages before answering with a cursor.
MAX_PAGES_PER_ANSWER = 5
USERS_PER_BATCH = 100


def _coachee_scope(principal: Principal) -> str | None:
    """None: the caller browses the org's engagements; else only their own as coachee."""
    return None if principal.roles & rules.READER_ROLES else principal.user_id


def list_engagements(
    principal: Principal, progress: ProgressFilter | None, limit: int, cursor: str | None
) -> tuple[list[Engagement], str | None]:
    require_coaching(principal)
    viewer, coachee_id = views.viewer_of(principal), _coachee_scope(principal)
    scope = f"engagements:{principal.org_id}:{coachee_id or ''}:{progress or ''}"
    start = cursors.decode(cursor, scope=scope)
    found: list[Engagement] = []
    for _ in range(MAX_PAGES_PER_ANSWER):
        page = repository.engagements_page(principal.org_id, coachee_id, limit, start)
        for position, item in enumerate(page.items):
            if not rules.may_read(viewer, views.scope_of(item)):
                continue
            view = views.engagement_view(viewer, item)
            if progress is not None and view.progress.status != progress:
                continue
            found.append(view)
            if len(found) == limit:
                last = position == len(page.items) - 1 and not page.last_key
                after = None if last else repository.position_of(item, coachee_id)
                return found, cursors.encode(after, scope=scope)
        if not page.last_key:
            return found, None
        start = page.last_key
    return found, cursors.encode(start, scope=scope)


def _names(org_id: str, items: list[Item]) -> dict[str, str]:
    ids = list(
        dict.fromkeys(
            uid for item in items for uid in (item["coachee_id"], item.get("coach_id")) if uid
        )
    )
    names: dict[str, str] = {}
    for first in range(0, len(ids), USERS_PER_BATCH):
        users = identity.users_by_id(org_id, ids[first : first + USERS_PER_BATCH])
        names.update({uid: user.get("name", "") for uid, user in users.items()})
    return names


def report(
    principal: Principal,
    progress: ProgressFilter | None,
    off_track_from: date | None,
    off_track_to: date | None,
) -> list[ReportRow]:
    """Every engagement the caller may read, newest first, progress as they may see it;
    an off-track date range keeps the rows whose visible `off_track_since` falls in it.
    Past `bound.MAX_INLINE_ENGAGEMENTS` engagements read, the report is an export."""
    require_coaching(principal)
    items: list[Item] = []
    start: dict[str, Any] | None = None
    while True:
        page = repository.engagements_page(
            principal.org_id, _coachee_scope(principal), REPORT_PAGE, start
        )
        items += page.items
        if len(items) > MAX_INLINE_ENGAGEMENTS:
            filters = export_filters(progress, off_track_from, off_track_to)
            body = {"report": "engagements", **filters}
            raise ExportInstead("engagements", MAX_INLINE_ENGAGEMENTS, body)
        if not page.last_key:
            break
        start = page.last_key
    return report_rows(principal, items, progress, off_track_from, off_track_to)


def export_filters(
    progress: ProgressFilter | None, off_track_from: date | None, off_track_to: date | None
) -> dict[str, str]:
    given = {
        "progress": progress,
        "off_track_from": off_track_from.isoformat() if off_track_from else None,
        "off_track_to": off_track_to.isoformat() if off_track_to else None,
    }
    return {name: value for name, value in given.items() if value is not None}


def report_page(
    principal: Principal, start: dict[str, Any] | None
) -> tuple[list[Item], dict[str, Any] | None]:
    """One index page of the engagements the report reads (exports page through these)."""
    page = repository.engagements_page(
        principal.org_id, _coachee_scope(principal), REPORT_PAGE, start
    )
    return page.items, page.last_key


def report_rows(
    principal: Principal,
    items: list[Item],
    progress: ProgressFilter | None,
    off_track_from: date | None,
    off_track_to: date | None,
) -> list[ReportRow]:
    """The report's rows of these engagement items, as the caller may see them."""
    viewer = views.viewer_of(principal)
    items = [item for item in items if rules.may_read(viewer, views.scope_of(item))]
    names = _names(principal.org_id, items)
    rows = []
    for item in items:
        row = views.report_row(viewer, item, names)
        if progress is not None and row.progress != progress:
            continue
        if off_track_from is not None or off_track_to is not None:
            since = row.off_track_since
            if (
                since is None
                or (off_track_from and since < off_track_from)
                or (off_track_to and since > off_track_to)
            ):
                continue
        rows.append(row)
    return rows


def csv_row(row: ReportRow) -> list[object]:
    return [_cell(value) for value in row.model_dump(mode="json").values()]


def as_csv(rows: list[ReportRow]) -> str:
    """The report as CSV: one header row with the report's columns, dates as YYYY-MM-DD."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ReportRow.model_fields), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.model_dump(mode="json").items()})
    return out.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    # Names are typed by users: keep spreadsheets from reading them as formulas.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
