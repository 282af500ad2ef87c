"""The single table's shape, declared once for CDK, the local server and the tests.

Every partition key starts with `ORG#{org_id}` (see keys.py), so no query can cross
tenants. Four GSIs:
- `by_owner`  (gsi1pk, gsi1sk): an entity's second home, e.g. goals by owner, users by name.
- `by_lookup` (gsi2pk, gsi2sk): look-ups by another attribute, e.g. search tokens, pairs.
- `due`       (due_pk, due_sk): work a sweep must do; `due_sk` is the UTC instant it falls
  due, so a sweep reads `due_sk <= now` and touches only due items. Processing an item
  removes or re-arms its due attributes, which is what makes replays cheap and idempotent.
  Keys only: a sweep reads each due item itself, consistently (core.sweeps), so an index
  entry is one small write and a stale one is recognised rather than acted on.
- `audit`     (audit_pk, audit_sk): the org's activity by time (`ORG#{org}#AUDIT#{YYYY-MM}`).
`expires_at` (epoch seconds) is the TTL attribute (idempotency records, cached state).
"""

from __future__ import annotations

import msgspec


class Index(msgspec.Struct, frozen=True):
    name: str
    partition_key: str
    sort_key: str
    projection: str = "ALL"  # DynamoDB ProjectionType: ALL | KEYS_ONLY


PARTITION_KEY = "pk"
SORT_KEY = "sk"
TTL_ATTRIBUTE = "expires_at"

GSI_BY_OWNER = Index("by_owner", "gsi1pk", "gsi1sk")
GSI_BY_LOOKUP = Index("by_lookup", "gsi2pk", "gsi2sk")
GSI_DUE = Index("due", "due_pk", "due_sk", projection="KEYS_ONLY")
# The audit log: every activity entry of an org by time, one partition per org and month.
GSI_AUDIT = Index("audit", "audit_pk", "audit_sk")
GLOBAL_SECONDARY_INDEXES: tuple[Index, ...] = (GSI_BY_OWNER, GSI_BY_LOOKUP, GSI_DUE, GSI_AUDIT)

# Due entries are spread over this many partitions per sweep (a hash of the item's
# partition key, so of its org): one worker drains one shard, and a shard holds about
# 1/64 of a peak (docs/decisions.md, "Sweeps at scale", has the arithmetic).
DUE_SHARDS = 64


def key_attributes() -> list[str]:
    """Every attribute that is a key of the table or an index (all strings)."""
    names = [PARTITION_KEY, SORT_KEY]
    for index in GLOBAL_SECONDARY_INDEXES:
        names += [index.partition_key, index.sort_key]
    return names


def create_table_request(table_name: str) -> dict[str, object]:
    """A DynamoDB CreateTable request, for DynamoDB Local and moto (CDK mirrors it)."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in key_attributes()
        ],
        "KeySchema": [
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": index.projection},
            }
            for index in GLOBAL_SECONDARY_INDEXES
        ],
    }
