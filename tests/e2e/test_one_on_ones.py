"""1:1s over HTTP against the local stack: the issue's stories, the same ones the
integration suite runs in-process. Requests see the wall clock, so the first meeting is
put two days ahead (10:00 UTC) and every sweep instant is derived from it."""

from __future__ import annotations

import pytest

from momentum.core import clock
from tests.integration.test_one_on_ones_ending import run_end_series_story
from tests.integration.test_one_on_ones_input import run_rules_and_links_story
from tests.integration.test_one_on_ones_story import (
    run_conflicts_story,
    run_privacy_and_notifications_story,
    run_visibility_story,
    run_weekly_story,
)
from tests.integration.test_one_on_ones_summary import run_summary_after_rollover_story
from tests.support.local_stack import HttpApi
from tests.support.one_on_ones import first_start

pytestmark = pytest.mark.e2e


def test_a_weekly_series_through_two_weeks(stack: HttpApi) -> None:
    run_weekly_story(stack, first_start())


def test_only_participants_see_a_one_on_one(stack: HttpApi) -> None:
    run_visibility_story(stack, first_start())


def test_conflicts_and_permissions(stack: HttpApi) -> None:
    run_conflicts_story(stack, first_start())


def test_notifications_and_private_notes(stack: HttpApi) -> None:
    run_privacy_and_notifications_story(stack, first_start())


def test_ending_a_series_then_archiving_it(stack: HttpApi) -> None:
    run_end_series_story(stack, clock.now())


def test_the_sunday_summary_after_the_rollover(stack: HttpApi) -> None:
    run_summary_after_rollover_story(stack, first_start())


def test_rule_parts_and_links_are_checked(stack: HttpApi) -> None:
    run_rules_and_links_story(stack, first_start())
