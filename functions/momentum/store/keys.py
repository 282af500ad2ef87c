"""Key builders shared across contexts. Every partition key starts with the org."""

from __future__ import annotations

import zlib
from datetime import datetime

from momentum.core.clock import key_instant
from momentum.store.schema import DUE_SHARDS, PARTITION_KEY, SORT_KEY


def org_prefix(org_id: str) -> str:
    return f"ORG#{org_id}"


def key(pk: str, sk: str) -> dict[str, str]:
    return {PARTITION_KEY: pk, SORT_KEY: sk}


def user_key(org_id: str, user_id: str) -> dict[str, str]:
    """The user's profile item (identity owns it; the principal loader reads it)."""
    return key(f"{org_prefix(org_id)}#USER#{user_id}", "PROFILE")


def sign_in_key(org_id: str, sub: str) -> dict[str, str]:
    """Maps a Cognito user (`sub`, Cognito's own id) to the Momentum user (identity writes
    it when it creates the Cognito user; the principal loader reads it)."""
    return key(f"{org_prefix(org_id)}#SIGNIN#{sub}", "SIGNIN")


def org_key(org_id: str) -> dict[str, str]:
    """The org item: name and org settings."""
    return key(org_prefix(org_id), "ORG")


def activity_partition(org_id: str, entity_id: str) -> str:
    return f"{org_prefix(org_id)}#ACTIVITY#{entity_id}"


def audit_partition(org_id: str, month: str) -> str:
    """The audit index partition of one org's activity in one UTC month (`YYYY-MM`)."""
    return f"{org_prefix(org_id)}#AUDIT#{month}"


def ledger_key(
    org_id: str, kind: str, recipient: str, subject: str, occurrence: str
) -> dict[str, str]:
    return key(f"{org_prefix(org_id)}#LEDGER#{kind}#{recipient}", f"{subject}#{occurrence}")


def idempotency_partition(org_id: str) -> str:
    return f"{org_prefix(org_id)}#IDEMPOTENCY"


def due_shard(pk: str) -> int:
    """A stable, even spread of partition keys (so of orgs and their items) over the shards.

    CRC-32 rather than hash(), which Python salts per process; rather than a byte sum, which
    puts keys differing in one character on neighbouring shards (ids of one org collide).
    """
    return zlib.crc32(pk.encode()) % DUE_SHARDS


def due_partition(sweep: str, shard: int) -> str:
    # Shards 0..3 keep the name they had when there were four: entries armed then are read.
    return f"DUE#{sweep}#{shard}"


def due_attributes(sweep: str, at: datetime, pk: str) -> dict[str, str]:
    """The attributes that put an item in the due index for `sweep` at instant `at`.

    The due partition is global (sweeps run for every org) but the item itself, and the
    due sort key's suffix, still carry the org, so nothing read from it crosses tenants.
    """
    return {"due_pk": due_partition(sweep, due_shard(pk)), "due_sk": f"{key_instant(at)}#{pk}"}


def delivery_problems_partition(org_id: str) -> str:
    """The org's notifications that failed (by_owner index), for its admins."""
    return f"{org_prefix(org_id)}#DELIVERY_PROBLEMS"
