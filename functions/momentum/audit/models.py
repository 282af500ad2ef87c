"""Audit log API models."""

from momentum.core.models import View


class AuditEntry(View):
    id: str
    at: str
    actor_id: str | None = None
    action: str
    entity_kind: str
    entity_id: str
    summary: str | None = None
    changes: dict[str, dict[str, object]] = {}


class AuditPage(View):
    items: list[AuditEntry]
    next_cursor: str | None = None
