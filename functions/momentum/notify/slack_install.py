"""The org's Slack app installation: bot token and signing secret, sealed with KMS.

One item in the org's collection (`ORG#o / SLACKAPP`) holds the workspace's team id in
clear and both secrets sealed together under the context {org_id, purpose}; the item
sits in the lookup index under `SLACKTEAM#{team}` so an interaction (which names only its
workspace) finds its org in one Query. Opened installations are cached per container for
CACHE_SECONDS, so a warm sweep or receiver pays no KMS call per message.
"""

from __future__ import annotations

import json

import msgspec

from momentum.core import clock, envelope
from momentum.store import table
from momentum.store.codec import Item
from momentum.store.keys import key, org_prefix
from momentum.store.schema import GSI_BY_LOOKUP

CACHE_SECONDS = 60.0
LABEL = "momentum-slack-app"
SORT_KEY = "SLACKAPP"


class Installation(msgspec.Struct, frozen=True):
    org_id: str
    team_id: str
    bot_user_id: str
    bot_token: str
    signing_secret: str


_by_org: dict[str, tuple[float, Installation | None]] = {}
_by_team: dict[str, tuple[float, tuple[Installation, ...]]] = {}


def install_key(org_id: str) -> dict[str, str]:
    return key(org_prefix(org_id), SORT_KEY)


def team_partition(team_id: str) -> str:
    return f"SLACKTEAM#{team_id}"


def _context(org_id: str) -> dict[str, str]:
    return {"org_id": org_id, "purpose": "slack-app"}


def install_item(
    org_id: str, *, team_id: str, team_name: str, bot_user_id: str, bot_token: str,
    signing_secret: str, installed_by: str, installed_at: str,
) -> Item:  # fmt: skip
    secrets = json.dumps({"bot_token": bot_token, "signing_secret": signing_secret})
    return {
        **install_key(org_id),
        "type": "slack_app",
        "org_id": org_id,
        "team_id": team_id,
        "team_name": team_name,
        "bot_user_id": bot_user_id,
        "sealed": envelope.seal(secrets, label=LABEL, context=_context(org_id)),
        "installed_by": installed_by,
        "installed_at": installed_at,
        "gsi2pk": team_partition(team_id),
        "gsi2sk": org_id,
    }


def _opened(item: Item) -> Installation:
    org_id = item["org_id"]
    secrets = json.loads(
        envelope.open_sealed(item["sealed"], label=LABEL, context=_context(org_id))
    )
    return Installation(
        org_id=org_id,
        team_id=item["team_id"],
        bot_user_id=item.get("bot_user_id", ""),
        bot_token=secrets["bot_token"],
        signing_secret=secrets["signing_secret"],
    )


def installation(org_id: str) -> Installation | None:
    """The org's installation, or None: the org then has email (and its webhook) only."""
    now = clock.monotonic()
    hit = _by_org.get(org_id)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    item = table.get(install_key(org_id))
    found = _opened(item) if item else None
    _by_org[org_id] = (now, found)
    return found


def installations_for_team(team_id: str) -> tuple[Installation, ...]:
    """Orgs that installed this workspace's app (one, unless two raced to install it)."""
    now = clock.monotonic()
    hit = _by_team.get(team_id)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    items = table.query(team_partition(team_id), index=GSI_BY_LOOKUP, limit=2).items
    found = tuple(_opened(item) for item in items)
    if found:  # an unknown workspace is asked again: it may be installing right now
        _by_team[team_id] = (now, found)
    return found


def forget(org_id: str, team_id: str | None = None) -> None:
    _by_org.pop(org_id, None)
    if team_id:
        _by_team.pop(team_id, None)


def clear_cache() -> None:
    _by_org.clear()
    _by_team.clear()
