"""Background work: what a request starts and a worker finishes, through one SQS FIFO queue.

A request that would otherwise grow with the org (a manager change under a big subtree, a
series with many meetings) writes what the caller must see at once and enqueues the rest
as a job: `enqueue(kind, payload, ordering_key=...)`. The message group is the ordering
key, so the jobs of one org (or one series) run one after another in the order they were
asked for; the deduplication id is the payload's digest, so a request retried within SQS's
five-minute window enqueues its job once.

The worker (handlers/background.py) runs each message's job, found by its kind in
catalog.BACKGROUND_JOBS. A job is `fn(payload, budget) -> continuation | None`: it must be
idempotent (a replay, or a redelivery after a crash, changes nothing it already did) and
resumable: when the budget runs out it returns the payload to continue from (a cursor),
which is enqueued as the next message of the same group.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable
from typing import Any

from momentum.core import aws
from momentum.core.config import settings
from momentum.frame.sweeps import Budget

Job = Callable[[dict[str, Any], Budget], "dict[str, Any] | None"]


class UnknownJob(ValueError):
    """A kind no catalog entry names (a defect in the code that enqueued it)."""


def job_for(kind: str) -> Job:
    """The function that runs `kind` (imported only when a message of that kind arrives)."""
    from momentum import catalog

    runs = catalog.BACKGROUND_JOBS.get(kind)
    if runs is None:
        raise UnknownJob(kind)
    module, attribute = runs.split(":")
    found: Job = getattr(importlib.import_module(module), attribute)
    return found


def message_body(kind: str, payload: dict[str, Any], ordering_key: str) -> str:
    return json.dumps(
        {"kind": kind, "payload": payload, "ordering_key": ordering_key}, sort_keys=True
    )


def deduplication_id(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def enqueue(kind: str, payload: dict[str, Any], *, ordering_key: str) -> None:
    """Queue `kind` with `payload` behind the other jobs of `ordering_key`."""
    from momentum import catalog

    if kind not in catalog.BACKGROUND_JOBS:
        raise UnknownJob(kind)
    body = message_body(kind, payload, ordering_key)
    aws.client("sqs").send_message(
        QueueUrl=settings().background_queue_url,
        MessageBody=body,
        MessageGroupId=ordering_key[:128],
        MessageDeduplicationId=deduplication_id(body),
    )


def run(body: dict[str, Any], budget: Budget) -> dict[str, Any] | None:
    """Run one message's job; enqueue its continuation, if any. Returns the continuation."""
    kind, payload, ordering_key = str(body["kind"]), dict(body["payload"]), body["ordering_key"]
    continuation = job_for(kind)(payload, budget)
    if continuation is not None:
        enqueue(kind, continuation, ordering_key=str(ordering_key))
    return continuation
