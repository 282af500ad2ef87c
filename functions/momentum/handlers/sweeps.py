"""Lambda entry points for the sweeps: EventBridge Scheduler events and SQS continuations.

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
from momentum.frame.sweeps import Budget, Summary
from momentum.notify.service import tally

logger = observability.logger
config.check_cold_start()


def run(sweep: str, now: datetime, context: Any) -> dict[str, Any]:
    schedule = catalog.schedule_named(sweep)
    module_name, function_name = schedule.runs.split(":")
    sweep_function = getattr(importlib.import_module(module_name), function_name)
    started = clock.monotonic()
    failed_before = tally.failed
    try:
        summary: Summary = sweep_function(now, Budget.from_lambda_context(context))
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
    if summary.more:
        aws.client("sqs").send_message(
            QueueUrl=settings().sweep_queue_url,
            MessageBody=json.dumps({"sweep": sweep, "time": api_instant(now)}),
        )
    result = {"sweep": sweep, "time": api_instant(now), **summary.as_dict()}
    logger.info("sweep finished", extra=result)
    return result


@observability.traced(observability.SCHEDULED_EVENT_ID)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run(event["detail"]["sweep"], instant_from_event(event), context)


@observability.traced()
def continue_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    for record in event.get("Records", []):
        observability.correlate(record["messageId"])
        try:
            body = json.loads(record["body"])
            run(body["sweep"], parse_instant(body["time"]), context)
        except Exception:
            logger.exception("sweep continuation failed")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
