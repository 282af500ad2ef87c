"""boto3 clients, created once per container on first use and replaceable in tests.

Endpoints come from boto3's own AWS_ENDPOINT_URL_<SERVICE> variables, which is how the
local stack points the same code at DynamoDB Local and moto.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=10
)


@cache
def client(service: str) -> Any:
    return boto3.session.Session().client(service, config=_CONFIG)


def dynamodb() -> Any:
    return client("dynamodb")


def reset_clients() -> None:
    """Forget cached clients (tests switch endpoints between moto and DynamoDB Local)."""
    client.cache_clear()
