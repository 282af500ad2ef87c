"""Verifying Google and Microsoft change notifications, then enqueueing "sync this
connection". Nothing in a notification is trusted as data: it only names a connection,
and only once its secret checks out.

Kept light on purpose (stdlib, boto3 and the key builders: no pydantic, no provider
client, no Powertools), because the receiver must answer within Graph's 3 s even cold.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from typing import Any
from urllib.parse import parse_qs

from momentum.calendar import keys
from momentum.calendar.sync.queue import enqueue_sync
from momentum.store import table

logger = logging.getLogger("momentum.webhooks")
GOOGLE_STATES = frozenset({"sync", "exists", "not_exists"})
LIFECYCLE_EVENTS = frozenset({"reauthorizationRequired", "subscriptionRemoved", "missed"})


class Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def _stored(item_key: dict[str, str]) -> dict[str, str] | None:
    """The string attributes of one item (one GetItem; raw, to stay free of pydantic)."""
    found = table.get(item_key, attributes=("push_id", "resource_id", "secret_digest"))
    if not found:
        return None
    return {name: value for name, value in found.items() if isinstance(value, str)}


def _secret_matches(stored: dict[str, str], presented: str) -> bool:
    digest = hashlib.sha256(presented.encode()).hexdigest()
    return hmac.compare_digest(stored.get("secret_digest", ""), digest)


# --- Google -------------------------------------------------------------------------------


def google(headers: dict[str, str]) -> int:
    """A push notification (headers only). Returns the status to answer."""
    channel = headers.get("x-goog-channel-id", "")
    resource = headers.get("x-goog-resource-id", "")
    state = headers.get("x-goog-resource-state", "")
    number = headers.get("x-goog-message-number", "")
    if not channel or not resource or state not in GOOGLE_STATES or not number.isdigit():
        raise Refused(400, "Not a Google Calendar push notification.")
    owner = keys.parse_channel_id(channel)
    if owner is None:
        raise Refused(403, "Unknown channel.")
    stored = _stored(keys.channel_key(owner[0], owner[1], channel))
    # A stopped channel may still deliver for a while: unknown ids are refused, not synced.
    if stored is None or stored.get("resource_id", resource) != resource:
        raise Refused(403, "Unknown channel.")
    if not _secret_matches(stored, headers.get("x-goog-channel-token", "")):
        raise Refused(401, "The channel token does not match.")
    if state == "sync":
        return 200  # the channel's handshake: nothing changed yet
    ref = keys.connection_ref(owner[0], owner[1], "google")
    enqueue_sync(ref, reason="notification", dedup=f"google:{channel}:{number}")
    return 200


# --- Microsoft Graph -----------------------------------------------------------------------


MAX_VALIDATION_TOKEN = 512  # Graph's tokens are about 110 characters
# Printable ASCII without markup: the echo goes back verbatim, so nothing a browser
# could take for HTML or script is ever reflected.
_VALIDATION_TOKEN = re.compile(r"[\x20-\x3B=\x3F-\x7E]+")


def validation_token(raw_query: str) -> str | None:
    """The decoded `validationToken` of a subscription handshake, if this is one; a
    token too long or holding other characters is refused (400)."""
    values = parse_qs(raw_query or "", keep_blank_values=True).get("validationToken")
    if not values:
        return None
    token = values[0]
    if len(token) > MAX_VALIDATION_TOKEN:
        raise Refused(400, f"The validationToken is longer than {MAX_VALIDATION_TOKEN} characters.")
    if not _VALIDATION_TOKEN.fullmatch(token):
        raise Refused(400, "The validationToken holds characters a Graph token never has.")
    return token


def _notifications(body: str) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(body or "")
    except ValueError as error:
        raise Refused(400, "The body is not JSON.") from error
    items = parsed.get("value") if isinstance(parsed, dict) else None
    if not isinstance(items, list) or not items or len(items) > 1000:
        raise Refused(400, 'Expected {"value": [...]} with at least one notification.')
    if not all(isinstance(item, dict) for item in items):
        raise Refused(400, "Every notification is an object.")
    return items


def microsoft(body: str) -> int:
    """Change and lifecycle notifications: every item's clientState must check out, or
    nothing at all is enqueued."""
    items = _notifications(body)
    verified: dict[tuple[str, str], list[dict[str, Any]]] = {}
    checked: dict[tuple[str, str, str, str], bool] = {}
    for item in items:
        parsed = keys.parse_client_state(str(item.get("clientState") or ""))
        if parsed is None:
            raise Refused(403, "A notification carries an unknown clientState.")
        org_id, user_id, secret = parsed
        check = (org_id, user_id, secret, str(item.get("subscriptionId") or ""))
        if check not in checked:
            stored = _stored(keys.subscription_key(org_id, user_id))
            checked[check] = (
                stored is not None
                and stored.get("push_id") == check[3]
                and _secret_matches(stored, secret)
            )
        if not checked[check]:
            raise Refused(403, "A notification carries a clientState that does not match.")
        verified.setdefault((org_id, user_id), []).append(item)
    for (org_id, user_id), batch in verified.items():
        ref = keys.connection_ref(org_id, user_id, "microsoft")
        for event in sorted({str(i["lifecycleEvent"]) for i in batch if i.get("lifecycleEvent")}):
            if event in LIFECYCLE_EVENTS:
                stamp = next(
                    str(i.get("subscriptionExpirationDateTime", ""))
                    for i in batch
                    if i.get("lifecycleEvent") == event
                )
                enqueue_sync(ref, reason=f"lifecycle:{event}", dedup=f"{event}:{stamp}")
        changes = [i for i in batch if not i.get("lifecycleEvent")]
        if changes:
            enqueue_sync(ref, reason="notification", dedup=_change_identity(changes))
    return 202


def _change_identity(changes: list[dict[str, Any]]) -> str:
    """Graph retries a batch with the same items: the same identity dedupes it. Without
    etags a retry cannot be told from a new change, so nothing is deduplicated (an extra
    sync changes nothing; a dropped one would miss a change)."""
    if any(not (item.get("resourceData") or {}).get("@odata.etag") for item in changes):
        import secrets

        return "graph:" + secrets.token_hex(16)
    parts = sorted(
        "|".join(
            [
                str(item.get("subscriptionId", "")),
                str(item.get("changeType", "")),
                str((item.get("resourceData") or {}).get("id", "")),
                str((item.get("resourceData") or {}).get("@odata.etag", "")),
            ]
        )
        for item in changes
    )
    return "graph:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
