"""The table in the template is the one momentum.store.schema declares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from momentum.store import schema

pytestmark = pytest.mark.infra


@pytest.fixture(scope="module")
def table_resource(resources_of_type: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    (resource,) = resources_of_type("AWS::DynamoDB::GlobalTable").values()
    return resource


@pytest.fixture(scope="module")
def table(table_resource: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = table_resource["Properties"]
    return properties


def test_keys_and_attributes_mirror_the_schema(table: dict[str, Any]) -> None:
    request = schema.create_table_request("momentum")
    assert table["KeySchema"] == request["KeySchema"]
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(
        request["AttributeDefinitions"], key=str
    )
    assert table["BillingMode"] == "PAY_PER_REQUEST"


def test_every_schema_index_exists_with_its_declared_projection(table: dict[str, Any]) -> None:
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {index.name for index in schema.GLOBAL_SECONDARY_INDEXES}
    for index in schema.GLOBAL_SECONDARY_INDEXES:
        assert indexes[index.name]["KeySchema"] == [
            {"AttributeName": index.partition_key, "KeyType": "HASH"},
            {"AttributeName": index.sort_key, "KeyType": "RANGE"},
        ]
        assert indexes[index.name]["Projection"] == {"ProjectionType": index.projection}
    assert indexes[schema.GSI_DUE.name]["Projection"] == {"ProjectionType": "KEYS_ONLY"}


def test_ttl_is_on_the_schema_attribute(table: dict[str, Any]) -> None:
    assert table["TimeToLiveSpecification"] == {
        "AttributeName": schema.TTL_ATTRIBUTE,
        "Enabled": True,
    }


def test_point_in_time_recovery_deletion_protection_and_encryption(
    table_resource: dict[str, Any], table: dict[str, Any]
) -> None:
    (replica,) = table["Replicas"]
    assert replica["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert replica["DeletionProtectionEnabled"] is True
    assert table["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}
    assert "StreamSpecification" not in table
    assert table_resource["DeletionPolicy"] == "Retain"
