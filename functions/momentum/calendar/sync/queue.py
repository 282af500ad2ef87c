"""The "sync this connection" message (SQS FIFO): the message group is the connection,
so two syncs of one calendar never run at once, and duplicates within five minutes are
dropped by their deduplication id."""

from __future__ import annotations

import hashlib
import json

from momentum.core import aws
from momentum.core.config import settings


def enqueue_sync(ref: str, *, reason: str, dedup: str, extra: dict[str, str] | None = None) -> None:
    url = settings().calendar_queue_url
    body = {"connection": ref, "reason": reason, **(extra or {})}
    aws.client("sqs").send_message(
        QueueUrl=url,
        MessageBody=json.dumps(body, sort_keys=True),
        MessageGroupId=ref,
        MessageDeduplicationId=hashlib.sha256(f"{ref}|{dedup}".encode()).hexdigest()[:128],
    )
