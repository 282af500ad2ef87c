"""The scheduled-sweep event, built once for EventBridge Scheduler (CDK) and the local
scheduler: EventBridge's full event shape, with Scheduler's context attributes where
Scheduler fills in the invocation's own values.

CDK sends `scheduled_sweep_input` as each schedule's target input; the local stack
registers the same input in moto's Scheduler and, when a schedule falls due, fills the
attributes in as Scheduler does (`as_delivered`); tests and benchmarks, which have no
Scheduler, take the delivered event from `scheduled_event`. The sweep takes "now" from
`time`. `detail` holds `sweep` and whatever else a caller adds (the local server's keys).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
EXECUTION_ID = "<aws.scheduler.execution-id>"
SCHEDULE_ARN = "<aws.scheduler.schedule-arn>"
SOURCE = "momentum.scheduler"
DETAIL_TYPE = "Scheduled Event"


def scheduled_sweep_input(
    sweep: str, *, account: str, region: str, detail: Mapping[str, Any] | None = None
) -> dict[str, Any]:
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
        "detail": {**(detail or {}), "sweep": sweep},
    }


def as_delivered(
    schedule_input: str,
    *,
    scheduled_time: str,
    execution_id: str,
    schedule_arn: str,
    detail: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The event a target receives: Scheduler replaces each context attribute in the input
    (`detail`, if given, adds keys to the event's detail)."""
    for attribute, value in (
        (SCHEDULED_TIME, scheduled_time),
        (EXECUTION_ID, execution_id),
        (SCHEDULE_ARN, schedule_arn),
    ):
        schedule_input = schedule_input.replace(attribute, value)
    event: dict[str, Any] = json.loads(schedule_input)
    event["detail"].update(detail or {})
    return event


def scheduled_event(
    sweep: str,
    time: str,
    *,
    detail: Mapping[str, Any] | None = None,
    account: str = "123456789012",
    region: str = "us-east-1",
) -> dict[str, Any]:
    """The event Scheduler delivers for `sweep` falling due at `time` (ISO 8601, UTC)."""
    schedule_input = scheduled_sweep_input(sweep, account=account, region=region, detail=detail)
    return as_delivered(
        json.dumps(schedule_input),
        scheduled_time=time,
        execution_id=str(uuid.uuid4()),
        schedule_arn=f"arn:aws:scheduler:{region}:{account}:schedule/default/momentum-{sweep}",
    )
