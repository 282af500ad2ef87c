"""OKR roll-up rules: examples, and hypothesis properties over random trees and changes.

The property runs the real climb (`rollup.settle`) against an in-memory table that
behaves like DynamoDB's single-item writes (conditional entry writes returning the old
entry, exact decimal ADDs, conditional stores of progress), so what is checked is the
algorithm the service runs, not a copy of it."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum.core.problems import Conflict, Invalid
from momentum.okrs import rollup, rollup_items, rules

Goals = dict[str, dict[str, Any]]


class Table:
    """The goals (by id) and the children's entries (by parent, child) of one org."""

    def __init__(self) -> None:
        self.goals: Goals = {}
        self.entries: dict[tuple[str, str], dict[str, Any]] = {}

    def write_entry(
        self, org: str, parent: str, child: str, entry: Any, seq: int, expires: int
    ) -> tuple[bool, Any]:
        old = self.entries.get((parent, child))
        if old is not None and old["src_seq"] >= seq:
            return False, None
        self.entries[(parent, child)] = (
            {"src_seq": seq, "removed": True} if entry is None else {**entry, "src_seq": seq}
        )
        return True, old

    def add(self, org: str, goal_id: str, deltas: dict[str, Decimal]) -> Any:
        if goal_id not in self.goals:
            return None
        goal = self.goals[goal_id]
        before = copy.deepcopy(goal)
        for name, value in deltas.items():
            goal[name] = Decimal(goal.get(name) or 0) + value
        goal[rules.SEQ] += 1
        return copy.deepcopy(goal), before

    def set_rolled_up(self, goal: dict[str, Any], progress: float, status: str, at: str) -> bool:
        stored = self.goals[goal["id"]]
        if stored[rules.SEQ] != goal[rules.SEQ]:
            return False
        stored["progress"], stored["status"] = progress, status
        return True


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Table:
    table = Table()
    monkeypatch.setattr(rollup_items, "write_entry", table.write_entry)
    monkeypatch.setattr(rollup_items, "add_to_aggregates", table.add)
    monkeypatch.setattr(rollup_items, "set_rolled_up", table.set_rolled_up)
    monkeypatch.setattr(rollup.transactions, "write", lambda ops: None)
    return table


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
        "closed": False,
        "visibility": "public",
        "owner_id": "u",
        "owner_chain": [],
        "parent_id": parent["id"] if parent else None,
    }
    rules.refresh(goal)
    rollup.bumped(None, goal)
    return goal


NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)


def change(table: Table, goal_id: str, mutate: Any, new_parent: str | bool | None = False) -> None:
    """What the service does for one change: the goal's own write, then the climb."""
    before = table.goals[goal_id]
    after = copy.deepcopy(before)
    mutate(after)
    moving = new_parent is not False and new_parent != before["parent_id"]
    if moving:
        after["parent_id"] = new_parent
    rules.refresh(after)
    if not rules.shown_upward(before, after):
        table.goals[goal_id] = after
        return
    rollup.bumped(before, after)
    table.goals[goal_id] = after
    rollup.settle("o", after, NOW, left=before["parent_id"] if moving else None)


def add(table: Table, goal: dict[str, Any]) -> None:
    table.goals[goal["id"]] = copy.deepcopy(goal)
    rollup.settle("o", goal, NOW)


def delete(table: Table, goal_id: str) -> None:
    goal = table.goals.pop(goal_id)
    rollup.bumped(goal, goal)
    rollup.settle("o", goal, NOW, left=goal["parent_id"], removed=True)


def above(goals: Goals, goal_id: str | None) -> list[str]:
    found = []
    while goal_id:
        found.append(goal_id)
        goal_id = goals[goal_id]["parent_id"]
    return found


def kids_of(goals: Goals, goal_id: str) -> list[dict[str, Any]]:
    return [g for g in goals.values() if g["parent_id"] == goal_id]


SEVERITY = {"at_risk": 0, "behind": 1, "on_track": 2}


def from_scratch(goals: Goals, goal_id: str) -> tuple[float, str]:
    """SPEC §1 computed directly from the tree, independently of the stored aggregates."""
    goal = goals[goal_id]
    kids = kids_of(goals, goal_id)
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


def apply(table: Table, op: tuple[Any, ...], serial: int) -> None:
    goals = table.goals
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
        try:
            rules.check_parent(None, kind, parent, above(goals, parent["id"])[1:] if parent else [])
        except (Conflict, Invalid):
            return
        add(table, new_goal(f"g{serial:03}", kind, parent, weight))
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

        change(table, target, checked)
    elif name in ("close", "reopen"):
        change(table, target, lambda g: g.update(closed=name == "close"))
    elif name == "weight":
        change(table, target, lambda g: g.update(weight=weight))
    elif name == "mode" and goal["kind"] == "objective":
        change(table, target, lambda g: g.update(progress_mode=mode))
    elif name == "delete" and not kids_of(goals, target):
        delete(table, target)
    elif name == "move":
        new_parent = objectives[b % len(objectives)] if objectives and b % 4 else None
        parent = goals[new_parent] if new_parent else None
        try:
            rules.check_parent(
                target, goal["kind"], parent, above(goals, new_parent)[1:] if new_parent else []
            )
        except (Conflict, Invalid):
            return
        change(table, target, lambda g: None, new_parent)


def test_a_deep_check_in_climbs_and_a_move_leaves_the_old_parent(store: Table) -> None:
    top, other = new_goal("top", "objective", None), new_goal("other", "objective", None)
    middle = new_goal("middle", "objective", top)
    kr = new_goal("kr", "key_result", middle)
    for goal in (top, other, middle, kr):
        add(store, goal)
    change(store, "kr", lambda g: g.update(own_progress=40.0, own_status="behind"))
    assert (store.goals["top"]["progress"], store.goals["top"]["status"]) == (40, "behind")
    change(store, "middle", lambda g: None, "other")
    assert (store.goals["top"]["progress"], store.goals["top"]["status"]) == (0, "not_started")
    assert store.goals["top"][rules.CHILDREN] == 0
    assert (store.goals["other"]["progress"], store.goals["other"]["status"]) == (40, "behind")
    assert store.entries[("top", "middle")]["removed"]  # kept, so a late write stops there


def test_a_late_write_of_an_older_state_changes_nothing(store: Table) -> None:
    parent, kr = new_goal("p", "objective", None), new_goal("kr", "key_result", None)
    kr["parent_id"] = "p"
    add(store, parent)
    add(store, kr)
    change(store, "kr", lambda g: g.update(own_progress=80.0, own_status="on_track"))
    stale = {**store.goals["kr"], "progress": 10.0, rules.SEQ: 1}
    rollup.settle("o", stale, NOW)  # a climb of the first state arriving last
    assert store.goals["p"]["progress"] == 80


@settings(max_examples=300, deadline=None)
@given(operations)
def test_stored_aggregates_equal_a_from_scratch_recomputation(ops: list[Any]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        table = Table()
        patch.setattr(rollup_items, "write_entry", table.write_entry)
        patch.setattr(rollup_items, "add_to_aggregates", table.add)
        patch.setattr(rollup_items, "set_rolled_up", table.set_rolled_up)
        patch.setattr(rollup.transactions, "write", lambda ops: None)
        for serial, op in enumerate(ops):
            apply(table, op, serial)
    goals = table.goals
    for goal_id, goal in goals.items():
        kids = {g["id"]: g for g in kids_of(goals, goal_id)}
        live = {
            child: entry
            for (parent, child), entry in table.entries.items()
            if parent == goal_id and not entry.get("removed")
        }
        assert set(live) == set(kids)
        for kid_id, kid in kids.items():
            assert {k: live[kid_id][k] for k in rules.ENTRY_FIELDS} == rules.child_entry(kid)
        expected = rules.summed(live.values())
        for name in rules.AGGREGATES:
            assert Decimal(goal.get(name) or 0) == expected.get(name, Decimal(0)), name
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
    progress, status = rules.rolled_up(rules.aggregates(rules.summed(entries.values())))
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
        return rules.rolled_up(rules.aggregates(rules.summed(entries.values())))[1]

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
        rules.check_parent(None, "key_result", None, [])
    with pytest.raises(Invalid):
        rules.check_parent(None, "key_result", kr, ["middle", "top"])
    with pytest.raises(Conflict):
        rules.check_parent("top", "objective", middle, ["top"])
    with pytest.raises(Invalid):
        rules.check_parent(None, "objective", top, [f"a{n}" for n in range(rules.MAX_DEPTH)])
    rules.check_parent("kr", "key_result", top, [])


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
