"""Pure identity rules: manager chains and settings merging. No I/O."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from momentum.core.problems import Conflict, Invalid, field_error

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


def merge(
    current: dict[str, Any], patch: dict[str, Any], defaults: dict[str, Any], path: str = ""
) -> dict[str, Any]:
    """A settings PATCH, JSON-merge-patch style: fields left out keep their value, nested
    objects merge field by field, and `null` resets a field to its default (`defaults`
    mirrors the settings' shape). A field that has no default cannot be null."""
    merged = dict(current)
    for name, value in patch.items():
        default = defaults.get(name)
        if value is None:
            if default is None:
                raise Invalid(
                    "This field cannot be reset.",
                    errors=[field_error(f"{path}{name}", "may not be null")],
                )
            merged[name] = deepcopy(default)
        elif isinstance(value, dict):
            base = merged.get(name)
            if not isinstance(base, dict):
                base = deepcopy(default) if isinstance(default, dict) else {}
            nested_defaults = default if isinstance(default, dict) else {}
            merged[name] = merge(base, value, nested_defaults, f"{path}{name}.")
        else:
            merged[name] = value
    return merged


def mask_secret_url(url: str | None) -> str | None:
    return None if not url else f"…{url[-4:]}"
