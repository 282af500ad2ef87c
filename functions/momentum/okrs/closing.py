"""Closing a cycle (POST /v1/cycles/{id}/close): every goal of it gets its final score,
chosen unfinished goals are carried into the next cycle, and the cycle turns read-only
(except for admins).

A cycle may hold more goals than one transaction can write, so closing is a sequence of
transactions that can be repeated until it finishes: each carried goal is one (the copy,
its tokens and roll-up, and the original scored and linked to it), the remaining goals
are scored in batches, and the cycle itself is marked closed last. A close that stopped
half way is finished by sending it again: scored goals and made copies are skipped.
"""

from __future__ import annotations

from datetime import date, timedelta

from momentum.core import clock
from momentum.core.problems import Conflict, Invalid, field_error
from momentum.frame.principal import Principal
from momentum.okrs import changes, cycle_rules, cycles, history, keys, repository
from momentum.okrs.access import require_okrs
from momentum.okrs.cycle_models import CycleClose, CycleClosed, ScoredGoal
from momentum.okrs.models import GoalCreate, MetricIn
from momentum.store import activity, table, transactions
from momentum.store.codec import Item

SCORE_BATCH = 45  # goals scored per transaction (two writes each: the goal, its entry)


def close_cycle(principal: Principal, cycle_id: str, request: CycleClose) -> CycleClosed:
    require_okrs(principal)
    principal.require_admin()
    org_id = principal.org_id
    cycles.cycle_or_404(principal, cycle_id)
    cycle = table.get(keys.cycle_key(org_id, cycle_id), consistent=True)
    if cycle is None or cycle.get("state") == "closed":
        raise Conflict("This cycle is already closed.")
    members = table.query_all(keys.cycle_goals_partition(org_id, cycle_id), consistent=True)
    goals = repository.goals(org_id, [m["goal_id"] for m in members])
    carry = list(dict.fromkeys(request.carry_over))
    target = _target(principal, cycle, request.into) if carry else None
    _check_carry(carry, goals)
    copies: dict[str, str] = {}
    for original in cycle_rules.carry_order([goals[g] for g in carry] if target else []):
        if original.get("carried_to") or target is None:
            copies[original["id"]] = original["carried_to"]
            continue
        copy = _carry(principal, original, target, goals, copies)
        copies[original["id"]] = copy["id"]
    to_score = [g for g in goals.values() if g["id"] not in copies and not g.get("cycle_closed")]
    for start in range(0, len(to_score), SCORE_BATCH):
        _score_batch(principal, to_score[start : start + SCORE_BATCH])
    now = clock.now()
    closed = {
        **cycle,
        "state": "closed",
        "closed_at": clock.api_instant(now),
        "closed_by": principal.user_id,
    }
    transactions.write(
        [
            transactions.update(
                keys.cycle_key(org_id, cycle_id),
                "SET #state = :closed, closed_at = :at, closed_by = :by",
                condition="#state = :open",
                names={"#state": "state"},
                values={
                    ":closed": "closed",
                    ":open": "open",
                    ":at": closed["closed_at"],
                    ":by": principal.user_id,
                },
                on_condition_failed=lambda: Conflict("This cycle is already closed."),
            ),
            activity.record(
                org_id=org_id,
                entity_id=cycle_id,
                entity_kind="cycle",
                actor_id=principal.user_id,
                action="cycle_closed",
                at=now,
                changes={"state": {"before": "open", "after": "closed"}},
                summary=f"{len(goals)} goals scored, {len(copies)} carried over",
            ),
        ]
    )
    cycles.forget(org_id)
    return CycleClosed(
        cycle=cycles.view(closed, cycles.today(principal)),
        goals=[
            ScoredGoal(
                id=g["id"],
                title=g["title"],
                final_score=cycle_rules.final_score(g["progress"]),
                status=g["status"],
                carried_to=copies.get(g["id"]),
            )
            for g in sorted(goals.values(), key=lambda g: (g["title"], g["id"]))
        ],
        carried_into=target["id"] if target else None,
    )


def _target(principal: Principal, cycle: Item, into: str | None) -> Item:
    """The cycle carried goals go to: the one asked for, else the next of the same kind
    (for default quarters and years, the next fiscal year is generated if need be)."""
    if into is not None:
        target = cycles.cycle_by_id(principal.org_id, into)
        if target is None or target["id"] == cycle["id"]:
            raise Invalid(
                "Carry goals into another cycle.", errors=[field_error("into", "unknown cycle")]
            )
    else:
        end = date.fromisoformat(cycle["end_date"])
        after = (end + timedelta(days=1)).isoformat() if end < date.max else None
        target = (
            cycle_rules.following(cycles.covering(principal.org_id, after), cycle)
            if after
            else None
        )
        if target is None:
            raise Conflict("There is no next cycle to carry goals into; create it first.")
    if target.get("state") == "closed":
        raise Conflict(f"The cycle {target['name']} is closed; carry goals into an open one.")
    return target


def _check_carry(carry: list[str], goals: dict[str, Item]) -> None:
    errors = []
    for index, goal_id in enumerate(carry):
        goal = goals.get(goal_id)
        if goal is None:
            errors.append(field_error(f"carry_over[{index}]", "not a goal of this cycle"))
        elif goal.get("carried_to"):
            continue
        elif not cycle_rules.unfinished(goal):
            errors.append(field_error(f"carry_over[{index}]", "finished: nothing to carry"))
        elif (
            goal["kind"] == "key_result"
            and goal.get("parent_id") in goals
            and goal["parent_id"] not in carry
        ):
            errors.append(field_error(f"carry_over[{index}]", "carry its objective too"))
    if errors:
        raise Invalid("Some goals cannot be carried over.", errors=errors)


def _scored(goal: Item, carried_to: str | None = None) -> Item:
    """The goal as its closed cycle leaves it: final score, read-only, no more reminders."""
    after = {
        k: v for k, v in goal.items() if k not in ("due_pk", "due_sk")
    }  # the reminder sweep no longer wakes for it
    after["cycle_closed"] = True
    after["final_score"] = cycle_rules.final_score(goal["progress"])
    if carried_to:
        after["carried_to"] = carried_to
    return after


def _carry(
    principal: Principal,
    original: Item,
    target: Item,
    goals: dict[str, Item],
    copies: dict[str, str],
) -> Item:
    """A copy of `original` in `target`, aligned under its parent's copy (or under its
    parent, when that lives in another cycle), in one transaction with the original
    scored and linked to it."""
    org_id = principal.org_id
    parent_id = original.get("parent_id")
    if parent_id in goals:
        parent_id = copies.get(parent_id)  # the parent stays behind: the copy is top level
    metric = original["metric"]
    request = GoalCreate(
        kind=original["kind"],
        title=original["title"],
        description=original.get("description", ""),
        owner_id=original["owner_id"],
        parent_id=parent_id,
        visibility=original["visibility"],
        weight=float(original["weight"]),
        progress_mode=original["progress_mode"],
        metric=MetricIn(
            type=metric["type"],
            start=float(metric["start"]),
            target=float(metric["target"]),
            current=float(metric["current"]),
            unit=metric.get("unit"),
        ),
        cycle_id=target["id"],
    )
    carried = {
        "carried_from": original["id"],
        "own_status": original.get("own_status", "not_started"),
        "confidence": original.get("confidence"),
    }

    def link_original(copy: Item) -> list[transactions.Op]:
        now = clock.now()
        return [
            repository.update_goal_op(original, _scored(original, copy["id"])),
            activity.record(
                org_id=org_id,
                entity_id=original["id"],
                entity_kind="goal",
                actor_id=principal.user_id,
                action="goal_carried_over",
                at=now,
                changes={"carried_to": {"before": None, "after": copy["id"]}},
                summary=f"carried into {target['name']}",
            ),
            history.point_op(org_id, copy, now, "carried_over"),
        ]

    return changes.create_goal(
        principal,
        request,
        acting_for=False,
        also=link_original,
        summary=f"carried over from {original['title']}",
        carried=carried,
    )


def _score_batch(principal: Principal, batch: list[Item]) -> None:
    """Score goals in one transaction; goals written meanwhile are re-read and retried."""
    org_id = principal.org_id
    for _ in range(changes.RETRIES):
        now = clock.now()
        ops: list[transactions.Op] = []
        for goal in batch:
            ops.append(repository.update_goal_op(goal, _scored(goal)))
            ops.append(
                activity.record(
                    org_id=org_id,
                    entity_id=goal["id"],
                    entity_kind="goal",
                    actor_id=principal.user_id,
                    action="goal_scored",
                    at=now,
                    changes={
                        "final_score": {
                            "before": None,
                            "after": cycle_rules.final_score(goal["progress"]),
                        }
                    },
                    summary="its cycle closed",
                )
            )
        try:
            repository.write(ops)
            return
        except Conflict:
            fresh = repository.goals(org_id, [g["id"] for g in batch])
            batch = [g for g in fresh.values() if not g.get("cycle_closed")]
            if not batch:
                return
    raise Conflict("Goals of this cycle kept changing while it closed; send the close again.")
