"""Integration tests: the real handlers, called with real-shaped events, under moto."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from momentum.core import aws
from momentum.core.config import settings
from momentum.frame import org as org_cache
from momentum.frame import principal
from momentum.store.schema import create_table_request
from tests.harness import InProcessApi, fake_sign_in


@pytest.fixture
def api() -> Iterator[InProcessApi]:
    with mock_aws():
        aws.reset_clients()
        principal.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
        fake_sign_in()
        yield InProcessApi()
        aws.reset_clients()
