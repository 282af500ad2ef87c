"""The calendar items: connections, their push channels/subscriptions and 1:1 links, and
OAuth states. Every read here is one round trip."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from momentum.calendar import keys
from momentum.core.clock import api_instant, epoch_seconds
from momentum.core.problems import Conflict
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.keys import due_attributes

RENEWAL_SWEEP = "calendar-renewal"
RECONCILE_SWEEP = "calendar-reconcile"
RENEW_BEFORE = timedelta(hours=24)  # renew a channel/subscription this long before expiry
RECONCILE_EVERY = timedelta(hours=6)
STATE_TTL = timedelta(minutes=10)


def secret_digest(secret: str) -> str:
    """Webhook secrets are stored as digests and compared in constant time."""
    return hashlib.sha256(secret.encode()).hexdigest()


# --- connections ---------------------------------------------------------------------------


def connection(org_id: str, user_id: str, provider: str) -> Item | None:
    return table.get(keys.connection_key(org_id, user_id, provider), consistent=True)


def connection_collection(org_id: str, user_id: str, provider: str) -> list[Item]:
    """The connection, its channels or subscription and its links: one Query."""
    return table.query_all(keys.connection_partition(org_id, user_id, provider))


def connection_item(
    org_id: str,
    user_id: str,
    provider: str,
    *,
    account_email: str,
    sealed: dict[str, Any],
    now: datetime,
) -> Item:
    item_key = keys.connection_key(org_id, user_id, provider)
    return {
        **item_key,
        "type": "calendar_connection",
        "org_id": org_id,
        "user_id": user_id,
        "provider": provider,
        "status": "connected",
        "account_email": account_email,
        "refresh": sealed,
        "refresh_version": 1,
        "connected_at": api_instant(now),
        **due_attributes(RECONCILE_SWEEP, now + RECONCILE_EVERY, item_key["pk"]),
    }


def save_refresh_token(item: Item, sealed: dict[str, Any]) -> bool:
    """Store a rotated refresh token unless someone rotated it since we read it."""
    try:
        transactions.write([transactions.update(
            {"pk": item["pk"], "sk": item["sk"]},
            "SET refresh = :sealed, refresh_version = :next",
            condition="refresh_version = :read",
            values={":sealed": sealed, ":next": item["refresh_version"] + 1,
                    ":read": item["refresh_version"]},
        )])  # fmt: skip
    except Conflict:
        return False
    item["refresh"], item["refresh_version"] = sealed, item["refresh_version"] + 1
    return True


def save_sync_state(item: Item, state: dict[str, str], now: datetime) -> None:
    transactions.write([transactions.update(
        {"pk": item["pk"], "sk": item["sk"]},
        "SET sync_state = :state, last_synced_at = :at",
        condition="attribute_exists(pk)",
        values={":state": state, ":at": api_instant(now)},
    )])  # fmt: skip


def mark_needs_reauth(item: Item, now: datetime) -> bool:
    """True the first time (the caller emails the user once)."""
    try:
        transactions.write([transactions.update(
            {"pk": item["pk"], "sk": item["sk"]},
            "SET #status = :needs, needs_reauth_since = :at REMOVE due_pk, due_sk",
            condition="#status = :connected",
            names={"#status": "status"},
            values={":needs": "needs_reauth", ":connected": "connected", ":at": api_instant(now)},
        )])  # fmt: skip
    except Conflict:
        return False
    return True


# --- push channels (Google) and subscriptions (Graph) -------------------------------------


def push_item(
    org_id: str,
    user_id: str,
    provider: str,
    *,
    push_id: str,
    resource_id: str | None,
    secret: str,
    expires_at: datetime,
) -> Item:
    item_key = (
        keys.channel_key(org_id, user_id, push_id)
        if provider == "google"
        else keys.subscription_key(org_id, user_id)
    )
    item = {
        **item_key,
        "type": "calendar_push",
        "provider": provider,
        "push_id": push_id,
        "secret_digest": secret_digest(secret),
        "expires_at_push": api_instant(expires_at),
        **due_attributes(RENEWAL_SWEEP, expires_at - RENEW_BEFORE, item_key["pk"]),
    }
    if resource_id:
        item["resource_id"] = resource_id
    return item


def pushes(collection: list[Item]) -> list[Item]:
    return [item for item in collection if item.get("type") == "calendar_push"]


# --- links: events this connection keeps 1:1s true to ---------------------------------------


def link_item(
    org_id: str,
    user_id: str,
    provider: str,
    *,
    event_id: str,
    kind: str,
    entity_id: str,
    recurring: bool,
    attached: bool = False,
) -> Item:
    return {
        **keys.link_key(org_id, user_id, provider, event_id),
        "type": "calendar_follow",
        "event_id": event_id,
        "kind": kind,
        "entity_id": entity_id,
        "recurring": recurring,
        "attached": attached,
    }


def links(collection: list[Item]) -> dict[str, Item]:
    return {item["event_id"]: item for item in collection if item.get("type") == "calendar_follow"}


# --- OAuth states ---------------------------------------------------------------------------


def state_item(
    org_id: str,
    nonce: str,
    *,
    user_id: str,
    provider: str,
    verifier: str,
    login_hint: str,
    now: datetime,
) -> Item:
    return {
        **keys.oauth_state_key(org_id, nonce),
        "type": "calendar_oauth_state",
        "user_id": user_id,
        "provider": provider,
        "verifier": verifier,
        "login_hint": login_hint,
        "created_at": api_instant(now),
        "expires_at": epoch_seconds(now + STATE_TTL),  # TTL; also checked on use
    }


def bind_state(org_id: str, nonce: str, binding_hash: str) -> Item | None:
    """Tie a state to the browser that opened its sign-in link, once: a second opening
    (a forwarded or leaked link) finds it bound and gets None."""
    return transactions.update_returning(
        keys.oauth_state_key(org_id, nonce),
        "SET binding_hash = :h",
        condition="attribute_exists(pk) AND attribute_not_exists(binding_hash)",
        values={":h": binding_hash},
    )


def take_state(org_id: str, nonce: str, binding_hash: str) -> Item | None:
    """Read and delete a state in one step, so a code can be exchanged only once, and
    only from the browser the state is bound to (otherwise nothing is consumed)."""
    return transactions.delete_returning(
        keys.oauth_state_key(org_id, nonce),
        condition="binding_hash = :h",
        values={":h": binding_hash},
    )


def put(item: Item) -> None:
    table.put(item)


def write(ops: list[transactions.Op]) -> None:
    transactions.write(ops)
