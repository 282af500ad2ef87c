"""The send ledger: every notification is sent at most once, and never lost.

Before sending, a ledger item keyed by (kind, recipient, subject, occurrence) is claimed
with a condition. A claim that is `sent` is final. A claim still `sending` after LEASE
(the sender crashed between claim and send) may be taken over, so the send is retried
rather than lost; overlapping sweeps inside the lease never both send.

A send that fails becomes the delivery record: the item keeps what was rendered, the
destination, the attempt count and the last reason, and waits in the due index for the
`delivery-retries` sweep (RETRY_AFTER backoff). After ATTEMPTS it is `parked` with its
reason; while retrying or parked it is listed for the org's admins (by_owner index).
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta
from typing import Any

from momentum.core.clock import api_instant, epoch_seconds, key_instant
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.keys import delivery_problems_partition, due_attributes
from momentum.store.schema import GSI_BY_OWNER

LEASE = timedelta(minutes=5)
KEEP = timedelta(days=400)
RETRY_SWEEP = "delivery-retries"
RETRY_AFTER = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
THROTTLED_RETRY = timedelta(minutes=1)  # the next delivery-retries run takes it
ATTEMPTS = len(RETRY_AFTER) + 1


def claim(key: dict[str, str], now: datetime) -> bool:
    """True if the caller now holds the right (and duty) to send this notification."""
    return transactions.write_if(
        transactions.put(
            {
                **key,
                "type": "ledger",
                "state": "sending",
                "claimed_at": key_instant(now),
                "expires_at": epoch_seconds(now + KEEP),
            },
            condition="attribute_not_exists(pk) OR (#state = :sending AND claimed_at < :stale)",
            names={"#state": "state"},
            values={":sending": "sending", ":stale": key_instant(now - LEASE)},
        )
    )


def claim_retry(item: Item, now: datetime) -> bool:
    """Take a due retry. Its due entry moves LEASE ahead, so a crash mid-send is retried."""
    lease = due_attributes(RETRY_SWEEP, now + LEASE, item["pk"])
    return transactions.write_if(
        transactions.update(
            {"pk": item["pk"], "sk": item["sk"]},
            "SET #state = :sending, claimed_at = :now, due_sk = :lease",
            condition=(
                "due_sk = :read"
                " AND (#state = :retrying OR (#state = :sending AND claimed_at < :stale))"
            ),
            names={"#state": "state"},
            values={
                ":sending": "sending",
                ":retrying": "retrying",
                ":now": key_instant(now),
                ":lease": lease["due_sk"],
                ":read": item["due_sk"],
                ":stale": key_instant(now - LEASE),
            },
        )
    )


def mark_sent(key: dict[str, str], message_id: str, now: datetime) -> None:
    """Final: the notification was handed over (and is no longer anyone's problem)."""
    transactions.write(
        [
            transactions.update(
                key,
                "SET #state = :sent, message_id = :id, sent_at = :now "
                "REMOVE payload, due_pk, due_sk, gsi1pk, gsi1sk, next_attempt_at",
                names={"#state": "state"},
                values={":sent": "sent", ":id": message_id, ":now": api_instant(now)},
            )
        ]
    )


def record_failure(
    key: dict[str, str],
    *,
    org_id: str,
    attempt: int,
    reason: str,
    now: datetime,
    first: dict[str, Any] | None = None,
    park: bool = False,
) -> bool:
    """Record a failed attempt by the claim's holder: retry later, or park. True if parked.

    `first` carries what the first failure must keep for the resend (channel, kind,
    recipient, destination, rendered payload); `park` parks it whatever the attempt.
    """
    parked = park or attempt >= ATTEMPTS
    values: dict[str, Any] = {
        ":state": "parked" if parked else "retrying",
        ":attempts": attempt,
        ":reason": reason,
        ":now": api_instant(now),
        ":problems": delivery_problems_partition(org_id),
        ":problem_sk": f"{key_instant(now)}#{key['pk']}#{key['sk']}",
        ":sending": "sending",
        ":claimed": key_instant(now),
    }
    sets = [
        "#state = :state",
        "attempts = :attempts",
        "reason = :reason",
        "last_attempt_at = :now",
        "first_attempt_at = if_not_exists(first_attempt_at, :now)",
        "gsi1pk = :problems",
        "gsi1sk = if_not_exists(gsi1sk, :problem_sk)",
    ]
    for name, value in (first or {}).items():
        if parked and name == "payload":
            continue  # nothing will resend it
        sets.append(f"{name} = :{name}")
        values[f":{name}"] = value
    expression = "SET " + ", ".join(sets)
    if parked:
        expression += " REMOVE due_pk, due_sk, next_attempt_at, payload"
    else:
        retry_at = now + RETRY_AFTER[attempt - 1]
        due = due_attributes(RETRY_SWEEP, retry_at, key["pk"])
        expression += ", due_pk = :due_pk, due_sk = :due_sk, next_attempt_at = :retry_at"
        values.update(
            {":due_pk": due["due_pk"], ":due_sk": due["due_sk"], ":retry_at": api_instant(retry_at)}
        )
    # Only the claim taken at `now` may record its outcome (not one taken over since).
    transactions.write_if(
        transactions.update(
            key,
            expression,
            condition="#state = :sending AND claimed_at = :claimed",
            names={"#state": "state"},
            values=values,
        )
    )
    return parked


def defer_throttled(
    key: dict[str, str], *, attempts: int, now: datetime, first: dict[str, Any] | None = None
) -> None:
    """Hand a throttled send to the retries, soon: its attempt count stays as it was and it
    is not listed among the org's delivery problems (nothing is wrong with it)."""
    retry_at = now + THROTTLED_RETRY
    due = due_attributes(RETRY_SWEEP, retry_at, key["pk"])
    values: dict[str, Any] = {
        ":state": "retrying",
        ":attempts": attempts,
        ":due_pk": due["due_pk"],
        ":due_sk": due["due_sk"],
        ":retry_at": api_instant(retry_at),
        ":sending": "sending",
        ":claimed": key_instant(now),
    }
    sets = [
        "#state = :state",
        "attempts = :attempts",
        "due_pk = :due_pk",
        "due_sk = :due_sk",
        "next_attempt_at = :retry_at",
    ]
    for name, value in (first or {}).items():
        sets.append(f"{name} = :{name}")
        values[f":{name}"] = value
    transactions.write_if(
        transactions.update(
            key,
            "SET " + ", ".join(sets),
            condition="#state = :sending AND claimed_at = :claimed",
            names={"#state": "state"},
            values=values,
        )
    )


def pack(parts: dict[str, str]) -> bytes:
    """Rendered parts, compressed: a weekly summary's HTML shrinks about tenfold."""
    return zlib.compress(json.dumps(parts, separators=(",", ":")).encode())


def unpack(payload: bytes) -> dict[str, str]:
    parts: dict[str, str] = json.loads(zlib.decompress(payload))
    return parts


def problems_page(org_id: str, limit: int, cursor: str | None) -> tuple[list[Item], str | None]:
    """The org's failed notifications (retrying or parked), newest first."""
    return table.page(
        delivery_problems_partition(org_id),
        scope=f"delivery-problems:{org_id}",
        cursor=cursor,
        limit=limit,
        index=GSI_BY_OWNER,
        newest_first=True,
    )
