"""Integration tests: the real handlers, called with real-shaped events, under moto."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from momentum.core import clock
from tests.support.calendar_providers import FakeProviders, fake_providers
from tests.support.harness import InProcessApi, moto_account
from tests.support.one_on_ones import START, Clock


@pytest.fixture
def api() -> Iterator[InProcessApi]:
    with moto_account() as api:
        yield api


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Requests see this clock: the day before the 1:1 stories' first meeting, then
    wherever the test moves it."""
    state = {"now": START - timedelta(hours=22)}
    monkeypatch.setattr(clock, "now", lambda: state["now"])

    def move_to(instant: str) -> None:
        state["now"] = clock.parse_instant(instant)

    return move_to


@pytest.fixture
def fakes(api: InProcessApi, tmp_path: Path) -> Iterator[FakeProviders]:
    """The calendar providers (and their webhooks and sync queue), in-process."""
    yield from fake_providers(api, tmp_path)
