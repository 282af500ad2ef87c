"""Lambda entry points for the sweeps: EventBridge Scheduler events and the shard workers.

A scheduled run finds the due-index shards that hold due work and hands each to a worker
through SQS (one message per shard), so a sweep's work proceeds in parallel, bounded by
the worker function's concurrency (catalog). A worker whose time runs out hands back the
shards it did not finish, again one message each, so a continuation is parallel too. An
event whose detail says `"inline": true` (the local /local/sweeps route), or a stack with
no sweep queue, runs every shard in this invocation and answers with the run's summary.

Only the sweep being run is imported, so each invocation pays for its own context alone.
"""

from __future__ import annotations

import importlib
import json
from datetime import datetime
from typing import Any

from momentum import catalog
from momentum.core import aws, clock, config, observability
from momentum.core.clock import api_instant, instant_from_event, parse_instant
from momentum.core.config import settings
from momentum.frame.sweeps import ALL_SHARDS, Budget, Summary, shards_due
from momentum.handlers.cold_start import loaded
from momentum.notify.service import tally

logger = observability.logger
config.check_cold_start()
SEND_BATCH = 10  # SQS SendMessageBatch's limit


def run(
    sweep: str, now: datetime, context: Any, shards: tuple[int, ...] = ALL_SHARDS
) -> dict[str, Any]:
    """Run `sweep` over `shards` for `now`; unfinished shards go back on the queue."""
    schedule = catalog.schedule_named(sweep)
    module_name, function_name = schedule.runs.split(":")
    sweep_function = getattr(importlib.import_module(module_name), function_name)
    started = clock.monotonic()
    failed_before = tally.failed
    try:
        summary: Summary = sweep_function(now, Budget.from_lambda_context(context, shards=shards))
    except Exception:
        observability.failed("SweepFailed", {"sweep": sweep})
        raise
    # Deliveries that failed in this run went to the ledger's retries; the summary counts them.
    summary.failed += tally.failed - failed_before
    elapsed = (clock.monotonic() - started) * 1000
    counts = (
        ("SweepDue", summary.due),
        ("SweepDone", summary.done),
        ("SweepItemsFailed", summary.failed),
    )
    for name, value in counts:
        observability.count(name, {"sweep": sweep}, value)
    observability.milliseconds("SweepDuration", {"sweep": sweep}, elapsed)
    if summary.more and settings().sweep_queue_url:
        hand_out(sweep, now, shards_due(sweep, now, summary.unfinished_shards))
    result = {"sweep": sweep, "time": api_instant(now), **summary.as_dict()}
    logger.info("sweep finished", extra={**result, "shards": len(shards)})
    return result


def hand_out(sweep: str, now: datetime, shards: tuple[int, ...] | list[int]) -> None:
    """One message per shard, so each is picked up by its own worker."""
    url = settings().sweep_queue_url
    messages = [
        {"Id": str(shard), "MessageBody": json.dumps(shard_work(sweep, now, shard))}
        for shard in shards
    ]
    for start in range(0, len(messages), SEND_BATCH):
        answer = aws.client("sqs").send_message_batch(
            QueueUrl=url, Entries=messages[start : start + SEND_BATCH]
        )
        if answer.get("Failed"):  # lost work would wait for the next run: fail loudly instead
            raise RuntimeError(f"sweep shards not queued: {answer['Failed']}")


def shard_work(sweep: str, now: datetime, shard: int) -> dict[str, Any]:
    return {"sweep": sweep, "time": api_instant(now), "shards": [shard]}


@observability.traced(observability.SCHEDULED_EVENT_ID)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    sweep, now = event["detail"]["sweep"], instant_from_event(event)
    if event["detail"].get("inline") or not settings().sweep_queue_url:
        return run(sweep, now, context)
    catalog.schedule_named(sweep)  # an unknown sweep fails here, not in every worker
    due = shards_due(sweep, now)
    hand_out(sweep, now, due)
    result = {"sweep": sweep, "time": api_instant(now), "shards_due": len(due)}
    logger.info("sweep handed out", extra=result)
    return result


@observability.traced()
def work_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A shard worker (SQS, one record per invocation); each record is retried alone."""
    failures = []
    for record in event.get("Records", []):
        observability.correlate(record["messageId"])
        try:
            body = json.loads(record["body"])
            # a message queued before shards were handed out one by one names none: all
            shards = tuple(body.get("shards", ALL_SHARDS))
            run(body["sweep"], parse_instant(body["time"]), context, shards)
        except Exception:
            logger.exception("sweep shard failed")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
