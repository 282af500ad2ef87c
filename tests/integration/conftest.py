"""Integration tests: the real handlers, called with real-shaped events, under moto."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from infra.sign_in_pool import create_client_request, create_user_pool_request
from moto import mock_aws

from momentum.core import aws, principal
from momentum.core import org as org_cache
from momentum.core.config import settings
from momentum.store.schema import create_table_request
from tests.harness import InProcessApi


@pytest.fixture
def api() -> Iterator[InProcessApi]:
    with mock_aws():
        aws.reset_clients()
        principal.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
        cognito = aws.client("cognito-idp")
        pool = cognito.create_user_pool(**create_user_pool_request())["UserPool"]["Id"]
        cognito.create_user_pool_client(**create_client_request(pool))
        os.environ["USER_POOL_ID"] = pool
        settings.cache_clear()
        yield InProcessApi()
        aws.reset_clients()
