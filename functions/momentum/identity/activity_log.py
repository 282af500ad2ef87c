"""Reading the activity log: `GET /v1/activity?entity_id=`.

An entry is shown only to whoever may view its entity. Identity decides for its own
kinds; every other kind is decided by its context's `can_view_activity(principal,
entity_id)`, imported only when such an entry is asked for (it keeps this function's
cold start small). Some entries say more than every reader of the entity may know (an
engagement's progress, a private goal's title in its parent's roll-up): those contexts
drop or redact them per reader, so a page may hold fewer entries than its limit.
"""

from __future__ import annotations

import importlib

from momentum.core import cursors
from momentum.core.ids import is_id
from momentum.core.problems import NotFound
from momentum.frame.principal import Principal
from momentum.identity.models import ActivityEntry
from momentum.store import table
from momentum.store.keys import activity_partition

# entity kind -> the context service that knows who may view such an entity
CONTEXT_OF_KIND = {
    "goal": "momentum.okrs.service",
    "cycle": "momentum.okrs.service",
    "action_plan": "momentum.action_plans.service",
    "series": "momentum.one_on_ones.service",
    "meeting": "momentum.one_on_ones.service",
    "engagement": "momentum.coaching.service",
    "engagement_template": "momentum.coaching.service",
    "account": "momentum.accounts.service",
    "plan_template": "momentum.accounts.service",
    "calendar_connection": "momentum.calendar.service",
    "scim_token": "momentum.scim.service",
    "directory_group": "momentum.scim.service",
    "webhook_subscription": "momentum.webhooks_out.service",
}
# Kinds whose entries hold what only some readers of the entity may see: their context's
# `activity_seen_by(principal, entity_id, items)` drops or redacts entries per reader.
SHOWN_PER_READER = frozenset({"goal", "engagement"})


def _may_view(principal: Principal, kind: str, entity_id: str) -> bool:
    if kind == "user":
        return principal.is_admin or principal.user_id == entity_id
    if kind in ("org", "company", "location"):
        return principal.is_admin
    module_name = CONTEXT_OF_KIND.get(kind)
    if module_name is None:
        return False
    module = importlib.import_module(module_name)
    return bool(module.can_view_activity(principal, entity_id))


def entries(
    principal: Principal, entity_id: str, limit: int, cursor: str | None
) -> tuple[list[ActivityEntry], str | None]:
    if not is_id(entity_id):
        raise NotFound("No activity for this entity.")
    scope = f"activity:{principal.org_id}:{entity_id}"
    page = table.query(
        activity_partition(principal.org_id, entity_id),
        newest_first=True,
        limit=limit,
        start_key=cursors.decode(cursor, scope=scope),
    )
    kind = page.items[0]["entity_kind"] if page.items else None
    if kind is not None and not _may_view(principal, kind, entity_id):
        raise NotFound("No activity for this entity.")
    items = page.items
    if kind in SHOWN_PER_READER:
        module = importlib.import_module(CONTEXT_OF_KIND[kind])
        items = module.activity_seen_by(principal, entity_id, items)
    return (
        [ActivityEntry.model_validate(item) for item in items],
        cursors.encode(page.last_key, scope=scope),
    )
