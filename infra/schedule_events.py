"""The scheduled-sweep event, built once for EventBridge Scheduler (CDK) and the local
scheduler: EventBridge's full event shape, with Scheduler's context attributes where
Scheduler fills in the invocation's own values.

CDK sends `scheduled_sweep_input` as each schedule's target input; the local stack
registers the same input in moto's Scheduler and, when a schedule falls due, fills the
attributes in as Scheduler does (`as_delivered`). The sweep takes "now" from `time`.
"""

from __future__ import annotations

import json
from typing import Any

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
EXECUTION_ID = "<aws.scheduler.execution-id>"
SCHEDULE_ARN = "<aws.scheduler.schedule-arn>"
SOURCE = "momentum.scheduler"
DETAIL_TYPE = "Scheduled Event"


def scheduled_sweep_input(sweep: str, *, account: str, region: str) -> dict[str, Any]:
    """The input of the schedule that runs `sweep` (account and region may be CDK tokens)."""
    return {
        "version": "0",
        "id": EXECUTION_ID,
        "detail-type": DETAIL_TYPE,
        "source": SOURCE,
        "account": account,
        "time": SCHEDULED_TIME,
        "region": region,
        "resources": [SCHEDULE_ARN],
        "detail": {"sweep": sweep},
    }


def as_delivered(
    schedule_input: str, *, scheduled_time: str, execution_id: str, schedule_arn: str
) -> dict[str, Any]:
    """The event a target receives: Scheduler replaces each context attribute in the input."""
    for attribute, value in (
        (SCHEDULED_TIME, scheduled_time),
        (EXECUTION_ID, execution_id),
        (SCHEDULE_ARN, schedule_arn),
    ):
        schedule_input = schedule_input.replace(attribute, value)
    event: dict[str, Any] = json.loads(schedule_input)
    return event
