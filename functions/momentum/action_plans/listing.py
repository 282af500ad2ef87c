"""GET /v1/action-plans: the plans the caller may see, newest first.

With `owner_id`: that owner's plans, for whoever may see them all (SPEC §2: the owner's
team, their manager chain, admins). Without `owner_id` that is three disjoint sources,
each one Query on an index: plans the caller owns, plans of the caller's manager (the
team the caller belongs to) and plans assigned to the caller by anyone else. They are
merged by id (creation order) and the cursor carries each source's own position, so
paging never repeats or skips a plan.
"""

from __future__ import annotations

from typing import Any

from momentum.action_plans import repository, views
from momentum.action_plans.models import ActionPlan
from momentum.core import cursors
from momentum.core.ids import is_id
from momentum.frame import org as org_cache
from momentum.frame.principal import Principal
from momentum.identity import service as identity
from momentum.store.codec import Item
from momentum.store.schema import GSI_BY_LOOKUP, GSI_BY_OWNER, Index

END = "end"


def _sources(principal: Principal, owner_id: str | None) -> dict[str, tuple[dict[str, str], Index]]:
    """source name -> (query arguments, index)."""
    if owner_id is not None:
        return (
            {"owner": ({"owner_id": owner_id}, GSI_BY_OWNER)}
            if _sees_plans_of(principal, owner_id)
            else {}
        )
    sources = {
        "owned": ({"owner_id": principal.user_id}, GSI_BY_OWNER),
        "assigned": ({"assignee_id": principal.user_id}, GSI_BY_LOOKUP),
    }
    if principal.manager_id:
        sources["team"] = ({"owner_id": principal.manager_id}, GSI_BY_OWNER)
    return sources


def _sees_plans_of(principal: Principal, owner_id: str) -> bool:
    """Every plan an owner makes is seen by admins, the owner, their team and their whole
    manager chain (read from the owner's user item, so a reorganisation counts at once)."""
    if principal.is_admin or owner_id in (principal.user_id, principal.manager_id):
        return True
    owner = identity.user_item(principal.org_id, owner_id) or {}
    return principal.user_id in (owner.get("manager_chain") or [])


def list_plans(
    principal: Principal, owner_id: str | None, limit: int, cursor: str | None
) -> tuple[list[ActionPlan], str | None]:
    org_cache.require_module(principal, "action_plans")
    if owner_id is not None and not is_id(owner_id):
        return [], None
    scope = f"action-plans:{principal.org_id}:{principal.user_id}:{owner_id or ''}"
    positions: dict[str, Any] = cursors.decode(cursor, scope=scope) or {}
    read: dict[str, tuple[list[Item], bool]] = {}
    sources = _sources(principal, owner_id)
    for name, (arguments, _) in sources.items():
        if positions.get(name) == END:
            continue
        page = repository.plans_by(
            principal.org_id, **arguments, limit=limit, start_key=positions.get(name)
        )
        items = page.items
        if name == "assigned":  # those come from the owned and team sources already
            mine = (principal.user_id, principal.manager_id)
            skipped = [i for i in items if i["owner_id"] in mine]
            items = [i for i in items if i["owner_id"] not in mine]
            if skipped and not items and page.last_key:
                positions[name] = page.last_key  # nothing to show here: move past it
        read[name] = (items, page.last_key is None)
    merged = sorted(
        ((item, name) for name, (items, _) in read.items() for item in items),
        key=lambda pair: pair[0]["id"],
        reverse=True,
    )
    shown = merged[:limit]
    cutoff = shown[-1][0]["id"] if len(merged) > limit else ""
    index_of = {name: index for name, (_, index) in sources.items()}
    for name, (items, exhausted) in read.items():
        consumed = [i for i in items if i["id"] >= cutoff]
        if len(consumed) == len(items) and exhausted:
            positions[name] = END
        elif consumed:
            positions[name] = repository.position_of(consumed[-1], index_of[name])
    done = all(positions.get(name) == END for name in sources)
    plans = [item for item, _ in shown]
    goals = views.goals_of(principal.org_id, plans)
    next_cursor = None if done else cursors.encode(positions, scope=scope)
    return [views.view(plan, goals) for plan in plans], next_cursor
