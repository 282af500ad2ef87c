"""Makes the emulated account look like the deployed one: the table (from the same schema
declaration as CDK), the SES sender identity, the calendar KMS key, the sweep queue and the
schedules (from the same catalog as CDK)."""

from __future__ import annotations

import json
import os

from momentum import catalog
from momentum.core import aws
from momentum.core.config import settings
from momentum.store.schema import TTL_ATTRIBUTE, create_table_request

SCHEDULE_GROUP = "default"
KMS_ALIAS = "alias/momentum-calendar"


def prepare(port: int) -> None:
    aws.reset_clients()
    dynamodb = aws.dynamodb()
    name = settings().table_name
    if name not in dynamodb.list_tables()["TableNames"]:
        dynamodb.create_table(**create_table_request(name))
        dynamodb.get_waiter("table_exists").wait(TableName=name)
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
    aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
    kms = aws.client("kms")
    key_id = kms.create_key(Description="Momentum calendar refresh tokens")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=key_id)
    os.environ["KMS_KEY_ID"] = key_id
    sqs = aws.client("sqs")
    os.environ["SWEEP_QUEUE_URL"] = sqs.create_queue(QueueName="momentum-sweep-continuation")[
        "QueueUrl"
    ]
    os.environ["CALENDAR_QUEUE_URL"] = sqs.create_queue(
        QueueName="momentum-calendar-sync.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    events = aws.client("events")
    bus = os.environ.setdefault("EVENT_BUS_NAME", "momentum-events")
    if bus not in [b["Name"] for b in events.list_event_buses()["EventBuses"]]:
        events.create_event_bus(Name=bus)
    settings.cache_clear()
    scheduler = aws.client("scheduler")
    for schedule in catalog.SCHEDULES:
        scheduler.create_schedule(
            Name=f"momentum-{schedule.sweep}",
            GroupName=SCHEDULE_GROUP,
            ScheduleExpression=schedule.expression,
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={
                "Arn": f"arn:aws:lambda:us-east-1:000000000000:function:{schedule.function}",
                "RoleArn": "arn:aws:iam::000000000000:role/momentum-scheduler",
                "Input": json.dumps(
                    {
                        "version": "0",
                        "source": "momentum.scheduler",
                        "detail-type": "Scheduled Event",
                        "time": "<aws.scheduler.scheduled-time>",
                        "detail": {"sweep": schedule.sweep},
                    }
                ),
            },
        )


def registered_schedules() -> list[tuple[str, str]]:
    """(sweep, expression) for every schedule registered in the emulated Scheduler."""
    scheduler = aws.client("scheduler")
    found = []
    for summary in scheduler.list_schedules(GroupName=SCHEDULE_GROUP).get("Schedules", []):
        schedule = scheduler.get_schedule(Name=summary["Name"], GroupName=SCHEDULE_GROUP)
        if schedule.get("State", "ENABLED") != "ENABLED":
            continue
        sweep = json.loads(schedule["Target"]["Input"])["detail"]["sweep"]
        found.append((sweep, schedule["ScheduleExpression"]))
    return found
