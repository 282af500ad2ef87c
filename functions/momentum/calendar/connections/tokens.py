"""Access tokens for a connection: refreshed from the sealed refresh token, cached per
container until shortly before they expire. Microsoft rotates refresh tokens on every
use; the new one is stored with a condition on the version read, so two refreshes racing
never leave the connection with a token that no longer works."""

from __future__ import annotations

from momentum.calendar import repository
from momentum.calendar.connections import crypto
from momentum.calendar.providers import provider
from momentum.calendar.providers.config import provider_config
from momentum.core import clock
from momentum.store.codec import Item

EARLY_SECONDS = 120
_cache: dict[str, tuple[float, str]] = {}


def _ref(item: Item) -> str:
    return f"{item['org_id']}.{item['user_id']}.{item['provider']}"


def access_token(item: Item) -> str:
    """A valid access token; raises GrantRevoked when the user withdrew the grant."""
    ref = _ref(item)
    hit = _cache.get(ref)
    if hit and hit[0] > clock.monotonic():
        return hit[1]
    org_id, user_id = item["org_id"], item["user_id"]
    refresh_token = crypto.open_sealed(item["refresh"], org_id=org_id, user_id=user_id)
    grant = provider.refresh(provider_config(item["provider"]), refresh_token)
    if grant.refresh_token and grant.refresh_token != refresh_token:
        sealed = crypto.seal(grant.refresh_token, org_id=org_id, user_id=user_id)
        repository.save_refresh_token(item, sealed)
    _cache[ref] = (clock.monotonic() + max(grant.expires_in - EARLY_SECONDS, 0), grant.access_token)
    return grant.access_token


def forget(item: Item) -> None:
    _cache.pop(_ref(item), None)


def clear() -> None:
    _cache.clear()
