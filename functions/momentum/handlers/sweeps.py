"""Lambda entry points for the sweeps: EventBridge Scheduler events and SQS continuations.

Only the sweep being run is imported, so each invocation pays for its own context alone.
"""

from __future__ import annotations

import importlib
import json
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from momentum import catalog
from momentum.core import aws, config
from momentum.core.clock import api_instant, instant_from_event, parse_instant
from momentum.core.config import settings
from momentum.core.sweeps import Budget, Summary

logger = Logger(service="momentum")
config.check_cold_start()


def run(sweep: str, now: datetime, context: Any) -> dict[str, Any]:
    schedule = catalog.schedule_named(sweep)
    module_name, function_name = schedule.runs.split(":")
    sweep_function = getattr(importlib.import_module(module_name), function_name)
    summary: Summary = sweep_function(now, Budget.from_lambda_context(context))
    if summary.more:
        aws.client("sqs").send_message(
            QueueUrl=settings().sweep_queue_url,
            MessageBody=json.dumps({"sweep": sweep, "time": api_instant(now)}),
        )
    result = {"sweep": sweep, "time": api_instant(now), **summary.as_dict()}
    logger.info("sweep finished", extra=result)
    return result


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run(event["detail"]["sweep"], instant_from_event(event), context)


@logger.inject_lambda_context(clear_state=True)
def continue_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    for record in event.get("Records", []):
        try:
            body = json.loads(record["body"])
            run(body["sweep"], parse_instant(body["time"]), context)
        except Exception:
            logger.exception("sweep continuation failed")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
