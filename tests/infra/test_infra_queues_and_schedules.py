"""Work queues, their consumers, the sweep schedules and the alarms watching them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from infra.schedule_events import as_delivered
from infra.stack import MomentumStack

from momentum import catalog

pytestmark = pytest.mark.infra

Resources = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def schedules(resources_of_type: Callable[[str], Resources]) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources_of_type("AWS::Scheduler::Schedule").values()]


@pytest.mark.parametrize(
    ("queue_attribute", "dlq_attribute", "consumer", "fifo"),
    [
        ("sweep_continuation", "sweep_continuation_dlq", "sweep-worker", False),
        ("calendar_sync", "calendar_sync_dlq", "calendar-sync", True),
    ],
)
def test_queue_feeds_its_consumer_and_parks_failures(
    queue_attribute: str,
    dlq_attribute: str,
    consumer: str,
    fifo: bool,
    resources_of_type: Callable[[str], Resources],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    queues = resources_of_type("AWS::SQS::Queue")
    queue_id = logical_id(getattr(stack.queues, queue_attribute))
    dlq_id = logical_id(getattr(stack.queues, dlq_attribute))
    queue = queues[queue_id]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_id, "Arn"]}
    assert queue["VisibilityTimeout"] >= catalog.function_named(consumer).timeout_s
    for properties in (queue, queues[dlq_id]["Properties"]):
        assert properties["SqsManagedSseEnabled"] is True
        assert properties.get("FifoQueue", False) is fifo
        assert properties.get("ContentBasedDeduplication", False) is fifo

    (mapping,) = (
        m["Properties"]
        for m in resources_of_type("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    )
    assert mapping["FunctionName"] == {"Ref": logical_id(stack.functions.by_name[consumer])}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_every_queue_refuses_plain_http(resources_of_type: Callable[[str], Resources]) -> None:
    guarded = set()
    for policy in resources_of_type("AWS::SQS::QueuePolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Deny" and statement["Condition"] == {
                "Bool": {"aws:SecureTransport": "false"}
            }:
                guarded.add(statement["Resource"]["Fn::GetAtt"][0])
    assert guarded == set(resources_of_type("AWS::SQS::Queue"))


def resolved(value: Any) -> str:
    """A synthesized input with the stack's account and region filled in."""
    if isinstance(value, str):
        return value
    pseudo = {"AWS::AccountId": "123456789012", "AWS::Region": "eu-west-1"}
    separator, parts = value["Fn::Join"]
    return str(separator).join(p if isinstance(p, str) else pseudo[p["Ref"]] for p in parts)


def sweep_of(schedule: dict[str, Any]) -> str:
    return str(json.loads(resolved(schedule["Target"]["Input"]))["detail"]["sweep"])


def test_one_schedule_per_catalog_sweep(schedules: list[dict[str, Any]]) -> None:
    sweeps = sorted(sweep_of(s) for s in schedules)
    assert sweeps == sorted(schedule.sweep for schedule in catalog.SCHEDULES)


@pytest.mark.parametrize("sweep", catalog.SCHEDULES, ids=lambda s: s.sweep)
def test_schedule_invokes_the_sweeps_function_with_the_scheduled_time(
    sweep: catalog.Schedule,
    schedules: list[dict[str, Any]],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    (schedule,) = (s for s in schedules if sweep_of(s) == sweep.sweep)
    assert schedule["ScheduleExpression"] == sweep.expression
    assert schedule["ScheduleExpressionTimezone"] == "Etc/UTC"
    assert schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert target["Arn"] == {
        "Fn::GetAtt": [logical_id(stack.functions.by_name[sweep.function]), "Arn"]
    }
    delivered = as_delivered(
        resolved(target["Input"]),
        scheduled_time="2026-12-06T18:00:00Z",
        execution_id="2b1c0d4e-6f1a-4c1e-9d6a-7f0e5b9c8a11",
        schedule_arn=f"arn:aws:scheduler:eu-west-1:123456789012:schedule/default/{sweep.sweep}",
    )
    event = EventBridgeModel.model_validate(delivered)  # EventBridge's full event shape
    assert event.detail == {"sweep": sweep.sweep}
    assert event.account == "123456789012" and event.region == "eu-west-1"
    assert event.time.isoformat() == "2026-12-06T18:00:00+00:00"
    assert event.resources == [delivered["resources"][0]]
    dlq = logical_id(stack.schedules.dead_letter_queue)
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dlq, "Arn"]}}
    assert target["RoleArn"] == {"Fn::GetAtt": [logical_id(stack.schedules.role), "Arn"]}


def test_scheduler_role_may_invoke_only_the_sweeps_function(
    resources_of_type: Callable[[str], Resources],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    role_id = logical_id(stack.schedules.role)
    statements = [
        statement
        for policy in resources_of_type("AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    invoke = [s for s in statements if s["Action"] == "lambda:InvokeFunction"]
    sweeps = logical_id(stack.functions.by_name["sweeps"])
    assert invoke
    assert all(sweeps in json.dumps(s["Resource"]) for s in invoke)
    assert not any(
        other in json.dumps(invoke)
        for name, function in stack.functions.by_name.items()
        if name != "sweeps"
        for other in [logical_id(function)]
    )


def test_alarms_watch_every_function_and_dead_letter_queue(
    resources_of_type: Callable[[str], Resources],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    alarms = [a["Properties"] for a in resources_of_type("AWS::CloudWatch::Alarm").values()]
    topic = logical_id(stack.alarms.topic)
    assert all(alarm["AlarmActions"] == [{"Ref": topic}] for alarm in alarms)

    def watched(metric_name: str) -> set[str]:
        return {
            dimension["Value"]["Ref"]
            for alarm in alarms
            if alarm["MetricName"] == metric_name
            for dimension in alarm["Dimensions"]
        }

    functions = {logical_id(function) for function in stack.functions.by_name.values()}
    assert watched("Errors") == functions
    assert watched("Throttles") == functions
    dead_letter_queues = {
        logical_id(queue)
        for queue in (
            stack.queues.sweep_continuation_dlq,
            stack.queues.calendar_sync_dlq,
            stack.queues.background_dlq,
            stack.schedules.dead_letter_queue,
            stack.exports.dlq,
        )
    }
    dlq_alarms = [a for a in alarms if a["MetricName"] == "ApproximateNumberOfMessagesVisible"]
    assert all(a["Threshold"] == 0 for a in dlq_alarms)
    assert all(a["ComparisonOperator"] == "GreaterThanThreshold" for a in dlq_alarms)
    assert {
        d["Value"]["Fn::GetAtt"][0] for a in dlq_alarms for d in a["Dimensions"]
    } == dead_letter_queues


def test_alarm_topic_is_encrypted(
    resources_of_type: Callable[[str], Resources],
) -> None:
    (topic,) = (t["Properties"] for t in resources_of_type("AWS::SNS::Topic").values())
    assert "KmsMasterKeyId" in topic


def test_failed_sweep_invocations_land_in_the_failed_sweeps_queue(
    resources_of_type: Callable[[str], Resources],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    (config,) = (
        r["Properties"] for r in resources_of_type("AWS::Lambda::EventInvokeConfig").values()
    )
    assert config["FunctionName"] == {"Ref": logical_id(stack.functions.by_name["sweeps"])}
    queue = logical_id(stack.schedules.dead_letter_queue)
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue, "Arn"]}


def test_work_queues_keep_messages_as_long_as_their_dead_letter_queues(
    resources_of_type: Callable[[str], Resources],
) -> None:
    retention = {
        r["Properties"].get("MessageRetentionPeriod")
        for r in resources_of_type("AWS::SQS::Queue").values()
    }
    assert retention == {14 * 24 * 3600}


def test_failures_alarm_and_the_dashboard_shows_the_functions_metrics(
    resources_of_type: Callable[[str], Resources],
) -> None:
    alarmed = {
        r["Properties"].get("MetricName")
        for r in resources_of_type("AWS::CloudWatch::Alarm").values()
        if r["Properties"].get("Namespace") == "Momentum"
    }
    assert alarmed == {"NotificationsFailed", "SweepFailed", "CalendarSyncsFailed"}
    (dashboard,) = resources_of_type("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for metric in ("Requests", "NotificationsSent", "SweepDue", "SweepDuration", "CalendarSyncs"):
        assert metric in body


def test_sweep_workers_are_bounded_by_the_catalog(
    resources_of_type: Callable[[str], Resources],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    queue_id = logical_id(stack.queues.sweep_continuation)
    (mapping,) = (
        m["Properties"]
        for m in resources_of_type("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    )
    assert mapping["BatchSize"] == 1
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": catalog.SWEEP_WORKERS}
