"""The send ledger: every notification is sent at most once, and never lost.

Before sending, a ledger item keyed by (kind, recipient, subject, occurrence) is claimed
with a condition. A claim that is `sent` is final. A claim still `sending` after LEASE
(the sender crashed between claim and send) may be taken over, so the send is retried
rather than lost; overlapping sweeps inside the lease never both send.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from botocore.exceptions import ClientError

from momentum.core import aws
from momentum.core.clock import epoch_seconds, key_instant
from momentum.store.codec import serialize, serialize_value
from momentum.store.keys import ledger_key
from momentum.store.table import table_name

LEASE = timedelta(minutes=5)
KEEP = timedelta(days=400)


def claim(
    org_id: str, kind: str, recipient: str, subject: str, occurrence: str, now: datetime
) -> bool:
    """True if the caller now holds the right (and duty) to send this notification."""
    try:
        aws.dynamodb().put_item(
            TableName=table_name(),
            Item=serialize(
                {
                    **ledger_key(org_id, kind, recipient, subject, occurrence),
                    "type": "ledger",
                    "state": "sending",
                    "claimed_at": key_instant(now),
                    "expires_at": epoch_seconds(now + KEEP),
                }
            ),
            ConditionExpression=(
                "attribute_not_exists(pk) OR (#state = :sending AND claimed_at < :stale)"
            ),
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={
                ":sending": serialize_value("sending"),
                ":stale": serialize_value(key_instant(now - LEASE)),
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def mark_sent(
    org_id: str, kind: str, recipient: str, subject: str, occurrence: str, message_id: str
) -> None:
    aws.dynamodb().update_item(
        TableName=table_name(),
        Key=serialize(ledger_key(org_id, kind, recipient, subject, occurrence)),
        UpdateExpression="SET #state = :sent, message_id = :id",
        ExpressionAttributeNames={"#state": "state"},
        ExpressionAttributeValues={
            ":sent": serialize_value("sent"),
            ":id": serialize_value(message_id),
        },
    )
