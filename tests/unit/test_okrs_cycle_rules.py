"""Pure cycle rules: fiscal quarters, nesting, the current cycle, a goal's cycle, scores."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from momentum.core.problems import Conflict
from momentum.okrs import cadence, cycle_rules


def stored(shapes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**shape, "id": f"c{index}", "state": "open"} for index, shape in enumerate(shapes)]


def test_an_april_fiscal_year_starts_q1_in_april_and_is_named_by_its_last_year() -> None:
    year, q1, _q2, _q3, q4 = cycle_rules.fiscal_year(date(2027, 2, 10), 4)
    assert (year["name"], year["start_date"], year["end_date"]) == (
        "FY2027",
        "2026-04-01",
        "2027-03-31",
    )
    assert (q1["name"], q1["start_date"], q1["end_date"]) == (
        "FY2027 Q1",
        "2026-04-01",
        "2026-06-30",
    )
    assert (q4["start_date"], q4["end_date"]) == ("2027-01-01", "2027-03-31")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31)), st.integers(1, 12))
def test_quarters_tile_their_year_without_gaps(day: date, month: int) -> None:
    year, *quarters = cycle_rules.fiscal_year(day, month)
    assert year["start_date"] <= day.isoformat() <= year["end_date"]
    assert quarters[0]["start_date"] == year["start_date"]
    assert quarters[-1]["end_date"] == year["end_date"]
    for before, after in itertools.pairwise(quarters):
        gap = date.fromisoformat(after["start_date"]) - date.fromisoformat(before["end_date"])
        assert gap == timedelta(days=1)
    assert sum(cycle_rules.covers([q], day.isoformat()) for q in quarters) == 1


def test_cycles_nest_or_stay_apart() -> None:
    cycles = stored(cycle_rules.fiscal_year(date(2026, 5, 1), 1))
    cycle_rules.check_nesting(cycles, "2026-02-01", "2026-02-14")  # a sprint inside Q1
    cycle_rules.check_nesting(cycles, "2027-01-01", "2027-12-31")  # next year, apart
    with pytest.raises(Conflict):
        cycle_rules.check_nesting(cycles, "2026-03-15", "2026-04-15")  # across Q1 and Q2
    with pytest.raises(Conflict):
        cycle_rules.check_nesting(cycles, "2026-01-01", "2026-03-31")  # Q1 again


def test_the_current_cycles_run_from_the_innermost_out_and_goals_belong_where_they_start() -> None:
    cycles = stored(cycle_rules.fiscal_year(date(2026, 5, 1), 1))
    names = [c["name"] for c in cycle_rules.current(cycles, "2026-05-01")]
    assert names == ["FY2026 Q2", "FY2026"]
    inside = cycle_rules.for_period(cycles, "2026-04-10", "2026-06-01")
    assert inside is not None and inside["start_date"] == "2026-04-01"
    spanning = cycle_rules.for_period(cycles, "2026-05-01", "2026-11-30")
    assert spanning is not None and spanning["kind"] == "year"
    beyond = cycle_rules.for_period(cycles, "2026-11-01", "2027-06-30")
    assert beyond is not None and beyond["start_date"] == "2026-10-01"


def test_the_next_cycle_is_the_next_of_the_same_kind() -> None:
    cycles = stored(cycle_rules.fiscal_year(date(2026, 5, 1), 1))
    q1 = next(c for c in cycles if c["start_date"] == "2026-01-01" and c["kind"] == "quarter")
    following = cycle_rules.following(cycles, q1)
    assert following is not None and following["start_date"] == "2026-04-01"
    year = next(c for c in cycles if c["kind"] == "year")
    assert cycle_rules.following(cycles, year) is None


def test_scores_are_progress_as_a_fraction_and_parents_carry_first() -> None:
    assert cycle_rules.final_score(70) == 0.7
    assert cycle_rules.final_score(133.3) == 1.0
    goals = [{"id": "kr", "parent_id": "o"}, {"id": "a", "parent_id": "kr"}, {"id": "o"}]
    assert [g["id"] for g in cycle_rules.carry_order(goals)] == ["o", "kr", "a"]


def test_one_period_before_is_a_cadence_length_back() -> None:
    moment = datetime(2026, 3, 31, 9, tzinfo=UTC)
    assert cadence.one_period_before(moment, "weekly") == datetime(2026, 3, 24, 9, tzinfo=UTC)
    assert cadence.one_period_before(moment, "biweekly") == datetime(2026, 3, 17, 9, tzinfo=UTC)
    assert cadence.one_period_before(moment, "monthly") == datetime(2026, 2, 28, 9, tzinfo=UTC)
    january = datetime(2026, 1, 15, 9, tzinfo=UTC)
    assert cadence.one_period_before(january, "monthly") == datetime(2025, 12, 15, 9, tzinfo=UTC)
