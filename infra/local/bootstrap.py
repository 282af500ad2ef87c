"""Makes the emulated account look like the deployed one: the table (from the same schema
declaration as CDK), the SES identity and configuration set, the calendar KMS key, the
secrets (cursor key, calendar OAuth clients), the queues, the user pool and the
schedules (from the same catalog and event builder as CDK).

`prepare` answers the values of every setting (infra/environment.py), the local
counterparts of what the CDK stack passes its functions.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infra.local.identity import LocalIdentity
from infra.schedule_events import as_delivered, scheduled_sweep_input
from momentum import catalog
from momentum.core import aws
from momentum.store.schema import TTL_ATTRIBUTE, create_table_request

SCHEDULE_GROUP = "default"
KMS_ALIAS = "alias/momentum-calendar"
CONFIGURATION_SET = "momentum-local"
EXPORT_BUCKET = "momentum-report-exports"
ACCOUNT, REGION = "000000000000", "us-east-1"
SCHEDULER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/momentum-scheduler"
# The fake providers' OAuth clients (infra/local/calendar_fakes.py accepts any).
LOCAL_OAUTH_CLIENTS = {
    "google_client_id": "momentum-local-google",
    "google_client_secret": "momentum-local-google-secret",
    "microsoft_client_id": "momentum-local-microsoft",
    "microsoft_client_secret": "momentum-local-microsoft-secret",
}


def _event_bus(name: str) -> str:
    """The bus the events-publish sweep puts domain events on (moto's EventBridge)."""
    events = aws.client("events")
    if name not in [bus["Name"] for bus in events.list_event_buses()["EventBuses"]]:
        events.create_event_bus(Name=name)
    return name


def _secret(name: str, value: str) -> str:
    manager = aws.client("secretsmanager")
    return str(manager.create_secret(Name=name, SecretString=value)["ARN"])


def _report_exports(sqs: Any) -> dict[str, str]:
    """Report exports (issue 17): the files' bucket (moto's S3) and the worker's queue."""
    aws.client("s3").create_bucket(Bucket=EXPORT_BUCKET)
    queue = sqs.create_queue(QueueName="momentum-report-exports")["QueueUrl"]
    return {"EXPORT_BUCKET": EXPORT_BUCKET, "EXPORT_QUEUE_URL": queue}


def prepare(
    *, data_dir: Path, table_name: str, sender_email: str, identity: LocalIdentity
) -> dict[str, str]:
    aws.reset_clients()
    dynamodb = aws.dynamodb()
    if table_name not in dynamodb.list_tables()["TableNames"]:
        dynamodb.create_table(**create_table_request(table_name))
        dynamodb.get_waiter("table_exists").wait(TableName=table_name)
        dynamodb.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
    ses = aws.client("sesv2")
    ses.create_email_identity(EmailIdentity=sender_email)
    ses.create_configuration_set(ConfigurationSetName=CONFIGURATION_SET)
    kms = aws.client("kms")
    key_id = kms.create_key(Description="Momentum calendar refresh tokens")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=key_id)
    cursor_key = data_dir / "cursor-secret"
    if not cursor_key.exists():
        cursor_key.write_text(secrets.token_urlsafe(32))
    sqs = aws.client("sqs")
    values = {
        "TABLE_NAME": table_name,
        "SENDER_EMAIL": sender_email,
        "SES_CONFIGURATION_SET": CONFIGURATION_SET,
        "KMS_KEY_ID": key_id,
        "CURSOR_SECRET_ARN": _secret("momentum-cursor-signing-key", cursor_key.read_text()),
        "CALENDAR_SECRETS_ARN": _secret(
            "momentum-calendar-oauth-clients", json.dumps(LOCAL_OAUTH_CLIENTS)
        ),
        "SWEEP_QUEUE_URL": sqs.create_queue(QueueName="momentum-sweep-continuation")["QueueUrl"],
        "CALENDAR_QUEUE_URL": sqs.create_queue(
            QueueName="momentum-calendar-sync.fifo",
            Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        )["QueueUrl"],
        "EVENT_BUS_NAME": _event_bus("momentum-events"),
        # Background jobs (core/background.py): FIFO, deduplicated by the job's digest.
        "BACKGROUND_QUEUE_URL": sqs.create_queue(
            QueueName="momentum-background.fifo", Attributes={"FifoQueue": "true"}
        )["QueueUrl"],
        **_report_exports(sqs),
    }
    scheduler = aws.client("scheduler")
    for schedule in catalog.SCHEDULES:
        scheduler.create_schedule(
            Name=f"momentum-{schedule.sweep}",
            GroupName=SCHEDULE_GROUP,
            ScheduleExpression=schedule.expression,
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={
                "Arn": f"arn:aws:lambda:us-east-1:000000000000:function:{schedule.function}",
                "RoleArn": SCHEDULER_ROLE,
                "Input": json.dumps(
                    scheduled_sweep_input(schedule.sweep, account=ACCOUNT, region=REGION)
                ),
            },
        )
    identity.prepare()
    values["USER_POOL_ID"] = identity.user_pool_id
    return values


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


def delivered_event(
    sweep: str, instant: datetime, *, detail: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What Scheduler would hand the sweeps function for `sweep` at `instant` (`detail`:
    keys the local server adds to the event's detail)."""
    schedule = aws.client("scheduler").get_schedule(
        Name=f"momentum-{sweep}", GroupName=SCHEDULE_GROUP
    )
    return as_delivered(
        schedule["Target"]["Input"],
        scheduled_time=instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        execution_id=str(uuid.uuid4()),
        schedule_arn=schedule["Arn"],
        detail=detail,
    )
