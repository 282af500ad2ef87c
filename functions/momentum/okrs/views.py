"""Stored OKR items as the API answers them."""

from __future__ import annotations

from momentum.core.config import settings
from momentum.frame.principal import Principal
from momentum.okrs import rollup_items, rules
from momentum.okrs.models import (
    CheckIn,
    ExplainedChild,
    Explanation,
    Goal,
    GoalDetail,
    GoalHit,
    Links,
    Metric,
)
from momentum.store.codec import Item


def links(goal_id: str) -> Links:
    app_url = settings().app_url
    return Links(web=f"{app_url}/goals/{goal_id}", login=f"{app_url}/login?next=/goals/{goal_id}")


LISTED_CHILDREN = 100  # children ids a list answers per goal (`child_count` says how many)


def goal(item: Item, children_ids: list[str]) -> Goal:
    metric = item["metric"]
    return Goal(
        id=item["id"],
        kind=item["kind"],
        title=item["title"],
        description=item.get("description", ""),
        owner_id=item["owner_id"],
        owner_name=item.get("owner_name"),
        parent_id=item.get("parent_id"),
        visibility=item["visibility"],
        start_date=item["start_date"],
        due_date=item["due_date"],
        weight=item["weight"],
        progress_mode=item["progress_mode"],
        metric=Metric(
            type=metric["type"],
            start=metric["start"],
            target=metric["target"],
            current=metric["current"],
            unit=metric.get("unit"),
        ),
        progress=item["progress"],
        status=item["status"],
        closed=bool(item.get("closed")),
        cycle_id=item.get("cycle_id"),
        cycle_closed=bool(item.get("cycle_closed")),
        confidence=item.get("confidence"),
        final_score=item.get("final_score"),
        carried_from=item.get("carried_from"),
        carried_to=item.get("carried_to"),
        children_ids=sorted(children_ids),
        child_count=rules.child_count(item),
        links=links(item["id"]),
        version=item["version"],
        created_at=item["created_at"],
        updated_at=item["updated_at"],
    )


def listed(org_id: str, item: Item) -> Goal:
    """A goal as a list shows it: its first children's ids (one Query, if it has any)."""
    has_children = rules.child_count(item) > 0
    ids = rollup_items.first_child_ids(org_id, item["id"], LISTED_CHILDREN) if has_children else []
    return goal(item, ids)


def visible_children(principal: Principal, entries: dict[str, Item]) -> list[str]:
    return [
        child_id
        for child_id, child in entries.items()
        if rules.can_view(principal.user_id, principal.is_admin, child)
    ]


def detail(principal: Principal, item: Item, entries: dict[str, Item] | None = None) -> GoalDetail:
    """The goal with every child's entry (read here unless the caller read them already)."""
    if entries is None:
        entries = (
            rollup_items.child_entries(item["org_id"], item["id"])
            if rules.child_count(item)
            else {}
        )
    explained = Explanation.model_validate(
        rules.explanation(item, entries, visible_children(principal, entries))
    )
    return GoalDetail(
        **goal(item, list(entries)).model_dump(),
        children=[ExplainedChild.model_validate(c) for c in explained.children],
        explanation=explained,
    )


def checkin(item: Item) -> CheckIn:
    return CheckIn.model_validate({k: item.get(k) for k in CheckIn.model_fields})


def hit(token: Item, can_contribute: bool) -> GoalHit:
    return GoalHit(
        id=token["goal_id"],
        kind=token["kind"],
        title=token["title"],
        owner_id=token["owner_id"],
        owner_name=token.get("owner_name") or "",
        visibility=token["visibility"],
        start_date=token["start_date"],
        due_date=token["due_date"],
        closed=bool(token.get("closed")),
        links=links(token["goal_id"]),
        can_contribute=can_contribute,
    )
