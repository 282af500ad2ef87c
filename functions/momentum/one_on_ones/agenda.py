"""Agenda topics, action items and notes of one meeting (SPEC §3).

Either participant adds, moves and completes entries; a topic is edited or deleted only
by who added it, an action item by either. Order is a fractional position, so a move
rewrites one entry. The meeting item keeps per-kind counters (for the rollover and the
report) and the last position (so adding costs one read and one write).
"""

from __future__ import annotations

from typing import Any

from momentum.core import clock
from momentum.core.ids import new_id
from momentum.core.problems import Conflict, Forbidden, Invalid, NotFound, field_error
from momentum.frame.principal import Principal
from momentum.one_on_ones import keys, rules, views
from momentum.one_on_ones.access import meeting_collection_for, meeting_for
from momentum.one_on_ones.models import (
    AgendaEntry,
    AgendaEntryCreate,
    AgendaEntryPatch,
    Move,
    PrivateNotes,
    SharedNotes,
)
from momentum.one_on_ones.repository import TOPICS, Kind, set_attributes
from momentum.store import activity, table, transactions
from momentum.store.codec import Item


def _full(kind: Kind) -> Conflict:
    return Conflict(f"This meeting already has {rules.MAX_AGENDA_ENTRIES} {kind.label}s.")


def add_entry(
    principal: Principal, meeting_id: str, kind: Kind, request: AgendaEntryCreate
) -> AgendaEntry:
    meeting = meeting_for(principal, meeting_id)
    text, url = rules.agenda_text(request.text)
    now = clock.now()
    position = rules.position_after(meeting.get(f"{kind.counter}_last"))
    entry: Item = {
        **keys.agenda_key(principal.org_id, meeting_id, kind.sk, new_id()),
        "type": "agenda_entry",
        "kind": kind.name,
        "text": text,
        "url": url,
        "completed": False,
        "author_id": principal.user_id,
        "position": position,
        "carry_count": 0,
        "created_at": clock.api_instant(now),
    }
    entry["id"] = entry["sk"].rsplit("#", 1)[1]
    entry = {name: value for name, value in entry.items() if value is not None}
    transactions.write(
        [
            transactions.put_new(entry),
            set_attributes(
                keys.meeting_key(principal.org_id, meeting_id),
                {f"{kind.counter}_last": position},
                add={f"{kind.counter}_total": 1},
                condition=f"attribute_exists(pk) AND {kind.counter}_total < :cap",
                condition_values={":cap": rules.MAX_AGENDA_ENTRIES},
                on_condition_failed=lambda: _full(kind),
            ),
            activity.record(
                org_id=principal.org_id,
                entity_id=meeting_id,
                entity_kind="meeting",
                actor_id=principal.user_id,
                action=f"{kind.name}_added",
                at=now,
                changes={"text": {"before": None, "after": text}},
            ),
        ]
    )
    return views.entry_view(entry)


def _entry_in(items: list[Item], kind: Kind, entry_id: str) -> Item:
    wanted = f"{keys.AGENDA_PREFIX}{kind.sk}#{entry_id}"
    found = next((item for item in items if item["sk"] == wanted), None)
    if found is None:
        raise NotFound(f"No such {kind.label} in this meeting.")
    return found


def _check_author(principal: Principal, kind: Kind, entry: Item, what: str) -> None:
    if kind is TOPICS and entry["author_id"] != principal.user_id:
        raise Forbidden(f"Only who added an agenda topic can {what} it.")


def _moved_position(items: list[Item], kind: Kind, entry: Item, move: Move) -> str:
    if (move.after_id is None) == (move.before_id is None):
        raise Invalid(
            "Move after one entry or before one entry.",
            errors=[field_error("move", "give exactly one of after_id, before_id")],
        )
    siblings = rules.ordered(
        [item for item in items if item.get("kind") == kind.name and item["id"] != entry["id"]]
    )
    reference = move.after_id or move.before_id
    index = next((i for i, item in enumerate(siblings) if item["id"] == reference), None)
    if index is None:
        raise Invalid(
            f"The entry to move next to is not a {kind.label} of this meeting.",
            errors=[field_error("move", "unknown entry")],
        )
    if move.after_id is not None:
        low = siblings[index]["position"]
        high = siblings[index + 1]["position"] if index + 1 < len(siblings) else None
    else:
        low = siblings[index - 1]["position"] if index > 0 else None
        high = siblings[index]["position"]
    if low is not None and high is not None and low >= high:  # concurrent adds tied
        high = None
    return rules.position_between(low, high)


def patch_entry(
    principal: Principal, meeting_id: str, kind: Kind, entry_id: str, patch: AgendaEntryPatch
) -> AgendaEntry:
    meeting, items = meeting_collection_for(principal, meeting_id)
    entry = _entry_in(items, kind, entry_id)
    now = clock.now()
    changes: dict[str, Any] = {}
    meeting_set: dict[str, Any] = {}
    meeting_add: dict[str, int] = {}
    if patch.text is not None:
        _check_author(principal, kind, entry, "edit")
        changes["text"], changes["url"] = rules.agenda_text(patch.text)
    if patch.completed is not None and patch.completed != bool(entry.get("completed")):
        changes["completed"] = patch.completed
        changes["completed_at"] = clock.api_instant(now) if patch.completed else None
        meeting_add[f"{kind.counter}_done"] = 1 if patch.completed else -1
    if patch.move is not None:
        changes["position"] = _moved_position(items, kind, entry, patch.move)
        if changes["position"] > str(meeting.get(f"{kind.counter}_last") or ""):
            meeting_set[f"{kind.counter}_last"] = changes["position"]
    audit = activity.changed_fields(entry, changes)
    audit.pop("completed_at", None)
    if not audit:
        return views.entry_view(entry)
    ops = [
        set_attributes(
            {"pk": entry["pk"], "sk": entry["sk"]},
            changes,
            condition="attribute_exists(pk) AND completed = :was",
            condition_values={":was": bool(entry.get("completed"))},
        )
    ]
    if meeting_set or meeting_add:
        ops.append(
            set_attributes(
                keys.meeting_key(principal.org_id, meeting_id), meeting_set, add=meeting_add
            )
        )
    ops.append(
        activity.record(
            org_id=principal.org_id,
            entity_id=meeting_id,
            entity_kind="meeting",
            actor_id=principal.user_id,
            action=f"{kind.name}_updated",
            at=now,
            changes=audit,
        )
    )
    transactions.write(ops)
    after = {**entry, **changes}
    return views.entry_view({name: value for name, value in after.items() if value is not None})


def delete_entry(principal: Principal, meeting_id: str, kind: Kind, entry_id: str) -> None:
    _, items = meeting_collection_for(principal, meeting_id)
    entry = _entry_in(items, kind, entry_id)
    _check_author(principal, kind, entry, "delete")
    add = {f"{kind.counter}_total": -1}
    if entry.get("completed"):
        add[f"{kind.counter}_done"] = -1
    transactions.write(
        [
            transactions.delete(
                {"pk": entry["pk"], "sk": entry["sk"]}, condition="attribute_exists(pk)"
            ),
            set_attributes(keys.meeting_key(principal.org_id, meeting_id), {}, add=add),
            activity.record(
                org_id=principal.org_id,
                entity_id=meeting_id,
                entity_kind="meeting",
                actor_id=principal.user_id,
                action=f"{kind.name}_deleted",
                at=clock.now(),
                changes={"text": {"before": entry["text"], "after": None}},
            ),
        ]
    )


# --- notes -----------------------------------------------------------------------------------


def _stale_notes(org_id: str, meeting_id: str) -> Conflict:
    current = table.get(keys.shared_notes_key(org_id, meeting_id), consistent=True) or {}
    notes = SharedNotes(body=current.get("body", ""), version=current.get("version", 0))
    return Conflict(
        "The shared notes changed since you read them; here is the current version.",
        extra={"current": notes.model_dump()},
    )


def put_shared_notes(principal: Principal, meeting_id: str, body: str, version: int) -> SharedNotes:
    """Both participants edit one text; a stale version answers 409 with the current one."""
    meeting_for(principal, meeting_id)
    org_id, now = principal.org_id, clock.now()
    item = {
        **keys.shared_notes_key(org_id, meeting_id),
        "type": "shared_notes",
        "body": body,
        "updated_by": principal.user_id,
        "updated_at": clock.api_instant(now),
    }
    stale = lambda: _stale_notes(org_id, meeting_id)  # noqa: E731
    write = (
        transactions.put_new({**item, "version": 1}, on_condition_failed=stale)
        if version == 0
        else transactions.put_versioned(item, version, on_condition_failed=stale)
    )
    transactions.write(
        [
            write,
            activity.record(
                org_id=org_id,
                entity_id=meeting_id,
                entity_kind="meeting",
                actor_id=principal.user_id,
                action="shared_notes_updated",
                at=now,
                changes={"version": {"before": version, "after": version + 1}},
            ),
        ]
    )
    return SharedNotes(body=body, version=version + 1)


def put_private_notes(principal: Principal, meeting_id: str, body: str) -> PrivateNotes:
    """The caller's own notes. Deliberately no activity entry: the other participant can
    read a meeting's activity, and private notes must leave no trace for them."""
    meeting_for(principal, meeting_id)
    table.put(
        {
            **keys.private_notes_key(principal.org_id, meeting_id, principal.user_id),
            "type": "private_notes",
            "private_author": principal.user_id,
            "body": body,
            "updated_at": clock.api_instant(clock.now()),
        }
    )
    return PrivateNotes(body=body)
