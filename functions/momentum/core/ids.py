"""Ids are ULIDs: unique, and sortable by creation time."""

from __future__ import annotations

from ulid import ULID


def new_id() -> str:
    return str(ULID())


def is_id(text: str) -> bool:
    try:
        ULID.from_str(text)
    except ValueError:
        return False
    return True
