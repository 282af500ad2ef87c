"""Delivers SQS messages to their consumer functions, as Lambda event source mappings do.

The queues live in moto; this poller receives batches, hands them to the consumer as an
SQS event, and deletes what the function did not report in `batchItemFailures`.
`drain()` does the same synchronously until the queues are empty, so tests and people
can wait for "everything enqueued has been processed". A consumer with a concurrency in
the catalog (the sweep workers) gets one message per invocation on that many threads at
once, as the SQS event source's batch size 1 and maximum concurrency do in AWS.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from infra.local import gateway

# Calls a catalog function with an event as Lambda would (the local stack: its container).
Invoke = Callable[[Any, dict[str, Any]], Any]

# queue URL environment variable -> consumer function (as in infra/constructs/queues.py)
CONSUMERS = {
    "SWEEP_QUEUE_URL": "sweep-worker",
    "CALENDAR_QUEUE_URL": "calendar-sync",
    "BACKGROUND_QUEUE_URL": "background",
    # Report exports (issue 17)
    "EXPORT_QUEUE_URL": "report-exports",
}


class QueuePoller:
    def __init__(
        self,
        poll_seconds: float = 0.5,
        invoke: Invoke = gateway.invoke,
        queues: tuple[str, ...] = tuple(CONSUMERS),
    ) -> None:
        self._invoke = invoke
        self._queues = queues  # the queue URL settings to poll (default: every consumer)
        self._stop = threading.Event()
        self._poll = poll_seconds
        self._busy = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="queues", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._poll):
            try:
                self.drain(max_rounds=1)
            except Exception:  # keep polling; the failure is the function's to report
                import traceback

                traceback.print_exc()

    def drain(self, max_rounds: int = 50) -> int:
        """Deliver until every queue is empty (or max_rounds batches); returns messages."""
        from momentum import catalog
        from momentum.core import aws

        delivered = 0
        with self._busy:
            for _ in range(max_rounds):
                batch_total = 0
                for variable in self._queues:
                    function_name = CONSUMERS[variable]
                    url = os.environ.get(variable)
                    if not url or not _handler_exists(function_name):
                        continue
                    sqs = aws.client("sqs")
                    answer = sqs.receive_message(
                        QueueUrl=url,
                        MaxNumberOfMessages=10,
                        AttributeNames=["All"],
                        WaitTimeSeconds=0,
                    )
                    messages = answer.get("Messages", [])
                    if not messages:
                        continue
                    batch_total += len(messages)
                    function = catalog.function_named(function_name)
                    failed = _deliver(self._invoke, function, url, messages)
                    for message in messages:
                        if message["MessageId"] not in failed:
                            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                delivered += batch_total
                if batch_total == 0:
                    break
        return delivered


def _deliver(invoke: Invoke, function: Any, url: str, messages: list[dict[str, Any]]) -> set[str]:
    """Invoke the consumer; the ids of the messages it reported as failed."""
    if not function.concurrency:
        return _failed(invoke(function, _sqs_event(url, messages)))
    # One message per invocation, that many at once (SQS batch size 1, maximum concurrency).
    with ThreadPoolExecutor(max_workers=function.concurrency) as workers:
        answers = list(
            workers.map(lambda m: _failed(invoke(function, _sqs_event(url, [m]))), messages)
        )
    return set().union(*answers)


def _failed(result: dict[str, Any] | None) -> set[str]:
    return {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}


def _handler_exists(function_name: str) -> bool:
    import importlib.util

    from momentum import catalog

    return importlib.util.find_spec(catalog.function_named(function_name).module) is not None


def _sqs_event(url: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    name = url.rsplit("/", 1)[-1]
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:us-east-1:000000000000:{name}",
                "awsRegion": "us-east-1",
                "eventID": str(uuid.uuid4()),
            }
            for m in messages
        ]
    }
