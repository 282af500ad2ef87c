"""The calendar story over HTTP against the local stack (`make serve`): the fake Google
and Microsoft providers under /local/calendar/, real webhooks to the local API, the sync
queue drained with POST /local/queues/drain."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.test_calendar_edits import (
    run_linked_edits_story,
    run_linked_series_time_story,
    run_two_events_story,
)
from tests.integration.test_calendar_story import run_calendar_story
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e


class HttpFakes:
    def __init__(self, stack: HttpApi) -> None:
        self.http = stack.http

    def control(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.http.post(f"/local/calendar/control{path}", json=body)
        assert answer.status_code < 300, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def browse(self, url: str) -> httpx.Response:
        return httpx.get(url, timeout=30)

    def drain(self) -> int:
        answer = self.http.post("/local/queues/drain", json={})
        assert answer.status_code == 200, answer.text
        return int(answer.json()["delivered"])


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_the_calendar_story(stack: HttpApi, provider: str) -> None:
    run_calendar_story(stack, HttpFakes(stack), provider)


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_edits_made_here_hold_until_the_calendar_changes_them(
    stack: HttpApi, provider: str
) -> None:
    run_linked_edits_story(stack, HttpFakes(stack), provider)


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_each_meeting_names_the_event_it_follows(stack: HttpApi, provider: str) -> None:
    run_two_events_story(stack, HttpFakes(stack), provider)


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_a_series_time_set_here_holds_until_the_calendar_moves_a_meeting(
    stack: HttpApi, provider: str
) -> None:
    run_linked_series_time_story(stack, HttpFakes(stack), provider)
