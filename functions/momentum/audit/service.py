"""Reading the org's activity by time range, actor and entity kind.

Entries live in the audit index under one partition per org and UTC month (see
store/activity.record). A page is exactly one Query on one month's partition, newest
first; when a month runs out the cursor moves to the month before, so a page may be
short (or empty at a quiet month) but never costs a second round trip.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from momentum.core import clock, cursors
from momentum.core.problems import BadRequest
from momentum.frame.principal import Principal
from momentum.store import table
from momentum.store.codec import Item
from momentum.store.keys import audit_partition
from momentum.store.schema import GSI_AUDIT

MAX_RANGE = timedelta(days=366)
DEFAULT_RANGE = timedelta(days=30)


class AuditQuery(msgspec.Struct, frozen=True):
    start: datetime  # inclusive
    end: datetime  # inclusive
    actor_id: str | None = None
    entity_kind: str | None = None

    def scope(self, org_id: str) -> str:
        return (
            f"audit:{org_id}:{clock.key_instant(self.start)}:{clock.key_instant(self.end)}:"
            f"{self.actor_id or ''}:{self.entity_kind or ''}"
        )


def audit_query(
    start: str | None, end: str | None, actor_id: str | None, entity_kind: str | None
) -> AuditQuery:
    """The range asked for: `to` defaults to now, `from` to 30 days before `to`."""
    try:
        high = clock.parse_instant(end) if end else clock.now()
        low = clock.parse_instant(start) if start else high - DEFAULT_RANGE
    except ValueError as error:
        raise BadRequest(f"`from` and `to` must be ISO 8601 instants: {error}.") from error
    if low > high:
        raise BadRequest("`from` must not be after `to`.")
    if high - low > MAX_RANGE:
        raise BadRequest("The range may span at most 366 days; export it in parts.")
    return AuditQuery(low, high, actor_id, entity_kind)


def _month(moment: datetime) -> str:
    return clock.key_instant(moment)[:7]


def _month_before(month: str) -> str:
    first = datetime.strptime(month + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
    return _month(first - timedelta(days=1))


def first_position(query: AuditQuery) -> dict[str, Any]:
    """Where reading starts: the newest month of the range."""
    return {"month": _month(query.end)}


def page(
    principal: Principal, query: AuditQuery, limit: int, cursor: str | None
) -> tuple[list[Item], str | None]:
    """One page of entries, newest first, and the cursor to the next one."""
    principal.require_admin()
    scope = query.scope(principal.org_id)
    position = cursors.decode(cursor, scope=scope) or first_position(query)
    items, following = page_at(principal.org_id, query, limit, position)
    return items, cursors.encode(following, scope=scope)


def page_at(
    org_id: str, query: AuditQuery, limit: int, position: dict[str, Any]
) -> tuple[list[Item], dict[str, Any] | None]:
    """One Query from `position` (month and start key), and the position after it (None
    at the end). Exports follow the same positions as the signed cursors of `page`."""
    month = str(position.get("month", ""))
    if not (_month(query.start) <= month <= _month(query.end)):
        raise BadRequest("The cursor is not valid for this list.")
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    conditions: list[str] = []
    if query.actor_id:
        conditions.append("#actor = :actor")
        names["#actor"], values[":actor"] = "actor_id", query.actor_id
    if query.entity_kind:
        conditions.append("#kind = :kind")
        names["#kind"], values[":kind"] = "entity_kind", query.entity_kind
    found = table.query(
        audit_partition(org_id, month),
        index=GSI_AUDIT,
        # "~" sorts after every entry id, so entries at exactly `end` are included.
        sk_between=(clock.key_instant(query.start), clock.key_instant(query.end) + "~"),
        newest_first=True,
        limit=limit,
        start_key=position.get("key"),
        filter_expression=" AND ".join(conditions) or None,
        filter_values=values,
        filter_names=names,
    )
    if found.last_key:
        following: dict[str, Any] | None = {"month": month, "key": found.last_key}
    elif month > _month(query.start):
        following = {"month": _month_before(month)}
    else:
        following = None
    return found.items, following
