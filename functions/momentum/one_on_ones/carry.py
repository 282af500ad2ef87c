"""Moving unfinished topics and action items between meetings of a series.

Three moves share this code: the rollover (3 h after a meeting ends: its unfinished entries
go to the next live meeting, or wait on the series), re-homing (a cancelled or deleted
meeting passes its carried, unfinished entries on), and the release of waiting entries
once a meeting exists again. A move keeps author, text and order (appended after what the
target holds), records the origin meeting and the carry count, and never drops anything:
each chunk deletes from the source and puts into the target in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from momentum.core.problems import Conflict
from momentum.one_on_ones import keys, repository, rules
from momentum.one_on_ones.repository import KINDS, Kind, kind_of, set_attributes
from momentum.store import activity, transactions
from momentum.store.codec import Item

CHUNK = 30  # entries per transaction: 3 ops each, plus the counters and activity


def _place_key(org_id: str, place: Item, kind: Kind, entry_id: str) -> dict[str, str]:
    if place["type"] == "meeting":
        return keys.agenda_key(org_id, place["id"], kind.sk, entry_id)
    return keys.waiting_key(org_id, place["id"], kind.sk, entry_id)


def _place_item_key(org_id: str, place: Item) -> dict[str, str]:
    if place["type"] == "meeting":
        return keys.meeting_key(org_id, place["id"])
    return keys.series_key(org_id, place["id"])


def _entity_kind(place: Item) -> str:
    return "meeting" if place["type"] == "meeting" else "series"


def _carried_out(org_id: str, source: Item, target: Item, kind: Kind, entry: Item) -> Item:
    """The trace an entry leaves in the meeting it left unfinished: where it went."""
    destination: dict[str, Any] = {"kind": _entity_kind(target), "id": target["id"]}
    if target["type"] == "meeting":
        destination.update(title=target["title"], start=target["start"])
    trace = {
        **keys.carried_out_key(org_id, source["id"], kind.sk, entry["id"]),
        "type": "carried_out",
        "kind": kind.name,
        "id": entry["id"],
        "text": entry["text"],
        "author_id": entry["author_id"],
        "position": entry.get("position"),
        "carried_to": destination,
    }
    return {name: value for name, value in trace.items() if value is not None}


def move_entries(
    org_id: str,
    entries: list[Item],
    source: Item,
    target: Item,
    now: datetime,
    *,
    source_changes: dict[str, Any] | None = None,
    source_condition: str | None = None,
    source_condition_values: dict[str, Any] | None = None,
) -> int:
    """Move `entries` (in list order) from `source` to the end of `target`. The last
    transaction also applies `source_changes` under `source_condition` (e.g. clearing
    the source's due entry only if it is still the one the sweep read)."""
    ordered = [
        entry
        for kind in KINDS
        for entry in rules.ordered([e for e in entries if kind_of(e) is kind])
    ]
    last = {kind: target.get(f"{kind.counter}_last") for kind in KINDS}
    leaving_meeting = source["type"] == "meeting"
    chunks = [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        final = number == len(chunks)
        ops: list[transactions.Op] = []
        moved = {kind: 0 for kind in KINDS}
        for entry in chunk:
            kind = kind_of(entry)
            last[kind] = rules.position_after(last[kind])
            moved[kind] += 1
            carried = {**entry, **_place_key(org_id, target, kind, entry["id"])}
            carried["position"] = last[kind]
            if leaving_meeting:
                carried["carried_from"] = entry.get("carried_from") or source["id"]
                carried["carry_count"] = int(entry.get("carry_count") or 0) + 1
            ops.append(
                transactions.delete(
                    _place_key(org_id, source, kind, entry["id"]),
                    condition="attribute_exists(pk) AND completed = :false",
                    values={":false": False},
                )
            )
            ops.append(transactions.put(carried))
            if leaving_meeting:
                ops.append(transactions.put(_carried_out(org_id, source, target, kind, entry)))
        source_add = {f"{kind.counter}_total": -moved[kind] for kind in KINDS if moved[kind]}
        target_add = {f"{kind.counter}_total": moved[kind] for kind in KINDS if moved[kind]}
        target_set = {f"{kind.counter}_last": last[kind] for kind in KINDS if moved[kind]}
        changes = dict(source_changes or {}) if final else {}
        if source_add or changes:
            ops.append(
                set_attributes(
                    _place_item_key(org_id, source),
                    {name: value for name, value in changes.items() if value is not None},
                    [name for name, value in changes.items() if value is None],
                    add=source_add,
                    condition=source_condition if final else None,
                    condition_values=source_condition_values if final else None,
                )
            )
        if target_add:
            ops.append(set_attributes(_place_item_key(org_id, target), target_set, add=target_add))
            count = sum(moved.values())
            ops += [
                activity.record(
                    org_id=org_id,
                    entity_id=source["id"],
                    entity_kind=_entity_kind(source),
                    actor_id=None,
                    action="agenda_carried_out",
                    at=now,
                    summary=f"{count} unfinished entries moved to {target['id']}",
                ),
                activity.record(
                    org_id=org_id,
                    entity_id=target["id"],
                    entity_kind=_entity_kind(target),
                    actor_id=None,
                    action="agenda_carried_in",
                    at=now,
                    summary=f"{count} unfinished entries arrived from {source['id']}",
                ),
            ]
        transactions.write(ops)
    return len(ordered)


def destination(org_id: str, meeting: Item, *, fresh: bool = True) -> Item | None:
    """Where a series meeting's unfinished entries go: the next live meeting, else the series
    (None if the series is gone). A sweep may use the index copy of the next meeting
    (`fresh=False`): only its last position is read from it, and counters are added to."""
    found = repository.next_live_meeting(org_id, meeting["series_id"], meeting["occurrence"])
    if found is not None:
        target = repository.meeting(org_id, found["id"]) if fresh else found
        if target is not None:
            return target
    return repository.series(org_id, meeting["series_id"])


def rehome_carried(org_id: str, meeting: Item, now: datetime) -> int:
    """A cancelled or deleted series meeting passes its carried, unfinished entries on."""
    if not meeting.get("series_id"):
        return 0
    carried = [
        entry
        for entry in repository.agenda(org_id, meeting["id"])
        if not entry.get("completed") and int(entry.get("carry_count") or 0) > 0
    ]
    target = destination(org_id, meeting) if carried else None
    if target is None:
        return 0
    return move_entries(org_id, carried, meeting, target, now)


def release_waiting(org_id: str, series: Item, target: Item, now: datetime) -> int:
    """Entries waiting on the series move into `target`, its next meeting."""
    if not any(int(series.get(f"{kind.counter}_total") or 0) for kind in KINDS):
        return 0
    waiting = [
        item
        for item in repository.series_collection(org_id, series["id"])
        if item["sk"].startswith(keys.WAITING_PREFIX)
    ]
    if not waiting:
        return 0
    return move_entries(org_id, waiting, series, target, now)


def roll_over(org_id: str, meeting: Item, now: datetime) -> bool:
    """The rollover of one meeting whose due entry (`meeting`, maybe a stale index copy)
    was read: unfinished entries move on, and the due entry is cleared in the same write
    only if it is still the one read. False if there was nothing to do for this entry."""
    read = meeting["due_sk"]
    meeting_key = keys.meeting_key(org_id, meeting["id"])
    clear = {"due_pk": None, "due_sk": None}
    nothing_open = all(
        int(meeting.get(f"{kind.counter}_total") or 0)
        == int(meeting.get(f"{kind.counter}_done") or 0)
        for kind in KINDS
    )
    if meeting.get("state") == "cancelled" or nothing_open:
        condition = "due_sk = :read"
        if meeting.get("state") != "cancelled":  # the counters read may be stale
            condition += " AND topics_total = topics_done AND items_total = items_done"
        try:
            repository.write(
                [
                    set_attributes(
                        meeting_key,
                        {},
                        list(clear),
                        condition=condition,
                        condition_values={":read": read},
                    )
                ]
            )
            return True
        except Conflict:
            if meeting.get("state") == "cancelled":
                return False
    # The index copy stands for the meeting: every write below is conditioned on its due
    # entry still being the one read, so a stale copy changes nothing.
    unfinished = [e for e in repository.agenda(org_id, meeting["id"]) if not e.get("completed")]
    target = destination(org_id, meeting, fresh=False) if unfinished else None
    if target is None:  # nothing to move, or nowhere to move it: entries stay where they are
        repository.write(
            [
                set_attributes(
                    meeting_key,
                    {},
                    list(clear),
                    condition="due_sk = :read",
                    condition_values={":read": read},
                )
            ]
        )
        return True
    move_entries(
        org_id,
        unfinished,
        meeting,
        target,
        now,
        source_changes=clear,
        source_condition="due_sk = :read",
        source_condition_values={":read": read},
    )
    return True
