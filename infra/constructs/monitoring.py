"""Alarms and the dashboard: function errors and throttles, failed deliveries, sweep
errors, any message parked in a dead-letter queue; requests, notifications, sweeps and
calendar syncs from the functions' EMF metrics (momentum.core.observability)."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.naming import pascal_case

PERIOD = Duration.minutes(5)
NAMESPACE = "Momentum"  # POWERTOOLS_METRICS_NAMESPACE (infra/constructs/functions.py)
SERVICE = {"service": "momentum"}  # Powertools adds it to every metric
# Failure totals the functions emit with the service dimension only, so an alarm sees all.
FAILURE_TOTALS = {
    "NotificationsFailed": "notifications could not be delivered",
    "SweepFailed": "a sweep raised an error",
    "CalendarSyncsFailed": "calendar syncs failed",
}


def momentum_metric(name: str, statistic: str = "Sum", **dimensions: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=NAMESPACE,
        metric_name=name,
        dimensions_map={**SERVICE, **dimensions},
        statistic=statistic,
        period=PERIOD,
    )


class Alarms(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Mapping[str, lambda_.IFunction],
        dead_letter_queues: Mapping[str, sqs.IQueue],
    ) -> None:
        super().__init__(scope, construct_id)
        # A customer managed key, because CloudWatch cannot publish through aws/sns.
        key = kms.Key(
            self,
            "TopicKey",
            description="Momentum: encrypts the alarm topic",
            enable_key_rotation=True,
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            )
        )
        self.topic = sns.Topic(
            self, "Topic", display_name="Momentum alarms", master_key=key, enforce_ssl=True
        )
        notify = actions.SnsAction(self.topic)
        self.alarms: list[cloudwatch.Alarm] = []

        for name, function in functions.items():
            for metric_name, metric in (
                ("Errors", function.metric_errors(period=PERIOD)),
                ("Throttles", function.metric_throttles(period=PERIOD)),
            ):
                self._alarm(
                    f"{pascal_case(name)}{metric_name}",
                    metric,
                    f"{name}: {metric_name.lower()} in the last 5 minutes",
                    notify,
                )
        for name, queue in dead_letter_queues.items():
            self._alarm(
                f"{name}DeadLetters",
                queue.metric_approximate_number_of_messages_visible(period=PERIOD),
                f"{name}: messages are waiting in the dead-letter queue",
                notify,
            )
        for metric_name, what in FAILURE_TOTALS.items():
            self._alarm(metric_name, momentum_metric(metric_name), f"Momentum: {what}", notify)
        self.dashboard = self._dashboard(functions, dead_letter_queues)

    def _dashboard(
        self,
        functions: Mapping[str, lambda_.IFunction],
        dead_letter_queues: Mapping[str, sqs.IQueue],
    ) -> cloudwatch.Dashboard:
        def search(metric_name: str, dimensions: str, label: str) -> cloudwatch.MathExpression:
            # Every route, kind or sweep the functions have reported, one line each.
            return cloudwatch.MathExpression(
                expression=f"SEARCH('{{{NAMESPACE},service,{dimensions}}} "
                f"MetricName=\"{metric_name}\"', 'Sum', 300)",
                label=label,
                period=PERIOD,
            )

        dashboard = cloudwatch.Dashboard(
            self, "Dashboard", dashboard_name=Stack.of(self).stack_name
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Requests by route and status",
                left=[search("Requests", "route,status", "requests")],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="Notifications sent and failed",
                left=[search("NotificationsSent", "kind,channel", "sent")],
                right=[search("NotificationsFailed", "kind,channel", "failed")],
                width=12,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Sweeps: due and done",
                left=[search("SweepDue", "sweep", "due"), search("SweepDone", "sweep", "done")],
                right=[search("SweepFailed", "sweep", "failed")],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Sweep duration (ms)",
                left=[
                    cloudwatch.MathExpression(
                        expression=f"SEARCH('{{{NAMESPACE},service,sweep}} "
                        f"MetricName=\"SweepDuration\"', 'Maximum', 300)",
                        label="duration",
                        period=PERIOD,
                    )
                ],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Calendar syncs",
                left=[search("CalendarSyncs", "outcome,reason", "syncs")],
                right=[search("CalendarSyncsFailed", "reason", "failed")],
                width=8,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Function errors",
                left=[f.metric_errors(period=PERIOD, label=n) for n, f in functions.items()],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="Dead-letter queue depth",
                left=[
                    q.metric_approximate_number_of_messages_visible(period=PERIOD, label=n)
                    for n, q in dead_letter_queues.items()
                ],
                width=12,
            ),
        )
        return dashboard

    def _alarm(
        self,
        construct_id: str,
        metric: cloudwatch.IMetric,
        description: str,
        notify: cloudwatch.IAlarmAction,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            alarm_description=description,
            metric=metric,
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(notify)
        self.alarms.append(alarm)
