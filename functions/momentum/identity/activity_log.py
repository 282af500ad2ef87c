"""Reading the activity log: `GET /v1/activity?entity_id=`.

An entry is shown only to whoever may view its entity. Identity decides for its own
kinds; every other kind is a question (`ActivityAccess`) its context answers through
the domain events (momentum.wiring imports that context only when such an entry is
asked for, which keeps this function's cold start small); a kind nobody answers for is
not shown. Some entries say more than every reader of the entity may know (an
engagement's progress, a private goal's title in its parent's roll-up): those contexts
answer `ActivityShown` by dropping or redacting them per reader, so a page may hold
fewer entries than its limit.
"""

from __future__ import annotations

from momentum.core.domain_events import ActivityAccess, ActivityShown, ask
from momentum.core.ids import is_id
from momentum.core.problems import NotFound
from momentum.frame.principal import Principal
from momentum.identity.org_models import ActivityEntry
from momentum.store import table
from momentum.store.keys import activity_partition


def _may_view(principal: Principal, kind: str, entity_id: str) -> bool:
    if kind == "user":
        return principal.is_admin or principal.user_id == entity_id
    if kind in ("org", "company", "location"):
        return principal.is_admin
    answers = ask(ActivityAccess(principal.org_id, principal, kind, entity_id))
    return bool(answers) and all(answers)


def entries(
    principal: Principal, entity_id: str, limit: int, cursor: str | None
) -> tuple[list[ActivityEntry], str | None]:
    if not is_id(entity_id):
        raise NotFound("No activity for this entity.")
    items, next_cursor = table.page(
        activity_partition(principal.org_id, entity_id),
        scope=f"activity:{principal.org_id}:{entity_id}",
        cursor=cursor,
        limit=limit,
        newest_first=True,
    )
    kind = items[0]["entity_kind"] if items else None
    if kind is not None and not _may_view(principal, kind, entity_id):
        raise NotFound("No activity for this entity.")
    if kind is not None:
        for shown in ask(ActivityShown(principal.org_id, principal, kind, entity_id, items)):
            items = shown  # one context answers for a kind
    return [ActivityEntry.model_validate(item) for item in items], next_cursor
