"""Report exports' infrastructure: a private, encrypted, TLS-only bucket whose files expire
in a week, a worker fed by its own queue with a DLQ, and roles that reach only it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from infra.stack import MomentumStack

from momentum import catalog

pytestmark = pytest.mark.infra
Resources = dict[str, dict[str, Any]]


def test_the_bucket_is_private_encrypted_and_expires_exports(
    resources_of_type: Callable[[str], Resources],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    bucket = resources_of_type("AWS::S3::Bucket")[logical_id(stack.exports.bucket)]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (lifecycle,) = bucket["LifecycleConfiguration"]["Rules"]
    assert lifecycle["Prefix"] == "exports/" and lifecycle["ExpirationInDays"] == 7
    assert lifecycle["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    (policy,) = resources_of_type("AWS::S3::BucketPolicy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_worker_is_fed_by_its_queue_which_keeps_messages_as_long_as_its_dlq(
    resources_of_type: Callable[[str], Resources],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    queues = resources_of_type("AWS::SQS::Queue")
    queue = queues[logical_id(stack.exports.queue)]["Properties"]
    dlq = queues[logical_id(stack.exports.dlq)]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": [logical_id(stack.exports.dlq), "Arn"]
    }
    assert queue["MessageRetentionPeriod"] >= dlq["MessageRetentionPeriod"]
    assert queue["VisibilityTimeout"] == 6 * catalog.function_named("report-exports").timeout_s
    (mapping,) = (
        m["Properties"]
        for m in resources_of_type("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["EventSourceArn"]
        == {"Fn::GetAtt": [logical_id(stack.exports.queue), "Arn"]}
    )
    assert mapping["FunctionName"] == {"Ref": logical_id(stack.functions.by_name["report-exports"])}
    assert mapping["BatchSize"] == 1


def _s3_actions(resources_of_type: Callable[[str], Resources], role_id: str) -> set[str]:
    actions: set[str] = set()
    for policy in resources_of_type("AWS::IAM::Policy").values():
        if {"Ref": role_id} not in policy["Properties"]["Roles"]:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            listed = statement["Action"]
            for action in [listed] if isinstance(listed, str) else listed:
                if action.startswith("s3:"):
                    actions.add(action)
    return actions


def test_only_the_export_functions_reach_the_bucket_and_the_api_only_reads(
    resources_of_type: Callable[[str], Resources],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    reach = {
        name: _s3_actions(resources_of_type, logical_id(role))
        for name, role in stack.functions.roles.items()
    }
    assert reach.pop("report-exports-api") == {"s3:GetObject"}
    assert "s3:PutObject" in reach.pop("report-exports")
    assert all(not actions for actions in reach.values()), reach
