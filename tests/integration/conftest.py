"""Integration tests: the real handlers, called with real-shaped events, under moto."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from moto import mock_aws

from momentum.core import aws, clock
from momentum.core.config import settings
from momentum.frame import org as org_cache
from momentum.frame import principal
from momentum.store.schema import create_table_request
from tests.support.calendar_providers import FakeProviders, fake_providers
from tests.support.harness import InProcessApi, fake_sign_in
from tests.support.one_on_ones import START, Clock


@pytest.fixture
def api() -> Iterator[InProcessApi]:
    with mock_aws():
        aws.reset_clients()
        principal.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
        aws.client("sqs").create_queue(
            QueueName="momentum-background.fifo", Attributes={"FifoQueue": "true"}
        )
        fake_sign_in()
        yield InProcessApi()
        aws.reset_clients()


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
