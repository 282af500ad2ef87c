"""EventBridge Scheduler: one schedule per catalog sweep, each invoking the sweeps function."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, Stack, TimeZone
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.compliance import acknowledge
from infra.constructs.naming import pascal_case
from infra.schedule_events import scheduled_sweep_input
from momentum import catalog

DELIVERY_RETRIES = 3
# A sweep reads "now" from the event, so a late delivery is still correct; past this it is moot.
MAX_DELIVERY_AGE = Duration.hours(1)


class SweepSchedules(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Mapping[str, lambda_.IFunction],
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue = sqs.Queue(
            self,
            "FailedDeliveries",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        acknowledge(
            self.dead_letter_queue,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter queue of the Scheduler targets; "
            "Scheduler's DeadLetterConfig is not a redrive policy cdk-nag can see.",
        )
        account = Stack.of(self).account
        self.role = iam.Role(
            self,
            "InvokeRole",
            description="Momentum: EventBridge Scheduler invokes the sweeps function",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            ),
        )
        # Scheduler invokes asynchronously: an invocation that still fails after Lambda's
        # retries lands in the same queue as one Scheduler could not deliver.
        for function in {functions[sweep.function] for sweep in catalog.SCHEDULES}:
            function.configure_async_invoke(
                on_failure=destinations.SqsDestination(self.dead_letter_queue),
                retry_attempts=2,
                max_event_age=MAX_DELIVERY_AGE,
            )
        self.schedules: dict[str, scheduler.Schedule] = {}
        for sweep in catalog.SCHEDULES:
            target = targets.LambdaInvoke(
                functions[sweep.function],
                role=self.role,
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=DELIVERY_RETRIES,
                max_event_age=MAX_DELIVERY_AGE,
                input=scheduler.ScheduleTargetInput.from_object(
                    scheduled_sweep_input(
                        sweep.sweep,
                        account=Stack.of(self).account,
                        region=Stack.of(self).region,
                    )
                ),
            )
            self.schedules[sweep.sweep] = scheduler.Schedule(
                self,
                pascal_case(sweep.sweep),
                description=sweep.description,
                schedule=scheduler.ScheduleExpression.expression(
                    sweep.expression, TimeZone.ETC_UTC
                ),
                target=target,
            )
        for function in {functions[sweep.function] for sweep in catalog.SCHEDULES}:
            # LambdaInvoke grants the function and its qualified ARNs (versions, aliases).
            function_id = Stack.of(self).get_logical_id(function.node.default_child)
            acknowledge(
                self.role,
                f"AwsSolutions-IAM5[Resource::<{function_id}.Arn>:*]",
                "Scheduler may invoke the sweeps function's versions and aliases; the "
                "wildcard is the qualifier of that one function, not other resources.",
            )
