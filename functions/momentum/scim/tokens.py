"""SCIM bearer tokens: an admin creates one per identity provider; it is shown once.

A token reads `msc_{org}_{token id}_{secret}`: the org and id find its item with one
GetItem under the org's own keys (no global index of secrets), and only a SHA-256 of
the high-entropy secret is stored, compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

import msgspec

from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.problems import NotFound
from momentum.frame.principal import Principal
from momentum.scim.errors import ScimError
from momentum.store import activity, table, transactions
from momentum.store.codec import Item
from momentum.store.keys import key, org_prefix

PREFIX = "msc"
# Recording every use would be one write per SCIM request; a minute's precision is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def _partition(org_id: str) -> str:
    return f"{org_prefix(org_id)}#SCIMTOKENS"


def _key(org_id: str, token_id: str) -> dict[str, str]:
    return key(_partition(org_id), f"TOKEN#{token_id}")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def view(item: Item) -> dict[str, Any]:
    return {
        "id": item["id"],
        "description": item["description"],
        "created_at": item["created_at"],
        "created_by": item["created_by"],
        "last_used_at": item.get("last_used_at"),
        "revoked_at": item.get("revoked_at"),
        "active": not item.get("revoked_at"),
    }


def create(principal: Principal, description: str) -> dict[str, Any]:
    principal.require_admin()
    token_id, secret, now = new_id(), secrets.token_urlsafe(32), clock.now()
    item = {
        **_key(principal.org_id, token_id),
        "type": "scim_token",
        "id": token_id,
        "description": description,
        "secret_sha256": _digest(secret),
        "created_at": clock.api_instant(now),
        "created_by": principal.user_id,
    }
    transactions.write(
        [
            transactions.put_new(item),
            activity.record(
                org_id=principal.org_id,
                entity_id=token_id,
                entity_kind="scim_token",
                actor_id=principal.user_id,
                action="scim_token_created",
                at=now,
                summary=description,
            ),
        ]
    )
    return {**view(item), "token": f"{PREFIX}_{principal.org_id}_{token_id}_{secret}"}


def list_tokens(principal: Principal) -> list[dict[str, Any]]:
    principal.require_admin()
    items = table.query_all(_partition(principal.org_id), sk_prefix="TOKEN#")
    return [view(item) for item in sorted(items, key=lambda i: i["created_at"], reverse=True)]


def revoke(principal: Principal, token_id: str) -> None:
    principal.require_admin()
    item = table.get(_key(principal.org_id, token_id)) if is_id(token_id) else None
    if item is None:
        raise NotFound("SCIM token not found.")
    if item.get("revoked_at"):
        return
    now = clock.now()
    transactions.write(
        [
            transactions.update(
                _key(principal.org_id, token_id),
                "SET revoked_at = :now",
                values={":now": clock.api_instant(now)},
            ),
            activity.record(
                org_id=principal.org_id,
                entity_id=token_id,
                entity_kind="scim_token",
                actor_id=principal.user_id,
                action="scim_token_revoked",
                at=now,
            ),
        ]
    )


class ScimCaller(msgspec.Struct, frozen=True):
    org_id: str
    token_id: str
    description: str

    @property
    def actor_id(self) -> str:
        """What activity entries name as the actor of a SCIM change."""
        return f"scim_token:{self.token_id}"

    def activity(
        self, entity_kind: str, entity_id: str, action: str, summary: str
    ) -> transactions.Op:
        """The activity entry of a change this token made (written with the change)."""
        return activity.record(
            org_id=self.org_id,
            entity_id=entity_id,
            entity_kind=entity_kind,
            actor_id=self.actor_id,
            action=action,
            at=clock.now(),
            summary=summary,
        )


def authenticate(authorization: str | None) -> ScimCaller:
    """The org and token behind an `Authorization: Bearer msc_...` header, or 401."""
    scheme, _, presented = (authorization or "").partition(" ")
    parts = presented.strip().split("_", 3)
    if scheme.lower() != "bearer" or len(parts) != 4 or parts[0] != PREFIX:
        raise ScimError(401, "A SCIM bearer token is required.")
    _, org_id, token_id, secret = parts
    item = table.get(_key(org_id, token_id)) if is_id(org_id) and is_id(token_id) else None
    if (
        item is None
        or item.get("revoked_at")
        or not hmac.compare_digest(item["secret_sha256"], _digest(secret))
    ):
        raise ScimError(401, "The SCIM token is not valid.")
    now = clock.now()
    last = item.get("last_used_at")
    if last is None or now - clock.parse_instant(last) >= LAST_USED_PRECISION:
        stamp = transactions.update(
            _key(org_id, token_id),
            "SET last_used_at = :now",
            values={":now": clock.api_instant(now)},
        )
        transactions.write([stamp])
    return ScimCaller(org_id, token_id, item["description"])
