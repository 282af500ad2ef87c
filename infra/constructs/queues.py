"""SQS work queues: sweep shards (a run's fan-out and its continuations), per-connection
calendar syncs and background jobs (core/background.py), each with a DLQ."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from momentum.catalog import Function

# A message is retried this many times before it is parked in the dead-letter queue.
MAX_RECEIVES = 5
DLQ_RETENTION = Duration.days(14)


def _visibility_for(consumer: Function) -> Duration:
    # AWS guidance for Lambda consumers: six times the function timeout.
    return Duration.seconds(6 * consumer.timeout_s)


class WorkQueues(Construct):
    """Both queues are SSE-SQS encrypted and refuse non-TLS requests."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        sweep_consumer: Function,
        calendar_consumer: Function,
        background_consumer: Function,
    ) -> None:
        super().__init__(scope, construct_id)
        self._sweep_workers = sweep_consumer.concurrency
        self.sweep_continuation_dlq = self._queue("SweepContinuationDlq", fifo=False)
        self.sweep_continuation = self._queue(
            "SweepContinuation",
            fifo=False,
            visibility_timeout=_visibility_for(sweep_consumer),
            dead_letter_queue=self.sweep_continuation_dlq,
        )
        self.calendar_sync_dlq = self._queue("CalendarSyncDlq", fifo=True)
        self.calendar_sync = self._queue(
            "CalendarSync",
            fifo=True,
            visibility_timeout=_visibility_for(calendar_consumer),
            dead_letter_queue=self.calendar_sync_dlq,
        )
        # Background jobs: FIFO, one message group per org (reorganisations) or series.
        self.background_dlq = self._queue("BackgroundDlq", fifo=True)
        self.background = self._queue(
            "Background",
            fifo=True,
            visibility_timeout=_visibility_for(background_consumer),
            dead_letter_queue=self.background_dlq,
        )

    def _queue(
        self,
        construct_id: str,
        *,
        fifo: bool,
        visibility_timeout: Duration | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
    ) -> sqs.Queue:
        return sqs.Queue(
            self,
            construct_id,
            fifo=fifo or None,
            content_based_deduplication=fifo or None,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=visibility_timeout,
            # A work queue keeps a message as long as its DLQ would: none expires unseen.
            retention_period=DLQ_RETENTION,
            dead_letter_queue=(
                sqs.DeadLetterQueue(queue=dead_letter_queue, max_receive_count=MAX_RECEIVES)
                if dead_letter_queue is not None
                else None
            ),
        )

    @property
    def dead_letter_queues(self) -> dict[str, sqs.IQueue]:
        return {
            "SweepContinuation": self.sweep_continuation_dlq,
            "CalendarSync": self.calendar_sync_dlq,
            "Background": self.background_dlq,
        }

    def feed(
        self,
        *,
        sweep_continuation: lambda_.IFunction,
        calendar_sync: lambda_.IFunction,
        background: lambda_.IFunction,
    ) -> None:
        """Attach each queue to its consumer; failed records are retried one by one."""
        # One shard per invocation, each with the whole 5-minute budget; at most the
        # catalog's worker count at once, so DynamoDB and SES see a bounded load.
        sweep_continuation.add_event_source(
            event_sources.SqsEventSource(
                self.sweep_continuation,
                batch_size=1,
                report_batch_item_failures=True,
                max_concurrency=self._sweep_workers,
            )
        )
        calendar_sync.add_event_source(
            event_sources.SqsEventSource(
                self.calendar_sync, batch_size=10, report_batch_item_failures=True
            )
        )
        # Background jobs: a batch of 10; a failed step fails the rest of its group (order).
        background.add_event_source(
            event_sources.SqsEventSource(
                self.background, batch_size=10, report_batch_item_failures=True
            )
        )
