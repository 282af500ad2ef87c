"""Delivery failures over HTTP against the local stack (moto server's SES refuses the
address): the request that saved a 1:1 never fails because its email could not be sent."""

from __future__ import annotations

import pytest

from tests.integration.test_delivery_failures import run_refused_creation_story
from tests.support.local_stack import HttpApi
from tests.support.one_on_ones import first_start

pytestmark = pytest.mark.e2e


def test_a_refused_creation_email_never_fails_nor_duplicates_the_one_on_one(
    stack: HttpApi,
) -> None:
    run_refused_creation_story(stack, first_start())
