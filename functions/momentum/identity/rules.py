"""Pure identity rules: manager chains and settings merging. No I/O."""

from __future__ import annotations

from typing import Any

from momentum.core.problems import Conflict

MAX_CHAIN = 25


def manager_chain(manager_id: str | None, managers_chain: list[str]) -> list[str]:
    """A user's managers, nearest first, from their manager's own chain."""
    if manager_id is None:
        return []
    return [manager_id, *managers_chain][:MAX_CHAIN]


def check_no_management_cycle(user_id: str, new_manager_id: str | None, chain: list[str]) -> None:
    """`chain` is the new manager's own chain; the user may not manage their manager."""
    if new_manager_id is None:
        return
    if new_manager_id == user_id or user_id in chain:
        raise Conflict("That manager reports to this user; a manager chain cannot loop.")


def merge(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge a PATCH (fields left out keep their value)."""
    merged = dict(current)
    for name, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = merge(merged[name], value)
        else:
            merged[name] = value
    return merged


def mask_secret_url(url: str | None) -> str | None:
    return None if not url else f"…{url[-4:]}"
