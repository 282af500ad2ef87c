"""Pure rules of OKR cycles: fiscal quarters, nesting, which cycle is current, which comes
next and which one a goal belongs to. No I/O, no clock.

Cycles form a nested family: any two are either disjoint or one contains the other (a
year holds its quarters, a quarter may hold a custom sprint). So "the cycles containing a
day" is a chain from the innermost outwards, and a goal's cycle is never ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from momentum.core.problems import Conflict

Cycle = dict[str, Any]


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


FIRST_YEAR, LAST_YEAR = 1900, 9000  # default quarters are generated for these years only


def generated_years_hold(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def fiscal_year_start(day: date, start_month: int) -> date:
    year = day.year if day.month >= start_month else day.year - 1
    return date(year, start_month, 1)


def fiscal_year_name(start: date) -> str:
    """FY named by the calendar year it ends in (April 2026 - March 2027 is FY2027), the
    usual convention where the fiscal year does not follow the calendar."""
    end = add_months(start, 12) - timedelta(days=1)
    return f"FY{end.year}"


def fiscal_year(day: date, start_month: int) -> list[dict[str, Any]]:
    """The year containing `day` and its four quarters (name, kind, start, end)."""
    start = fiscal_year_start(day, start_month)
    name = fiscal_year_name(start)
    year = {
        "name": name,
        "kind": "year",
        "start_date": start.isoformat(),
        "end_date": (add_months(start, 12) - timedelta(days=1)).isoformat(),
    }
    quarters = [
        {
            "name": f"{name} Q{n + 1}",
            "kind": "quarter",
            "start_date": add_months(start, 3 * n).isoformat(),
            "end_date": (add_months(start, 3 * n + 3) - timedelta(days=1)).isoformat(),
        }
        for n in range(4)
    ]
    return [year, *quarters]


def _contains(outer: Cycle, start: str, end: str) -> bool:
    return bool(outer["start_date"] <= start and end <= outer["end_date"])


def nesting_conflict(cycles: Iterable[Cycle], start: str, end: str) -> Cycle | None:
    """The existing cycle a new [start, end] would partly overlap or duplicate, if any."""
    for cycle in cycles:
        disjoint = end < cycle["start_date"] or cycle["end_date"] < start
        same = cycle["start_date"] == start and cycle["end_date"] == end
        nested = _contains(cycle, start, end) or (
            start <= cycle["start_date"] and cycle["end_date"] <= end
        )
        if same or not (disjoint or nested):
            return cycle
    return None


def check_nesting(cycles: Iterable[Cycle], start: str, end: str) -> None:
    clash = nesting_conflict(cycles, start, end)
    if clash is not None:
        raise Conflict(
            f"Cycles nest or stay apart; this one would overlap {clash['name']} "
            f"({clash['start_date']} to {clash['end_date']})."
        )


def length_days(cycle: Cycle) -> int:
    return (date.fromisoformat(cycle["end_date"]) - date.fromisoformat(cycle["start_date"])).days


def innermost_first(cycles: Iterable[Cycle]) -> list[Cycle]:
    return sorted(cycles, key=lambda c: (length_days(c), c["start_date"], c["id"]))


def current(cycles: Iterable[Cycle], day: str) -> list[Cycle]:
    """The cycles containing `day`, innermost first (e.g. the quarter, then its year)."""
    return innermost_first(c for c in cycles if c["start_date"] <= day <= c["end_date"])


def covers(cycles: Iterable[Cycle], day: str) -> bool:
    return any(c["start_date"] <= day <= c["end_date"] for c in cycles)


def for_period(cycles: Iterable[Cycle], start: str | None, due: str | None) -> Cycle | None:
    """The open cycle a goal with these dates belongs to: the innermost containing its
    whole period, else the innermost containing its start (a goal spanning cycles belongs
    to the one it is worked on first), else the one containing its due date."""
    open_cycles = [c for c in cycles if c.get("state") != "closed"]
    first, last = start or due, due or start
    if first is None or last is None:
        return None
    whole = [c for c in open_cycles if _contains(c, first, last)]
    if whole:
        return innermost_first(whole)[0]
    containing = current(open_cycles, first) or current(open_cycles, last)
    return containing[0] if containing else None


def following(cycles: Iterable[Cycle], closing: Cycle) -> Cycle | None:
    """The cycle after `closing`: the earliest of the same kind starting after it ends."""
    later = [
        c
        for c in cycles
        if c["kind"] == closing["kind"]
        and c["start_date"] > closing["end_date"]
        and c.get("state") != "closed"
    ]
    return min(later, key=lambda c: c["start_date"]) if later else None


def final_score(progress: float) -> float:
    """A closed cycle's score of a goal: its progress as a fraction, 0.0 to 1.0 (the
    0-1 grading Google-style OKR tools use), to two places."""
    return round(max(0.0, min(100.0, float(progress))) / 100, 2)


def unfinished(goal: Mapping[str, Any]) -> bool:
    return not goal.get("closed") and float(goal.get("progress", 0)) < 100


def carry_order(goals: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parents before their children, so a carried child can align under its parent's copy."""
    chosen = list(goals)
    by_id = {g["id"]: g for g in chosen}

    def depth(goal: dict[str, Any]) -> int:
        levels, seen = 0, {goal["id"]}
        while goal.get("parent_id") in by_id and goal["parent_id"] not in seen:
            goal = by_id[goal["parent_id"]]
            seen.add(goal["id"])
            levels += 1
        return levels

    return sorted(chosen, key=lambda g: (depth(g), g["id"]))
