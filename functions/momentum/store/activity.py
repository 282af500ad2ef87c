"""The activity log: who changed what, when, with before/after of changed fields.

Entries are written by the same transaction as the change they describe (`record`
returns an Op), so a change and its entry exist together or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from momentum.core.clock import api_instant, key_instant
from momentum.core.ids import new_id
from momentum.store import transactions
from momentum.store.keys import activity_partition, audit_partition, due_attributes

# The outbox: every entry is due for the sweep that publishes it as an event, so a change
# and its event commit together (momentum.events.publish clears it once published).
PUBLISH_SWEEP = "events-publish"


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"before": old, "after": new}} for each field whose value differs."""
    return {
        name: {"before": before.get(name), "after": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    *,
    org_id: str,
    entity_id: str,
    entity_kind: str,
    actor_id: str | None,
    action: str,
    at: datetime,
    changes: dict[str, dict[str, Any]] | None = None,
    summary: str | None = None,
    subject_id: str | None = None,
) -> transactions.Op:
    entry_id = new_id()
    pk = activity_partition(org_id, entity_id)
    item = {
        "pk": pk,
        "sk": f"{key_instant(at)}#{entry_id}",
        "type": "activity",
        "id": entry_id,
        "entity_id": entity_id,
        "entity_kind": entity_kind,
        "actor_id": actor_id,  # None for automated changes (roll-up, sweeps)
        "action": action,
        "at": api_instant(at),
        "changes": changes or {},
        "summary": summary,
        # the other entity the summary names (a roll-up's changed goal), so a reader who
        # may not see that one gets the entry redacted
        "subject_id": subject_id,
        # The audit log's index: per org and month, so no partition grows without end.
        "audit_pk": audit_partition(org_id, key_instant(at)[:7]),
        "audit_sk": f"{key_instant(at)}#{entry_id}",
        **due_attributes(PUBLISH_SWEEP, at, f"{pk}#{entry_id}"),
    }
    return transactions.put({k: v for k, v in item.items() if v is not None})
