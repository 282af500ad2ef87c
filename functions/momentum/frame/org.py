"""The org item as other contexts need it: time zone, modules, reminder and Slack config.

Cached per container for CACHE_SECONDS like the principal, so checking that a module is
enabled costs no round trip on a warm function.
"""

from __future__ import annotations

from typing import Any

from momentum.core import clock
from momentum.core.problems import NotFound
from momentum.frame.principal import Principal
from momentum.store import table
from momentum.store.keys import org_key

CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def org_item(org_id: str) -> dict[str, Any]:
    now = clock.monotonic()
    hit = _cache.get(org_id)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    item = table.get(org_key(org_id)) or {}
    _cache[org_id] = (now, item)
    return item


def module_enabled(org_id: str, module: str) -> bool:
    """Whether the org has `module` on (every module is, until an admin turns it off)."""
    modules = org_item(org_id).get("modules") or {}
    return bool((modules.get(module) or {}).get("enabled", True))


def require_module(principal: Principal, module: str) -> None:
    """A disabled module answers 404 on its routes, as if it did not exist."""
    if not module_enabled(principal.org_id, module):
        raise NotFound("This module is not enabled for your organisation.")


def clear_cache() -> None:
    _cache.clear()
