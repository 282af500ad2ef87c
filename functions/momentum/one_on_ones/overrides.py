"""Name, date and time of a calendar-linked meeting or series changed in Momentum (seed 001,
"From Betterworks"). Pure rules, no I/O.

An item keeps `overridden` (the fields a participant changed) and `calendar_seen` (what the
calendar said for those fields when it last spoke). A sync keeps an override while the
calendar still says the same; once the calendar changes that field, its value wins and the
override ends. Start and end are one field to the user (the meeting's time): they are
overridden, and given back to the calendar, together.
"""

from __future__ import annotations

from typing import Any

from momentum.store.codec import Item

EDITABLE = ("title", "start", "end")
_GROUPS = (("title",), ("start", "end"))


def _bookkeeping(overridden: set[str], seen: dict[str, Any]) -> dict[str, Any]:
    names = [name for name in EDITABLE if name in overridden]
    kept = {name: seen[name] for name in names if name in seen}
    return {"overridden": names or None, "calendar_seen": kept or None}


def by_participant(item: Item, changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` made in Momentum to a linked item, with the override bookkeeping. A field
    set back to what the calendar says follows the calendar again."""
    overridden = set(item.get("overridden") or ())
    seen = dict(item.get("calendar_seen") or {})
    after = {**item, **changes}
    for group in _GROUPS:
        if not any(name in changes for name in group):
            continue
        for name in group:
            if name not in overridden:
                overridden.add(name)
                seen[name] = item.get(name)
        if all(after.get(name) == seen.get(name) for name in group):
            overridden -= set(group)
    return {**changes, **_bookkeeping(overridden, seen)}


def from_calendar(item: Item, incoming: dict[str, Any]) -> dict[str, Any]:
    """The changes that bring `item` in line with the calendar's `incoming` values, except
    fields overridden in Momentum that the calendar has not changed since."""
    overridden = set(item.get("overridden") or ())
    seen = dict(item.get("calendar_seen") or {})
    changes: dict[str, Any] = {}
    for group in _GROUPS:
        present = [name for name in group if name in incoming]
        if not present:
            continue
        if overridden & set(group):
            if all(incoming[name] == seen.get(name) for name in present):
                continue  # the calendar still says what it said: the override holds
            overridden -= set(group)
        changes.update({name: incoming[name] for name in present})
    for name in list(seen):
        if name not in overridden:
            del seen[name]
    bookkeeping = _bookkeeping(overridden, seen)
    if any(item.get(name) != value for name, value in bookkeeping.items()):
        changes.update(bookkeeping)
    return changes


def as_calendar_sees(item: Item) -> dict[str, Any]:
    """Title, start and end as the calendar last gave them (what a sync compares)."""
    seen = item.get("calendar_seen") or {}
    return {name: seen.get(name, item.get(name)) for name in EDITABLE}
