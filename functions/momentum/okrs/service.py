"""OKR use cases: the only door other contexts and the routes use.

Reads are one round trip each (a goal, a page of check-ins, a page of goals, a search).
Writes live in `changes` (one transaction per change, whatever the alignment depth).
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from momentum.core import clock
from momentum.core.ids import is_id
from momentum.core.problems import Conflict, Invalid, NotFound, field_error
from momentum.core.text import words
from momentum.frame.principal import Principal
from momentum.okrs import changes, checkins, cycles, repository, rollup, rollup_items, rules, views
from momentum.okrs.access import (
    may_view,
    require_okrs,
    visible_goal,
)
from momentum.okrs.models import (
    CheckIn,
    CheckInCreate,
    Goal,
    GoalCreate,
    GoalDetail,
    GoalPatch,
    GoalSearch,
    Links,
)
from momentum.store.codec import Item

SEARCH_GROUP = 20  # goals answered per group


# --- goals ------------------------------------------------------------------------------


def create_goal(principal: Principal, request: GoalCreate) -> GoalDetail:
    return views.detail(principal, changes.create_goal(principal, request))


def get_goal(principal: Principal, goal_id: str) -> GoalDetail:
    """One Query: the goal and its children's entries (see keys)."""
    require_okrs(principal)
    item, entries = (
        rollup_items.goal_and_entries(principal.org_id, goal_id) if is_id(goal_id) else (None, {})
    )
    if item is None or not may_view(principal, item):
        raise NotFound("Goal not found.")
    return views.detail(principal, item, entries)


def patch_goal(principal: Principal, goal_id: str, patch: GoalPatch) -> GoalDetail:
    return views.detail(principal, changes.patch_goal(principal, goal_id, patch))


def delete_goal(principal: Principal, goal_id: str) -> None:
    changes.delete_goal(principal, goal_id)


def list_goals(
    principal: Principal,
    *,
    owner_id: str | None,
    parent_id: str | None,
    status: str | None,
    cycle_id: str | None = None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Goal], str | None]:
    """Goals of an owner, or aligned under a parent; with neither, the top-level goals.
    Only goals of the current cycles (`cycle_id`: one cycle, or "all") the caller may
    view are answered (a page may hold fewer than `limit`)."""
    require_okrs(principal)
    chosen = _cycles_asked(principal, cycle_id)
    if chosen == []:
        return [], None
    if (owner_id is not None and not is_id(owner_id)) or (
        parent_id is not None and not is_id(parent_id)
    ):
        return [], None
    items, next_cursor = repository.goals_page(
        principal.org_id,
        owner_id=owner_id,
        parent_id=parent_id,
        status=status,
        cycle_ids=chosen,
        limit=limit,
        cursor=cursor,
    )
    shown = [item for item in items if may_view(principal, item)]
    return [views.listed(principal.org_id, item) for item in shown], next_cursor


def _cycles_asked(principal: Principal, cycle_id: str | None) -> list[str] | None:
    """The cycles a list or search covers: the current ones by default (the quarter and
    the year containing today), one by id, or every cycle ("all": None)."""
    if cycle_id == "all":
        return None
    if cycle_id is None:
        return cycles.current_cycle_ids(principal)
    return [cycle_id] if is_id(cycle_id) else []


# --- check-ins ----------------------------------------------------------------------------


def check_in(principal: Principal, goal_id: str, request: CheckInCreate) -> CheckIn:
    return views.checkin(checkins.check_in(principal, goal_id, request))


def list_checkins(
    principal: Principal, goal_id: str, limit: int, cursor: str | None
) -> tuple[list[CheckIn], str | None]:
    require_okrs(principal)
    visible_goal(principal, goal_id)
    items, next_cursor = repository.checkins_page(principal.org_id, goal_id, limit, cursor)
    return [views.checkin(item) for item in items], next_cursor


# --- type-ahead -----------------------------------------------------------------------------


def search(
    principal: Principal,
    q: str,
    on: date | None,
    kind: str | None,
    cycle_id: str | None = None,
) -> GoalSearch:
    """Word-prefix match on title or owner name: one Query per group, on index entries
    that already are the group's candidates (see keys), so no match is lost to a page
    limit however many goals the org has.

    `mine`: the caller's own goals. `public`: others' public goals, not closed, whose
    period overlaps [on, on + 1 year]. `kind` None means objectives (the picker's use),
    "any" every kind. Each hit says whether the caller may align a goal under it.
    Without `on`, hits are goals of the current cycles (`cycle_id` chooses, "all" for
    every one); with `on` (a plan's date) the date window decides, whatever the cycle."""
    require_okrs(principal)
    typed = words(q)
    if not typed:
        return GoalSearch(mine=[], public=[])
    chosen = _cycles_asked(principal, cycle_id or ("all" if on else None))
    if chosen == []:
        return GoalSearch(mine=[], public=[])
    day = on or clock.local_date(clock.now(), principal.time_zone)
    window = (day.isoformat(), rules.one_year_after(day).isoformat())
    wanted_kind = None if kind == "any" else (kind or "objective")
    groups = {
        group: [
            views.hit(token, rules.can_contribute(principal.user_id, principal.is_admin, token))
            for token in _matching_tokens(principal, group, typed, wanted_kind, window, chosen)
        ]
        for group in ("mine", "public")
    }
    return GoalSearch(**groups)


def _matching_tokens(
    principal: Principal,
    group: str,
    typed: list[str],
    kind: str | None,
    window: tuple[str, str],
    cycle_ids: list[str] | None,
) -> list[Item]:
    """The group's first SEARCH_GROUP goals matching every typed word. The Query is on the
    longest word; further pages are read only while other typed words rule hits out."""
    found: dict[str, Item] = {}
    start: dict[str, Any] | None = None
    while True:
        page = repository.search_page(
            principal.org_id,
            group,
            max(typed, key=len),
            caller_id=principal.user_id,
            kind=kind,
            window=window,
            cycle_ids=cycle_ids,
            start_key=start,
        )
        for token in page.items:
            if rules.matches(typed, token.get("words") or []):
                found.setdefault(token["goal_id"], token)
                if len(found) == SEARCH_GROUP:
                    return list(found.values())
        if page.last_key is None:
            return list(found.values())
        start = page.last_key


# --- for other contexts ---------------------------------------------------------------------


def can_view_activity(principal: Principal, entity_id: str) -> bool:
    """Activity of a goal is shown to whoever may view it (a deleted goal's: admins); a
    cycle's, to everyone of the org (cycles are org-wide)."""
    goal = repository.goal(principal.org_id, entity_id) if is_id(entity_id) else None
    if goal is not None:
        return may_view(principal, goal)
    return cycles.cycle_by_id(principal.org_id, entity_id) is not None or principal.is_admin


ROLLED_UP_UNSEEN = "rolled up from a goal you cannot see"


def activity_seen_by(principal: Principal, entity_id: str, entries: list[Item]) -> list[Item]:
    """A roll-up entry names the goal that changed; a reader who may not view that goal
    (a private key result under a public objective) reads it without the title."""
    if principal.is_admin:  # admins see every goal, also deleted ones
        return entries
    named = {
        e["subject_id"] for e in entries if e.get("action") == "rolled_up" and e.get("subject_id")
    }
    subjects = goal_items(principal.org_id, sorted(named)) if named else {}
    seen = []
    for entry in entries:
        if entry.get("action") == "rolled_up":
            subject = subjects.get(entry.get("subject_id") or "")
            if subject is None or not may_view(principal, subject):
                entry = {**entry, "summary": ROLLED_UP_UNSEEN}
        seen.append(entry)
    return seen


def goal_item(org_id: str, goal_id: str) -> Item | None:
    """A goal's stored item, or None (other contexts show a link as broken)."""
    return repository.goal(org_id, goal_id) if is_id(goal_id) else None


def goal_items(org_id: str, goal_ids: list[str]) -> dict[str, Item]:
    """Goals by id in one round trip (up to 100); missing ones are left out."""
    return repository.goals(org_id, [g for g in goal_ids if is_id(g)])


def goal_links(goal_id: str) -> Links:
    return views.links(goal_id)


def objective_to_contribute(principal: Principal, goal_id: str) -> Item:
    """An objective the caller may add a key result under (any they may view, SPEC §1):
    404 if they may not view it, 422 if it is a key result, 409 if it is closed."""
    require_okrs(principal)
    goal = visible_goal(principal, goal_id)
    if goal["kind"] != "objective":
        raise Invalid(
            "Key results align under objectives only.",
            errors=[field_error("okr.objective_id", "not an objective")],
        )
    if goal.get("closed"):
        raise Conflict("That objective is closed; reopen it to add key results to it.")
    return goal


def create_goal_with(
    principal: Principal, request: GoalCreate, *, also: changes.AlsoWrite, summary: str
) -> Item:
    """Create a goal and, in the same transaction, another context's writes (`also`)."""
    return changes.create_goal(principal, request, also=also, summary=summary)


def owner_renamed(org_id: str, user_id: str, new_name: str) -> int:
    """Identity calls this when a user's name changes: their goals' type-ahead tokens and
    the name shown on the goals follow. Returns how many goals were rewritten."""
    return _rewrite_owned(org_id, user_id, {"owner_name": new_name})


def owner_reorganised(org_id: str, user_id: str, manager_chain: list[str]) -> int:
    """Identity calls this when a user's manager chain changes: who may view and edit
    their private goals follows the new chain."""
    return _rewrite_owned(org_id, user_id, {"owner_chain": list(manager_chain)})


def _rewrite_owned(org_id: str, user_id: str, fields: Item) -> int:
    rewritten = 0
    for goal in repository.goals_of_owner(org_id, user_id):
        for _ in range(changes.RETRIES):
            try:
                _rewrite_one(org_id, goal, fields)
                rewritten += 1
                break
            except Conflict:
                goal = repository.goal(org_id, goal["id"]) or goal
    return rewritten


def _rewrite_one(org_id: str, before: Item, fields: Item) -> None:
    if all(before.get(k) == v for k, v in fields.items()):
        return
    after = {**copy.deepcopy(before), **fields}
    # the parent's entry for this goal decides who sees its title in explanations
    climbs = rules.shown_upward(before, after)
    if climbs:
        rollup.bumped(before, after)
    repository.write(
        [repository.update_goal_op(before, after), *repository.token_ops(org_id, before, after)]
    )
    if climbs:
        rollup.settle(org_id, after, clock.now())
