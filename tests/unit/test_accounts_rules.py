"""Account action plan rules: ordering, metric progress, overdue, the tree, launches."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from momentum.accounts import rules

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(start=finite, target=finite, current=finite)
def test_metric_progress_stays_between_0_and_100(
    start: float, target: float, current: float
) -> None:
    assert 0.0 <= rules.metric_progress(start, target, current) <= 100.0


@given(start=finite, target=finite, a=finite, b=finite)
def test_metric_progress_grows_as_current_moves_toward_target(
    start: float, target: float, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    if target > start:
        assert rules.metric_progress(start, target, low) <= rules.metric_progress(
            start, target, high
        )
    elif target < start:  # a decreasing metric (churn down to 5 %): lower is further along
        assert rules.metric_progress(start, target, low) >= rules.metric_progress(
            start, target, high
        )


def test_metric_progress_examples() -> None:
    assert rules.metric_progress(0, 200, 50) == 25.0
    assert rules.metric_progress(10, 5, 5) == 100.0  # reduce churn from 10 % to 5 %
    assert rules.metric_progress(10, 5, 7.5) == 50.0
    assert rules.metric_progress(0, 0, 0) == 100.0
    assert rules.metric_progress(0, 0, 3) == 0.0


def test_an_action_is_overdue_only_when_past_due_and_not_done() -> None:
    today = date(2025, 3, 10)
    assert rules.is_overdue(date(2025, 3, 9), "in_progress", today)
    assert not rules.is_overdue(date(2025, 3, 9), "done", today)
    assert not rules.is_overdue(date(2025, 3, 10), "not_started", today)
    assert not rules.is_overdue(None, "not_started", today)


def _apply(order: list[str], positions: dict[str, float], moving: str, after: str | None) -> None:
    siblings = [{"id": i, "position": positions[i]} for i in order if i != moving]
    position, renumbered = rules.placement(siblings, moving, after)
    positions[moving] = position
    positions.update(renumbered)


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-1, 5)), max_size=200))
def test_moves_put_items_exactly_where_asked_even_when_midpoints_run_out(
    moves: list[tuple[int, int]],
) -> None:
    ids = [f"0{i}" for i in range(6)]
    positions = {i: float(n + 1) for n, i in enumerate(ids)}
    expected = list(ids)
    for moving_index, after_index in moves:
        moving = ids[moving_index]
        after = None if after_index < 0 else ids[after_index]
        if after == moving:
            continue
        current = sorted(ids, key=lambda i: (positions[i], i))
        _apply(current, positions, moving, after)
        expected.remove(moving)
        expected.insert(0 if after is None else expected.index(after) + 1, moving)
        assert sorted(ids, key=lambda i: (positions[i], i)) == expected


def test_the_same_gap_can_take_many_moves() -> None:
    positions = {"a": 1.0, "b": 2.0, "c": 3.0}
    renumbering_seen = False
    for n in range(120):
        moving = "c" if n % 2 == 0 else "b"
        siblings = [
            {"id": i, "position": positions[i]}
            for i in sorted(positions, key=positions.get)
            if i != moving
        ]
        position, renumbered = rules.placement(siblings, moving, "a")
        renumbering_seen |= bool(renumbered)
        positions[moving] = position
        positions.update(renumbered)
        order = sorted(positions, key=lambda i: positions[i])
        assert order == ["a", moving, "c" if moving == "b" else "b"]
    assert renumbering_seen


def _node(kind: str, node_id: str, position: float, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "id": node_id,
        "title": node_id,
        "position": position,
        "version": 1,
        "show_customer": fields.pop("show_customer", False),
        **fields,
    }


def _items() -> list[dict[str, Any]]:
    return [
        {"type": "account", "id": "acc", "name": "Globex", "created_at": "x"},
        _node("account_plan", "P2", 2.0, show_customer=True),
        _node("account_plan", "P1", 1.0, internal_description="secret"),
        _node("account_objective", "O1", 1.0, plan_id="P2", show_customer=True),
        _node("account_objective", "O2", 2.0, plan_id="P2"),
        _node("account_objective", "orphan", 1.0, plan_id="gone"),
        _node(
            "account_action",
            "A1",
            1.0,
            objective_id="O1",
            status="in_progress",
            due_date="2025-01-01",
            show_customer=True,
            owner={"id": "u", "name": "Olga", "email": "olga@x.test"},
        ),
        _node("account_action", "A2", 2.0, objective_id="O1", status="done"),
        _node("account_action", "A3", 1.0, objective_id="orphan", status="done"),
    ]


def test_the_tree_is_ordered_and_flags_missing_children() -> None:
    tree = rules.grouped(_items())
    plans = rules.plan_nodes(tree, customer=False, today=date(2025, 3, 1))
    assert [p.id for p in plans] == ["P1", "P2"]
    assert [p.missing_objective for p in plans] == [True, False]
    assert [(o.id, o.missing_actions) for o in plans[1].objectives] == [("O1", False), ("O2", True)]
    assert [a.id for a in plans[1].objectives[0].actions] == ["A1", "A2"]
    assert rules.overdue_count(plans) == 1
    assert tree.objective("orphan") is None
    assert tree.action("A3") is None


def test_a_customer_sees_only_shown_items_and_flags_follow_what_they_see() -> None:
    tree = rules.grouped(_items())
    plans = rules.plan_nodes(tree, customer=True, today=date(2025, 3, 1))
    assert [p.id for p in plans] == ["P2"]
    assert [o.id for o in plans[0].objectives] == ["O1"]
    assert [a.id for a in plans[0].objectives[0].actions] == ["A1"]
    dumped = plans[0].model_dump(mode="json")
    action = dumped["objectives"][0]["actions"][0]
    assert "internal_description" not in dumped
    assert "internal_description" not in action
    assert action["owner"] == {"id": "u", "name": "Olga"}


TEMPLATE_PLANS = [
    {
        "id": "TP1",
        "title": "Growth Plans",
        "objectives": [
            {
                "id": "TO1",
                "title": "o1",
                "actions": [{"id": "TA1", "title": "a1"}, {"id": "TA2", "title": "a2"}],
            },
            {"id": "TO2", "title": "o2", "actions": [{"id": "TA3", "title": "a3"}]},
        ],
    },
    {
        "id": "TP2",
        "title": "New",
        "objectives": [
            {"id": "TO3", "title": "o3", "actions": [{"id": "TA4", "title": "a4"}]},
        ],
    },
]


def test_a_launch_takes_the_chosen_objectives_and_actions_only() -> None:
    chosen, errors = rules.choose_from_template(
        TEMPLATE_PLANS, ["TO1", "TO3"], ["TA2", "TA4"], {"growth plans": "existing"}
    )
    assert errors == []
    assert [(c.plan["id"], c.existing_plan_id) for c in chosen] == [
        ("TP1", "existing"),
        ("TP2", None),
    ]
    assert [[a["id"] for a in o.actions] for c in chosen for o in c.objectives] == [
        ["TA2"],
        ["TA4"],
    ]
    assert rules.launch_size(chosen) == (1, 2, 2)


def test_a_launch_names_what_does_not_fit_the_template() -> None:
    _, errors = rules.choose_from_template(TEMPLATE_PLANS, ["TO1", "nope"], ["TA3", "zzz"], {})
    assert errors == [
        {"path": "objective_ids.1", "message": "not an objective of this template"},
        {"path": "action_ids.0", "message": "its objective is not chosen"},
        {"path": "action_ids.1", "message": "not an action of this template"},
    ]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)), st.integers(0, 3650))
def test_due_dates_are_start_plus_offset(start: date, offset: int) -> None:
    due = rules.due_date_from(start, offset)
    assert due is not None
    assert (due - start).days == offset
