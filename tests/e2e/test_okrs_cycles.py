"""OKR cycles, confidence and history over HTTP against the local stack: the integration
scenarios, unchanged (they are relative to today, as the stack's clock is real)."""

from __future__ import annotations

import pytest

from tests.integration import test_okrs_cycles as cycles
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e


def test_an_april_fiscal_year_and_goals_in_the_current_quarter(stack: HttpApi) -> None:
    cycles.test_an_april_fiscal_year_has_quarters_and_new_goals_land_in_the_current_one(stack)


def test_custom_cycles(stack: HttpApi) -> None:
    cycles.test_custom_cycles_nest_or_stay_apart_and_only_admins_define_them(stack)


def test_closing_scores_and_carries_two_goals_with_their_alignment(stack: HttpApi) -> None:
    cycles.test_closing_a_cycle_scores_its_goals_and_carries_two_with_their_alignment(stack)


def test_reminders_skip_next_quarter_and_yesterdays_check_in(stack: HttpApi) -> None:
    cycles.test_reminders_skip_goals_of_the_next_quarter_and_goals_checked_in_lately(stack)


def test_history_of_a_key_result_and_its_parent(stack: HttpApi) -> None:
    cycles.test_history_of_a_key_result_and_of_its_parent_after_three_check_ins(stack)
