"""Lambda entry point of the export worker (SQS): each record continues one export job."""

from __future__ import annotations

import json
from typing import Any

from momentum.core import config, observability
from momentum.frame.sweeps import Budget
from momentum.handlers.cold_start import loaded
from momentum.report_exports import worker

logger = observability.logger
config.check_cold_start()
# Seconds kept back from the invocation's time to save the pending part and checkpoint.
RESERVE_SECONDS = 20.0


@observability.traced()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    budget = Budget.from_lambda_context(context, reserve_seconds=RESERVE_SECONDS)
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    lease = int(remaining() / 1000) + 1 if remaining else 900
    for record in event.get("Records", []):
        observability.correlate(record["messageId"])
        attempt = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
        try:
            outcome = worker.handle(json.loads(record["body"]), budget, lease, attempt)
            logger.info("export step", extra={"outcome": outcome})
        except Exception:
            logger.exception("export step failed")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
