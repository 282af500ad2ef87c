"""Opaque pagination cursors: the DynamoDB start key, HMAC-signed so it cannot be forged.

A cursor is bound to the org and to the list it came from, so a cursor copied from one
list (or one tenant) into another answers 400 instead of leaking a position.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import cache
from typing import Any

from momentum.core import aws
from momentum.core.config import settings
from momentum.core.problems import BadRequest


@cache
def _secret() -> bytes:
    config = settings()
    if config.cursor_secret:
        return config.cursor_secret.encode()
    if config.cursor_secret_arn:
        answer = aws.client("secretsmanager").get_secret_value(SecretId=config.cursor_secret_arn)
        return str(answer["SecretString"]).encode()
    raise RuntimeError("CURSOR_SECRET or CURSOR_SECRET_ARN must be set")


def _signature(payload: bytes, scope: str) -> str:
    digest = hmac.new(_secret(), scope.encode() + b"\x00" + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def encode(position: dict[str, Any] | None, *, scope: str) -> str | None:
    if not position:
        return None
    payload = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_signature(payload, scope)}"


def decode(cursor: str | None, *, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        body, signature = cursor.split(".", 1)
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        valid = hmac.compare_digest(signature, _signature(payload, scope))
        position = json.loads(payload) if valid else None
    except (ValueError, UnicodeDecodeError):
        position = None
    if not isinstance(position, dict):
        raise BadRequest("The cursor is not valid for this list.")
    return position
