"""Engage action plans over HTTP against the local stack: the integration scenarios,
unchanged."""

from __future__ import annotations

import pytest

from tests.integration import test_action_plans as plans
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e


def test_the_default_choice_creates_an_objective(stack: HttpApi) -> None:
    plans.test_the_default_choice_creates_an_objective_for_the_assignee(stack)


def test_a_key_result_under_an_objective_found_by_owner_name(stack: HttpApi) -> None:
    plans.test_a_key_result_under_an_objective_found_by_owner_name(stack)


def test_refused_key_result_choices_write_nothing(stack: HttpApi) -> None:
    plans.test_key_result_choices_that_cannot_be_honoured(stack)


def test_no_sync_and_no_cascade(stack: HttpApi) -> None:
    plans.test_plan_and_goal_never_sync_and_deletes_never_cascade(stack)


def test_linked_later(stack: HttpApi) -> None:
    plans.test_a_plan_without_a_goal_is_linked_later(stack)


def test_idempotent_create(stack: HttpApi) -> None:
    plans.test_a_retried_create_makes_one_plan_and_one_goal(stack)


def test_team_visibility_and_updates(stack: HttpApi) -> None:
    plans.test_the_team_sees_the_plan_and_posts_updates_outsiders_do_not(stack)
    plans.test_the_list_pages_through_owned_team_and_assigned_plans(stack)


def test_a_key_result_under_a_colleagues_public_objective(stack: HttpApi) -> None:
    plans.test_a_key_result_under_a_colleagues_public_objective(stack)


def test_the_manager_chain_sees_and_comments(stack: HttpApi) -> None:
    plans.test_the_owners_whole_manager_chain_sees_and_comments_on_the_plan(stack)
