"""Where calendar items live. Every partition starts with the org prefix.

A connection (one user, one provider) is one item collection: the connection, its
Google channels or Graph subscription, and its links to 1:1s, so a sync reads all it
needs in one Query. The webhook receivers and the OAuth callback carry no token, so the
org travels inside what we hand the provider (channel id, clientState, state) and is
checked against the stored item, never trusted on its own.
"""

from __future__ import annotations

import re

from momentum.calendar.providers.events import PROVIDERS, Provider
from momentum.store.keys import key, org_prefix

_ULID = r"[0-9A-HJKMNP-TV-Z]{26}"
_REF = re.compile(rf"^({_ULID})\.({_ULID})\.(google|microsoft)$")
_CHANNEL = re.compile(rf"^({_ULID})-({_ULID})-[A-Za-z0-9]{{1,10}}$")
_STATE = re.compile(rf"^({_ULID})\.([A-Za-z0-9_-]{{20,100}})$")
_CLIENT_STATE = re.compile(rf"^({_ULID})\.({_ULID})\.([A-Za-z0-9_-]{{20,100}})$")


def connection_partition(org_id: str, user_id: str, provider: str) -> str:
    return f"{org_prefix(org_id)}#CALCONN#{user_id}#{provider}"


def connection_key(org_id: str, user_id: str, provider: str) -> dict[str, str]:
    return key(connection_partition(org_id, user_id, provider), "CONNECTION")


def channel_key(org_id: str, user_id: str, channel_id: str) -> dict[str, str]:
    """A Google push channel (several overlap while one is renewed)."""
    return key(connection_partition(org_id, user_id, "google"), f"CHANNEL#{channel_id}")


def subscription_key(org_id: str, user_id: str) -> dict[str, str]:
    """The Graph change-notification subscription of a Microsoft connection."""
    return key(connection_partition(org_id, user_id, "microsoft"), "SUBSCRIPTION")


LINK_PREFIX = "LINK#"
CHANNEL_PREFIX = "CHANNEL#"


def link_key(org_id: str, user_id: str, provider: str, event_id: str) -> dict[str, str]:
    """A calendar event this connection keeps a 1:1 true to."""
    return key(connection_partition(org_id, user_id, provider), f"{LINK_PREFIX}{event_id}")


def oauth_state_key(org_id: str, nonce: str) -> dict[str, str]:
    return key(f"{org_prefix(org_id)}#CALOAUTH#{nonce}", "STATE")


# --- references handed to providers and to the sync queue ---------------------------------


def connection_ref(org_id: str, user_id: str, provider: str) -> str:
    """A connection's id on the sync queue (also its FIFO message group)."""
    return f"{org_id}.{user_id}.{provider}"


def parse_connection_ref(ref: str) -> tuple[str, str, Provider] | None:
    match = _REF.match(ref or "")
    if not match:
        return None
    provider = next(p for p in PROVIDERS if p == match.group(3))
    return match.group(1), match.group(2), provider


def channel_id(org_id: str, user_id: str, suffix: str) -> str:
    """Google channel ids are ≤ 64 of [A-Za-z0-9-_+/=]: org-user-suffix is 60."""
    return f"{org_id}-{user_id}-{suffix}"


def parse_channel_id(value: str) -> tuple[str, str] | None:
    match = _CHANNEL.match(value or "")
    return (match.group(1), match.group(2)) if match else None


def oauth_state(org_id: str, nonce: str) -> str:
    return f"{org_id}.{nonce}"


def parse_oauth_state(value: str) -> tuple[str, str] | None:
    match = _STATE.match(value or "")
    return (match.group(1), match.group(2)) if match else None


def client_state(org_id: str, user_id: str, secret: str) -> str:
    """Graph's clientState (≤ 128 chars): where to look, plus the secret to compare."""
    return f"{org_id}.{user_id}.{secret}"


def parse_client_state(value: str) -> tuple[str, str, str] | None:
    match = _CLIENT_STATE.match(value or "")
    return (match.group(1), match.group(2), match.group(3)) if match else None
