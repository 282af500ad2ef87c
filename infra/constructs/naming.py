"""Construct ids derived from catalog names, so logical ids read like the catalog."""

from __future__ import annotations


def pascal_case(name: str) -> str:
    """`calendar-sync` -> `CalendarSync`."""
    return "".join(part.capitalize() for part in name.split("-"))
