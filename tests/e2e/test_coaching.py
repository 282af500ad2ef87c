"""Coaching over HTTP against the local stack: the issue's off-track story and who sees
progress, the same scenarios the integration suite runs in-process."""

from __future__ import annotations

import pytest

from tests.integration.test_coaching_clock import (
    run_own_location_admin_story,
    run_session_clock_story,
)
from tests.integration.test_coaching_scenario import run_off_track_story
from tests.integration.test_coaching_visibility import run_visibility_story
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e


def test_the_off_track_story(stack: HttpApi) -> None:
    run_off_track_story(stack)


def test_who_sees_progress(stack: HttpApi) -> None:
    run_visibility_story(stack)


def test_only_a_scheduled_session_keeps_an_engagement_on_track(stack: HttpApi) -> None:
    run_session_clock_story(stack)


def test_a_location_admin_administers_their_own_location(stack: HttpApi) -> None:
    run_own_location_admin_story(stack)
