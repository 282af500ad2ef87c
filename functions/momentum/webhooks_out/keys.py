"""Webhook subscription and delivery keys: one partition per org."""

from __future__ import annotations

from momentum.store.keys import key, org_prefix


def partition(org_id: str) -> str:
    return f"{org_prefix(org_id)}#WEBHOOKS"


def subscription_key(org_id: str, subscription_id: str) -> dict[str, str]:
    return key(partition(org_id), f"SUB#{subscription_id}")


def delivery_key(org_id: str, subscription_id: str, event_id: str) -> dict[str, str]:
    # Event ids are ULIDs: a subscription's deliveries sort oldest first.
    return key(partition(org_id), f"DELIVERY#{subscription_id}#{event_id}")


def deliveries_prefix(subscription_id: str) -> str:
    return f"DELIVERY#{subscription_id}#"
