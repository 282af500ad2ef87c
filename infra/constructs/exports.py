"""Report exports: the bucket their CSV files go to, and the worker's queue with its DLQ.

Files live under `exports/{org}/{job}/` for a week (the job item's TTL is the same), the
bucket is private (no public access, TLS only, S3-managed encryption) and downloads go
through short presigned GETs that the API mints after its org check.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.compliance import acknowledge
from infra.constructs.queues import DLQ_RETENTION, MAX_RECEIVES
from momentum.catalog import Function

PREFIX = "exports/"
KEEP_DAYS = 7  # as momentum.report_exports.jobs.KEEP_FOR
# The worker's multipart upload and scratch objects; the API only reads finished files.
WRITE_ACTIONS = (
    "s3:PutObject",
    "s3:GetObject",
    "s3:DeleteObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
)


class ReportExports(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, worker: Function) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Files",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=False,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireExports",
                    prefix=PREFIX,
                    expiration=Duration.days(KEEP_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "Export files are short-lived copies of reports the API already audits; every "
            "download is a presigned GET minted by the API after its org check and logged there.",
        )
        self.dlq = sqs.Queue(
            self,
            "WorkerDlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
        )
        self.queue = sqs.Queue(
            self,
            "Worker",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # AWS guidance for Lambda consumers: six times the function timeout.
            visibility_timeout=Duration.seconds(6 * worker.timeout_s),
            # A work queue keeps a message as long as its DLQ would: none expires unseen.
            retention_period=DLQ_RETENTION,
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dlq, max_receive_count=MAX_RECEIVES),
        )

    def _acknowledge_prefix(self, grantee: iam.IGrantable) -> None:
        bucket_id = Stack.of(self).get_logical_id(self.bucket.node.default_child)  # type: ignore[arg-type]
        acknowledge(
            grantee,  # type: ignore[arg-type]
            f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{PREFIX}*]",
            "Objects under the exports prefix of this one bucket: each job's file and "
            "scratch objects have keys made per org and job at run time.",
        )

    def grant_request(self, grantee: iam.IGrantable) -> None:
        """The API: queue a job, and read finished files (what a presigned GET signs for)."""
        self.queue.grant_send_messages(grantee)
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["s3:GetObject"],
            resource_arns=[self.bucket.arn_for_objects(f"{PREFIX}*")],
        )
        self._acknowledge_prefix(grantee)

    def grant_write(self, grantee: iam.IGrantable) -> None:
        """The worker: write files and scratch objects, continue itself through the queue."""
        self.queue.grant_send_messages(grantee)
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(WRITE_ACTIONS),
            resource_arns=[self.bucket.arn_for_objects(f"{PREFIX}*")],
        )
        self._acknowledge_prefix(grantee)

    def feed(self, worker: lambda_.IFunction) -> None:
        """One job step per invocation: each may use the whole timeout."""
        worker.add_event_source(
            event_sources.SqsEventSource(self.queue, batch_size=1, report_batch_item_failures=True)
        )
