"""Pure foundation rules: text folding, schedule expressions, routing, manager chains."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from infra.local.schedules import due_instants

from momentum import catalog
from momentum.core.ids import is_id, new_id
from momentum.core.problems import Conflict, Invalid
from momentum.core.text import fold, words
from momentum.identity import rules


def test_fold_ignores_case_and_accents() -> None:
    assert fold("Zoë  ÅNGSTRÖM") == "zoe angstrom"
    assert words("Q3: grow ARR — Ünïted, grow!") == ["q3", "grow", "arr", "united"]


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_ids_carry_the_ulid_time_prefix() -> None:
    # The ULID spec's own example: 1469918176385 ms encodes as 01ARYZ6S41.
    assert new_id(1469918176385)[:10] == "01ARYZ6S41"
    assert len({new_id(1469918176385) for _ in range(1000)}) == 1000


@given(st.integers(0, 2**48 - 2), st.integers(1, 2**20))
def test_later_ids_sort_after_earlier_ones(millis: int, later_by: int) -> None:
    earlier, later = new_id(millis), new_id(min(millis + later_by, 2**48 - 1))
    assert is_id(earlier) and is_id(later)
    assert earlier < later


@pytest.mark.parametrize(
    "text",
    [
        "",
        "01ARYZ6S41",  # too short
        "01arz3ndektsv4rrffq69g5fav",  # not the canonical upper case
        "81ARZ3NDEKTSV4RRFFQ69G5FAV",  # more than 128 bits
        "01ARZ3NDEKTSV4RRFFQ69G5FAU",  # U is not a Crockford digit
    ],
)
def test_anything_else_is_not_an_id(text: str) -> None:
    assert not is_id(text)


def test_rate_schedules_fire_on_their_period() -> None:
    start = datetime(2026, 11, 23, 9, 7, tzinfo=UTC)
    until = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    fired = due_instants("rate(15 minutes)", start, until)
    assert [t.strftime("%H:%M") for t in fired] == ["09:15", "09:30", "09:45", "10:00"]


def test_cron_schedules_follow_aws_fields() -> None:
    sunday = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)  # a Sunday
    fired = due_instants("cron(30 2 * * ? *)", sunday, sunday.replace(day=24))
    assert [t.isoformat() for t in fired] == [
        "2026-11-22T02:30:00+00:00",
        "2026-11-23T02:30:00+00:00",
    ]
    hourly = due_instants("cron(0 * ? * * *)", sunday, sunday.replace(hour=3))
    assert len(hourly) == 3
    weekdays = due_instants("cron(0 9 ? * MON-FRI *)", sunday, sunday.replace(day=29))
    assert [t.day for t in weekdays] == [23, 24, 25, 26, 27]


def test_every_catalog_schedule_is_understood() -> None:
    start = datetime(2026, 11, 23, tzinfo=UTC)
    for schedule in catalog.SCHEDULES:
        assert due_instants(schedule.expression, start, start.replace(day=24)), schedule.sweep


def _owner(path: str) -> tuple[str, bool] | None:
    found = catalog.route_owner(path)
    return None if found is None else (found[0].name, found[1])


def test_routes_pick_the_longest_prefix() -> None:
    assert _owner("/v1/one-on-ones/import") == ("calendar-api", False)
    assert _owner("/v1/calendar/oauth/callback") == ("calendar-api", True)
    assert _owner("/v1/one-on-ones/01J/archive") == ("one-on-ones-api", False)
    assert _owner("/v1/meetingsX") is None
    assert _owner("/v1/me") == ("identity-api", False)


def test_manager_chain_and_loops() -> None:
    assert rules.manager_chain("m", ["g", "ceo"]) == ["m", "g", "ceo"]
    assert rules.manager_chain(None, ["x"]) == []
    with pytest.raises(Conflict):
        rules.check_no_management_cycle("ceo", "dev", ["vp", "ceo"])
    rules.check_no_management_cycle("dev", "vp", ["ceo"])


def test_merge_keeps_fields_left_out() -> None:
    current = {"notifications": {"a": True, "b": True}, "hide": False}
    defaults = {"notifications": {"a": True, "b": True}, "hide": False}
    assert rules.merge(current, {"notifications": {"a": False}}, defaults) == {
        "notifications": {"a": False, "b": True},
        "hide": False,
    }


def test_merge_null_resets_to_the_default_and_refuses_fields_without_one() -> None:
    current = {"notifications": {"a": False, "b": False}, "zone": "UTC"}
    defaults = {"notifications": {"a": True, "b": True}}
    assert rules.merge(current, {"notifications": {"a": None}}, defaults) == {
        "notifications": {"a": True, "b": False},
        "zone": "UTC",
    }
    with pytest.raises(Invalid) as refused:
        rules.merge(current, {"zone": None}, defaults)
    assert refused.value.body()["errors"] == [{"path": "zone", "message": "may not be null"}]
