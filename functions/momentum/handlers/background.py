"""Lambda entry point: the background worker (SQS FIFO, frame/background.py).

Each record is one job step, logged under its message id. A step that fails is reported
in `batchItemFailures`, and so is every later record of the same message group in the
batch: SQS then redelivers them in order, so a group's jobs never overtake each other.
A malformed record or an unknown kind is dropped with an error line (a redelivery could
never succeed); the queue's DLQ keeps what keeps failing.
"""

from __future__ import annotations

import json
from typing import Any

from momentum.core import config, observability
from momentum.frame import background
from momentum.frame.sweeps import Budget
from momentum.handlers.cold_start import loaded

logger = observability.logger
config.check_cold_start()

RESERVE_SECONDS = 20.0  # left for enqueueing the continuation and answering


@observability.traced()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures: list[dict[str, str]] = []
    failed_groups: set[str] = set()
    budget = Budget.from_lambda_context(context, reserve_seconds=RESERVE_SECONDS)
    for record in event.get("Records", []):
        message_id = str(record.get("messageId"))
        observability.correlate(message_id)
        group = str((record.get("attributes") or {}).get("MessageGroupId", ""))
        if group in failed_groups:
            failures.append({"itemIdentifier": message_id})
            continue
        try:
            body = json.loads(record.get("body") or "")
            kind = str(body["kind"])
            background.job_for(kind)
        except (ValueError, KeyError, TypeError):
            logger.error("dropping a malformed background message", extra={"id": message_id})
            continue
        try:
            continuation = background.run(body, budget)
        except Exception:
            logger.exception("background job failed", extra={"kind": kind})
            observability.failed("BackgroundJobsFailed", {"kind": kind})
            failures.append({"itemIdentifier": message_id})
            failed_groups.add(group)
            continue
        observability.count("BackgroundJobs", {"kind": kind, "continued": str(bool(continuation))})
        logger.info(
            "background job step done", extra={"kind": kind, "continued": bool(continuation)}
        )
    return {"batchItemFailures": failures}


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
