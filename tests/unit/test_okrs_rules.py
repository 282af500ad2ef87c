"""OKR roll-up rules: examples, and hypothesis properties over random trees and changes."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum.core.problems import Conflict, Invalid
from momentum.okrs import rules

Goals = dict[str, dict[str, Any]]


def new_goal(
    goal_id: str,
    kind: str,
    parent: dict[str, Any] | None,
    weight: float = 1,
    mode: str | None = None,
) -> dict[str, Any]:
    goal: dict[str, Any] = {
        "id": goal_id,
        "kind": kind,
        "title": goal_id,
        "weight": weight,
        "progress_mode": mode or ("rollup" if kind == "objective" else "manual"),
        "own_progress": 0.0,
        "own_status": "not_started",
        "children": {},
        "closed": False,
        "visibility": "public",
        "owner_id": "u",
        "owner_chain": [],
        "parent_id": parent["id"] if parent else None,
        "ancestor_ids": rules.ancestors_under(parent),
    }
    rules.refresh(goal)
    return goal


def change(goals: Goals, goal_id: str, mutate: Any, new_parent: str | bool | None = False) -> None:
    """What the service does for one change: the goal and its ancestors, nothing else."""
    before = goals[goal_id]
    after = copy.deepcopy(before)
    mutate(after)
    moving = new_parent is not False and new_parent != before["parent_id"]
    if moving:
        parent = goals[new_parent] if isinstance(new_parent, str) else None
        after["parent_id"], after["ancestor_ids"] = new_parent, rules.ancestors_under(parent)
    rules.refresh(after)
    chain = {a: copy.deepcopy(goals[a]) for a in before["ancestor_ids"] + after["ancestor_ids"]}
    if moving:
        rules.roll_up_chain(chain, before["parent_id"], goal_id, None)
    rules.roll_up_chain(chain, after["parent_id"], goal_id, rules.child_entry(after))
    goals[goal_id] = after
    goals.update(chain)
    if moving:  # the subtree follows
        frontier = list(after["children"])
        while frontier:
            child = goals[frontier.pop()]
            child["ancestor_ids"] = rules.ancestors_under(goals[child["parent_id"]])
            frontier += list(child["children"])


def add(goals: Goals, goal: dict[str, Any]) -> None:
    goals[goal["id"]] = copy.deepcopy(goal)
    chain = {a: copy.deepcopy(goals[a]) for a in goal["ancestor_ids"]}
    rules.roll_up_chain(chain, goal["parent_id"], goal["id"], rules.child_entry(goal))
    goals.update(chain)


def delete(goals: Goals, goal_id: str) -> None:
    goal = goals.pop(goal_id)
    chain = {a: copy.deepcopy(goals[a]) for a in goal["ancestor_ids"]}
    rules.roll_up_chain(chain, goal["parent_id"], goal_id, None)
    goals.update(chain)


SEVERITY = {"at_risk": 0, "behind": 1, "on_track": 2}


def from_scratch(goals: Goals, goal_id: str) -> tuple[float, str]:
    """SPEC §1 computed directly from the tree, independently of the stored aggregates."""
    goal = goals[goal_id]
    kids = [g for g in goals.values() if g["parent_id"] == goal_id]
    if goal["progress_mode"] != "rollup" or not kids:
        return goal["own_progress"], goal["own_status"]
    results = {k["id"]: from_scratch(goals, k["id"]) for k in kids}
    total = sum(k["weight"] for k in kids)
    progress = (
        round(sum(k["weight"] * results[k["id"]][0] for k in kids) / total, 2) if total else 0
    )
    for pool in ([k for k in kids if not k["closed"]], [k for k in kids if k["closed"]]):
        started = [results[k["id"]][1] for k in pool if results[k["id"]][1] != "not_started"]
        if started:
            return progress, min(started, key=SEVERITY.__getitem__)
    return progress, "not_started"


operations = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "add_objective",
                "add_kr",
                "check_in",
                "move",
                "close",
                "reopen",
                "delete",
                "weight",
                "mode",
            ]
        ),
        st.integers(0, 50),
        st.integers(0, 50),
        st.sampled_from([0, 0.5, 1, 2, 3]),
        st.sampled_from(["on_track", "behind", "at_risk", "not_started"]),
        st.sampled_from(["rollup", "manual", "custom_kpi"]),
        st.integers(0, 100),
    ),
    max_size=40,
)


def apply(goals: Goals, op: tuple[Any, ...], serial: int) -> None:
    name, a, b, weight, status, mode, value = op
    ids = sorted(goals)
    objectives = [g for g in ids if goals[g]["kind"] == "objective"]
    if name in ("add_objective", "add_kr"):
        kind = "objective" if name == "add_objective" else "key_result"
        parent = goals[objectives[a % len(objectives)]] if objectives else None
        if parent is None and kind == "key_result":
            return
        if parent is not None and kind == "objective" and b % 3 == 0:
            parent = None
        if parent is not None and len(parent["ancestor_ids"]) + 1 > rules.MAX_DEPTH:
            return
        add(goals, new_goal(f"g{serial:03}", kind, parent, weight))
        return
    if not ids:
        return
    target = ids[a % len(ids)]
    goal = goals[target]
    if name == "check_in" and not goal["closed"]:

        def checked(g: dict[str, Any]) -> None:
            g["own_progress"], g["own_status"] = float(value), status
            if rules.rolls_up(g):
                g["progress_mode"] = "manual"

        change(goals, target, checked)
    elif name in ("close", "reopen"):
        change(goals, target, lambda g: g.update(closed=name == "close"))
    elif name == "weight":
        change(goals, target, lambda g: g.update(weight=weight))
    elif name == "mode" and goal["kind"] == "objective":
        change(goals, target, lambda g: g.update(progress_mode=mode))
    elif name == "delete" and not goal["children"]:
        delete(goals, target)
    elif name == "move":
        new_parent = objectives[b % len(objectives)] if objectives and b % 4 else None
        parent = goals[new_parent] if new_parent else None
        try:
            rules.check_parent(target, goal["kind"], parent)
        except (Conflict, Invalid):
            return
        depth = len(rules.ancestors_under(parent)) + _height(goals, target)
        if depth <= rules.MAX_DEPTH:
            change(goals, target, lambda g: None, new_parent)


def _height(goals: Goals, goal_id: str) -> int:
    kids = goals[goal_id]["children"]
    return 0 if not kids else 1 + max(_height(goals, k) for k in kids)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_stored_aggregates_equal_a_from_scratch_recomputation(ops: list[Any]) -> None:
    goals: Goals = {}
    for serial, op in enumerate(ops):
        apply(goals, op, serial)
    for goal_id, goal in goals.items():
        kids = {g["id"]: g for g in goals.values() if g["parent_id"] == goal_id}
        assert set(goal["children"]) == set(kids)
        for kid_id, kid in kids.items():
            assert goal["children"][kid_id] == rules.child_entry(kid)
        assert goal["ancestor_ids"] == rules.ancestors_under(goals.get(goal["parent_id"] or ""))
        assert goal["rollup"]["total_weight"] == pytest.approx(
            sum(k["weight"] for k in kids.values())
        )
        assert goal["rollup"]["child_count"] == len(kids)
        progress, status = from_scratch(goals, goal_id)
        assert goal["status"] == status
        assert goal["progress"] == pytest.approx(progress, abs=0.0101)


@given(
    st.lists(
        st.tuples(st.sampled_from([0.5, 1, 2, 5]), st.integers(0, 100)), min_size=1, max_size=8
    )
)
def test_rolled_up_progress_is_the_weighted_mean_and_stays_in_bounds(
    children: list[tuple[float, int]],
) -> None:
    entries = {
        f"c{i}": {"weight": w, "progress": p, "status": "on_track"}
        for i, (w, p) in enumerate(children)
    }
    progress, status = rules.rolled_up(rules.aggregate(entries))
    expected = sum(w * p for w, p in children) / sum(w for w, _ in children)
    assert progress == pytest.approx(expected, abs=0.0051)  # rounded to 2 places
    assert 0 <= progress <= 100
    assert status == "on_track"


def test_status_is_the_worst_among_started_open_children() -> None:
    def status_of(*children: tuple[str, bool]) -> str:
        entries = {
            f"c{i}": {"weight": 1, "progress": 0, "status": s, "closed": c}
            for i, (s, c) in enumerate(children)
        }
        return rules.rolled_up(rules.aggregate(entries))[1]

    assert status_of(("on_track", False), ("behind", False), ("not_started", False)) == "behind"
    assert status_of(("on_track", False), ("at_risk", False)) == "at_risk"
    assert status_of(("not_started", False), ("not_started", False)) == "not_started"
    assert status_of(("at_risk", True), ("on_track", False)) == "on_track"
    assert status_of(("at_risk", True), ("not_started", False)) == "at_risk"


@pytest.mark.parametrize(
    ("metric", "progress"),
    [
        ({"type": "percent", "start": 0, "target": 100, "current": 42}, 42),
        ({"type": "number", "start": 20, "target": 5, "current": 11}, 60),  # decreasing
        ({"type": "number", "start": 20, "target": 5, "current": 25}, 0),  # worse than start
        ({"type": "currency", "start": 0, "target": 1000, "current": 1500}, 100),  # beyond target
        ({"type": "milestone", "start": 0, "target": 1, "current": 1}, 100),
        ({"type": "milestone", "start": 0, "target": 1, "current": 0}, 0),
    ],
)
def test_metric_progress(metric: dict[str, Any], progress: float) -> None:
    assert rules.metric_progress(metric) == progress


def test_a_key_result_needs_an_objective_and_chains_cannot_loop() -> None:
    top = new_goal("top", "objective", None)
    middle = new_goal("middle", "objective", top)
    kr = new_goal("kr", "key_result", middle)
    with pytest.raises(Invalid):
        rules.check_parent(None, "key_result", None)
    with pytest.raises(Invalid):
        rules.check_parent(None, "key_result", kr)
    with pytest.raises(Conflict):
        rules.check_parent("top", "objective", middle)
    rules.check_parent("kr", "key_result", top)


def test_anyone_who_sees_an_open_objective_may_contribute_to_it() -> None:
    public = {"kind": "objective", "owner_id": "cora", "visibility": "public"}
    private = {**public, "visibility": "private", "owner_chain": ["boss"]}
    assert rules.can_contribute("erin", False, public)
    assert not rules.can_edit("erin", False, public)
    assert not rules.can_contribute("erin", False, private)
    assert rules.can_contribute("boss", False, private)
    assert not rules.can_contribute("erin", False, {**public, "closed": True})
    assert not rules.can_contribute("erin", False, {**public, "kind": "key_result"})


def test_a_detach_is_a_patch_of_parent_id_to_null_and_nothing_else() -> None:
    assert rules.is_detach({"parent_id"}, None)
    assert rules.is_detach({"parent_id", "version"}, None)
    assert not rules.is_detach({"parent_id"}, "another-objective")
    assert not rules.is_detach({"parent_id", "title"}, None)
    assert not rules.is_detach(set(), None)
