"""Google push channels and Graph subscriptions: start, renew before expiry, stop.

Google channels cannot be extended: a new channel (new id) is started and the old one
stopped, and both deliver for a moment (the receiver accepts either). Graph
subscriptions are extended in place, or created anew if Graph removed them.
"""

from __future__ import annotations

import contextlib
import secrets
import string
from datetime import datetime, timedelta

from momentum.calendar import keys, repository
from momentum.calendar.providers.events import ProviderError
from momentum.calendar.providers.provider import Push, calendar_for
from momentum.core.clock import parse_instant
from momentum.store import transactions
from momentum.store.codec import Item

GOOGLE_TTL = timedelta(days=7)
GRAPH_TTL = timedelta(minutes=10_000)  # Graph allows up to 10,080 minutes for events
_ALPHABET = string.ascii_letters + string.digits


def _ttl(provider: str) -> timedelta:
    return GOOGLE_TTL if provider == "google" else GRAPH_TTL


def start(connection: Item, access: str, now: datetime) -> Item:
    """A new channel/subscription, stored (with its secret's digest) before the provider
    is asked, so a notification that beats the answer still finds it."""
    org_id, user_id, provider = connection["org_id"], connection["user_id"], connection["provider"]
    secret = secrets.token_urlsafe(32)
    expires_at = now + _ttl(provider)
    if provider == "google":
        suffix = "".join(secrets.choice(_ALPHABET) for _ in range(6))
        push_id = keys.channel_id(org_id, user_id, suffix)
        handed = secret
        early = repository.push_item(
            org_id,
            user_id,
            provider,
            push_id=push_id,
            resource_id=None,
            secret=secret,
            expires_at=expires_at,
        )
        repository.put(early)
    else:
        push_id, handed = "", keys.client_state(org_id, user_id, secret)
    granted = calendar_for(provider).start_push(
        access, push_id=push_id, secret=handed, expires_at=expires_at
    )
    item = repository.push_item(
        org_id,
        user_id,
        provider,
        push_id=granted.id,
        resource_id=granted.resource_id,
        secret=secret,
        expires_at=granted.expires_at,
    )
    repository.put(item)
    return item


def as_push(item: Item) -> Push:
    return Push(item["push_id"], item.get("resource_id"), parse_instant(item["expires_at_push"]))


def stop(connection: Item, item: Item, access: str | None) -> None:
    """Stop at the provider (best effort) and forget the channel/subscription."""
    if access:
        with contextlib.suppress(ProviderError):
            calendar_for(connection["provider"]).stop_push(access, as_push(item))
    transactions.write([transactions.delete({"pk": item["pk"], "sk": item["sk"]})])


def renew(connection: Item, item: Item, access: str, now: datetime) -> Item:
    """Keep notifications flowing past `item`'s expiry; returns the item now in use."""
    provider = connection["provider"]
    if provider == "google":
        fresh = start(connection, access, now)
        stop(connection, item, access)
        return fresh
    renewed = calendar_for(provider).renew_push(access, as_push(item), now + _ttl(provider))
    if renewed is None:
        return start(connection, access, now)
    updated = repository.push_item(
        connection["org_id"], connection["user_id"], provider, push_id=renewed.id,
        resource_id=None, secret="", expires_at=renewed.expires_at,
    )  # fmt: skip
    updated["secret_digest"] = item["secret_digest"]  # the clientState does not change
    repository.put(updated)
    return updated
