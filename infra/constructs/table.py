"""The single DynamoDB table, shaped by `momentum.store.schema`."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from momentum.store import schema

# Every item operation the repositories use; no Scan, because no request or sweep path may scan.
ITEM_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)
INDEX_ACTIONS = ("dynamodb:Query",)


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class MomentumTable(Construct):
    """On-demand table with point-in-time recovery, deletion protection and a TTL.

    Encryption uses the AWS managed key (aws/dynamodb): key use is audited in CloudTrail,
    no principal outside this account needs the data, and the functions need no KMS grant.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.TableV2(
            self,
            "Table",
            partition_key=_string(schema.PARTITION_KEY),
            sort_key=_string(schema.SORT_KEY),
            billing=dynamodb.Billing.on_demand(),
            encryption=dynamodb.TableEncryptionV2.aws_managed_key(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
            time_to_live_attribute=schema.TTL_ATTRIBUTE,
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexPropsV2(
                    index_name=index.name,
                    partition_key=_string(index.partition_key),
                    sort_key=_string(index.sort_key),
                    projection_type=dynamodb.ProjectionType(index.projection),
                )
                for index in schema.GLOBAL_SECONDARY_INDEXES
            ],
        )

    @property
    def table_name(self) -> str:
        return self.table.table_name

    def grant_item_access(self, grantee: iam.IGrantable) -> None:
        """Read/write items on the table and Query on each named index (no wildcards)."""
        table_arn = self.table.table_arn
        iam.Grant.add_to_principal(
            grantee=grantee, actions=list(ITEM_ACTIONS), resource_arns=[table_arn]
        )
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(INDEX_ACTIONS),
            resource_arns=[
                f"{table_arn}/index/{index.name}" for index in schema.GLOBAL_SECONDARY_INDEXES
            ],
        )
