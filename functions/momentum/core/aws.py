"""AWS clients, created once per container on first use and replaceable in tests.

They are botocore's clients, which are what boto3.client returns: importing boto3 itself
would add its resource layer and s3transfer to every cold start (about 20 ms, `make
bench`) for nothing the functions use. Endpoints come from botocore's own
AWS_ENDPOINT_URL_<SERVICE> variables, which is how the local stack points the same code
at DynamoDB Local and moto.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore.config import Config
from botocore.session import Session

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=10
)


@cache
def client(service: str) -> Any:
    # A session each, as boto3.client makes one: sessions are not shared across threads.
    return Session().create_client(service, config=_CONFIG)


def dynamodb() -> Any:
    return client("dynamodb")


def reset_clients() -> None:
    """Forget cached clients (tests switch endpoints between moto and DynamoDB Local)."""
    client.cache_clear()
