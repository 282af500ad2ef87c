"""OKR cycles: the org's list (one Query, cached per container like the org item), custom
cycles, the default fiscal quarters (generated on first need for the fiscal year of the
day asked about) and the cycle a new goal belongs to.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.problems import Conflict, Forbidden, Invalid, NotFound, Problem, field_error
from momentum.frame import org as org_cache
from momentum.frame.principal import Principal
from momentum.okrs import cycle_rules, keys
from momentum.okrs.access import require_okrs
from momentum.okrs.cycle_models import Cycle, CycleCreate
from momentum.store import activity, table, transactions
from momentum.store.codec import Item

CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, list[Item]]] = {}


# --- the org's cycles ---------------------------------------------------------------------


def stored(org_id: str) -> list[Item]:
    """Every cycle of the org, from the container's cache when fresh (one Query otherwise)."""
    now = clock.monotonic()
    hit = _cache.get(org_id)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    items = table.query_all(keys.cycles_partition(org_id), sk_prefix=keys.CYCLE_PREFIX)
    _cache[org_id] = (now, items)
    return items


def forget(org_id: str) -> None:
    _cache.pop(org_id, None)


def fiscal_year_start_month(org_id: str) -> int:
    return int(org_cache.org_item(org_id).get("fiscal_year_start_month") or 1)


def covering(org_id: str, day: str) -> list[Item]:
    """The org's cycles, with the default fiscal year of `day` generated if no cycle
    covers that day yet (quarters by default, SPEC §7)."""
    cycles = stored(org_id)
    if cycle_rules.covers(cycles, day) or not cycle_rules.generated_years_hold(
        date.fromisoformat(day)
    ):
        return cycles
    _generate_year(org_id, date.fromisoformat(day), cycles)
    forget(org_id)
    return stored(org_id)


def _already_generated() -> Problem:
    return Conflict("These cycles were generated at the same time.")


def _generate_year(org_id: str, day: date, cycles: list[Item]) -> None:
    month = fiscal_year_start_month(org_id)
    year_start = cycle_rules.fiscal_year_start(day, month).isoformat()
    now = clock.now()
    new: list[Item] = []
    for shape in cycle_rules.fiscal_year(day, month):
        # a custom cycle already there wins; a default one never overlaps it partly
        if cycle_rules.nesting_conflict([*cycles, *new], shape["start_date"], shape["end_date"]):
            continue
        new.append(_cycle_item(org_id, shape, None, now))
    if not new:
        return
    try:
        transactions.write(
            [
                transactions.put_new(
                    {**keys.generated_year_key(org_id, year_start), "type": "cycle_marker"},
                    on_condition_failed=_already_generated,
                ),
                *[transactions.put_new(item) for item in new],
                *[
                    _cycle_activity(org_id, item, None, "cycle_created", now, "default quarters")
                    for item in new
                ],
            ]
        )
    except Conflict:
        return  # another request generated (or once generated) this fiscal year


def _cycle_item(org_id: str, shape: dict[str, Any], actor_id: str | None, now: Any) -> Item:
    cycle_id = new_id()
    return {
        **keys.cycle_key(org_id, cycle_id),
        "type": "cycle",
        "org_id": org_id,
        "id": cycle_id,
        **shape,
        "state": "open",
        "version": 1,
        "created_by": actor_id,
        "created_at": clock.api_instant(now),
    }


def _cycle_activity(
    org_id: str,
    cycle: Item,
    actor_id: str | None,
    action: str,
    now: Any,
    summary: str | None = None,
) -> transactions.Op:
    return activity.record(
        org_id=org_id,
        entity_id=cycle["id"],
        entity_kind="cycle",
        actor_id=actor_id,
        action=action,
        at=now,
        changes={
            k: {"before": None, "after": cycle.get(k)}
            for k in ("name", "kind", "start_date", "end_date")
        }
        if action == "cycle_created"
        else {"state": {"before": "open", "after": "closed"}},
        summary=summary,
    )


def today(principal: Principal) -> str:
    return clock.local_date(clock.now(), principal.time_zone).isoformat()


def view(cycle: Item, day: str) -> Cycle:
    return Cycle(
        id=cycle["id"],
        name=cycle["name"],
        kind=cycle["kind"],
        start_date=cycle["start_date"],
        end_date=cycle["end_date"],
        state=cycle.get("state", "open"),
        current=cycle["start_date"] <= day <= cycle["end_date"],
        closed_at=cycle.get("closed_at"),
        closed_by=cycle.get("closed_by"),
        created_at=cycle["created_at"],
    )


def list_cycles(principal: Principal, *, current_only: bool) -> list[Cycle]:
    """All cycles by start date (a year before its quarters), or only those containing
    today, innermost first."""
    require_okrs(principal)
    day = today(principal)
    cycles = covering(principal.org_id, day)
    chosen = (
        cycle_rules.current(cycles, day)
        if current_only
        else sorted(cycles, key=lambda c: (c["start_date"], -cycle_rules.length_days(c)))
    )
    return [view(c, day) for c in chosen]


def create_cycle(principal: Principal, request: CycleCreate) -> Cycle:
    require_okrs(principal)
    principal.require_admin()
    start, end = request.start_date.isoformat(), request.end_date.isoformat()
    if end < start:
        raise Invalid(
            "A cycle cannot end before it starts.",
            errors=[field_error("end_date", "before start_date")],
        )
    forget(principal.org_id)  # nesting is checked against what is stored now
    cycle_rules.check_nesting(stored(principal.org_id), start, end)
    now = clock.now()
    item = _cycle_item(
        principal.org_id,
        {"name": request.name, "kind": request.kind, "start_date": start, "end_date": end},
        principal.user_id,
        now,
    )
    transactions.write(
        [
            transactions.put_new(item),
            _cycle_activity(principal.org_id, item, principal.user_id, "cycle_created", now),
        ]
    )
    forget(principal.org_id)
    return view(item, today(principal))


def cycle_by_id(org_id: str, cycle_id: str) -> Item | None:
    if not is_id(cycle_id):
        return None
    return next((c for c in stored(org_id) if c["id"] == cycle_id), None) or _fresh(
        org_id, cycle_id
    )


def _fresh(org_id: str, cycle_id: str) -> Item | None:
    item = table.get(keys.cycle_key(org_id, cycle_id), consistent=True)
    if item is not None:
        forget(org_id)
    return item


# --- goals in cycles ------------------------------------------------------------------------


def cycle_of_new_goal(
    principal: Principal, cycle_id: str | None, start: str | None, due: str | None
) -> Item:
    """The cycle a goal being created belongs to: the one named, else the open cycle of
    its dates, else the current one (innermost open cycle containing today)."""
    org_id = principal.org_id
    if cycle_id is not None:
        cycle = cycle_by_id(org_id, cycle_id)
        if cycle is None:
            raise Invalid("No such cycle.", errors=[field_error("cycle_id", "unknown cycle")])
        require_open(principal, cycle)
        return cycle
    first = start or due or today(principal)
    last = due or first
    found = cycle_rules.for_period(covering(org_id, first), first, last)
    if found is None:  # every cycle of its start is closed: the cycle of its due date
        found = cycle_rules.for_period(covering(org_id, last), last, last)
    if found is None and cycle_rules.covers(stored(org_id), first):
        raise Conflict(
            "The cycle of these dates is closed; choose an open cycle (cycle_id) or other dates."
        )
    if found is None:
        raise Invalid(
            "No cycle holds these dates; create one or choose a cycle_id.",
            errors=[field_error("start_date" if start else "due_date", "outside every cycle")],
        )
    return found


def require_open(principal: Principal, cycle: Item) -> None:
    """A closed cycle is read-only except for admins."""
    if cycle.get("state") == "closed" and not principal.is_admin:
        raise Forbidden(f"The cycle {cycle['name']} is closed; only admins may change its goals.")


def current_cycle_ids(principal: Principal) -> list[str]:
    day = today(principal)
    return [c["id"] for c in cycle_rules.current(covering(principal.org_id, day), day)]


def member_item(org_id: str, cycle_id: str, goal: Item) -> Item:
    return {
        **keys.cycle_goal_key(org_id, cycle_id, goal["id"]),
        "type": "cycle_goal",
        "goal_id": goal["id"],
    }


def membership_ops(org_id: str, before: Item | None, after: Item | None) -> list[transactions.Op]:
    """Keep the cycle's goal list (read when it closes) in step with the goal."""
    old = before.get("cycle_id") if before else None
    new = after.get("cycle_id") if after else None
    if old == new:
        return []
    ops: list[transactions.Op] = []
    if old and before is not None:
        ops.append(transactions.delete(keys.cycle_goal_key(org_id, old, before["id"])))
    if new and after is not None:
        ops.append(transactions.put(member_item(org_id, new, after)))
    return ops


def cycle_or_404(principal: Principal, cycle_id: str) -> Item:
    cycle = cycle_by_id(principal.org_id, cycle_id)
    if cycle is None:
        raise NotFound("Cycle not found.")
    return cycle
