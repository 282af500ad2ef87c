"""The 1:1 items: how a meeting, its participant entries and a series are stored, their
index and due attributes, and the reads the use cases need (each one round trip)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from momentum.core.clock import key_instant, parse_instant, zone
from momentum.core.problems import Conflict, Problem
from momentum.one_on_ones import keys, rules
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.keys import due_attributes
from momentum.store.schema import GSI_BY_LOOKUP, GSI_BY_OWNER

ROLLOVER_SWEEP = "agenda-rollover"
REMINDER_SWEEP = "one-on-one-reminders"
SUMMARY_SWEEP = "weekly-summary"
HORIZON_SWEEP = "meeting-horizon"
OPEN_END = "9999-12-31T23:59:59Z"
INDEX_ATTRIBUTES = ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "due_pk", "due_sk")
MEETING_FIELDS = (
    "id", "series_id", "title", "start", "end", "owner_id", "participant_ids", "state",
    "archived", "archived_at", "calendar", "occurrence", "overridden", "calendar_seen",
)  # fmt: skip


class Kind(msgspec.Struct, frozen=True):
    """Agenda topics and action items share every rule but who may delete or edit."""

    name: str  # "topic" | "action_item"
    sk: str  # sort-key token
    counter: str  # prefix of the meeting's counters
    label: str


TOPICS = Kind("topic", keys.TOPIC, "topics", "agenda topic")
ACTION_ITEMS = Kind("action_item", keys.ACTION_ITEM, "items", "action item")
KINDS = (TOPICS, ACTION_ITEMS)


def kind_of(entry: Item) -> Kind:
    return TOPICS if entry.get("kind") == TOPICS.name else ACTION_ITEMS


# --- item builders -----------------------------------------------------------------------


def _row_sort_key(archived_at: str | None, end: str | None, entity_id: str) -> str:
    if archived_at:
        return f"ARCHIVED#{key_instant(parse_instant(archived_at))}#{entity_id}"
    end_key = key_instant(parse_instant(end)) if end else OPEN_END
    return f"ACTIVE#{end_key}#{entity_id}"


def meeting_index(org_id: str, meeting: Item, *, rollover: bool) -> dict[str, str]:
    """The MEETING item's index attributes: report month, series order, rollover due."""
    start = parse_instant(meeting["start"])
    attributes = {
        "gsi2pk": keys.org_meetings_partition(org_id, key_instant(start)[:7]),
        "gsi2sk": f"{key_instant(start)}#{meeting['id']}",
    }
    if meeting.get("series_id"):
        attributes["gsi1pk"] = keys.series_meetings_partition(org_id, meeting["series_id"])
        attributes["gsi1sk"] = f"{meeting['occurrence']}#{meeting['id']}"
        if rollover:
            pk = keys.meeting_partition(org_id, meeting["id"])
            due = rules.rollover_due(parse_instant(meeting["end"]))
            attributes.update(due_attributes(ROLLOVER_SWEEP, due, pk))
    return attributes


def meeting_item(org_id: str, meeting: Item) -> Item:
    counters = {f"{kind.counter}_{name}": 0 for kind in KINDS for name in ("total", "done")}
    return {
        **keys.meeting_key(org_id, meeting["id"]),
        "type": "meeting",
        **counters,
        **{name: meeting[name] for name in MEETING_FIELDS if meeting.get(name) is not None},
        "created_at": meeting["created_at"],
        **meeting_index(org_id, meeting, rollover=True),
    }


def participant_entry(org_id: str, meeting: Item, user_id: str, now: datetime) -> Item:
    """A meeting in one participant's index. The owner's entry carries the reminder."""
    start = parse_instant(meeting["start"])
    entry = {
        **keys.participant_entry_key(org_id, meeting["id"], user_id),
        "type": "meeting_entry",
        "user_id": user_id,
        **{name: meeting[name] for name in MEETING_FIELDS if meeting.get(name) is not None},
        "gsi1pk": keys.user_meetings_partition(org_id, user_id),
        "gsi1sk": f"{key_instant(start)}#{meeting['id']}",
    }
    if not meeting.get("series_id"):  # a one-off is its own row in the tabs
        entry["gsi2pk"] = keys.user_list_partition(org_id, user_id)
        entry["gsi2sk"] = _row_sort_key(meeting.get("archived_at"), meeting["end"], meeting["id"])
    if user_id == meeting["owner_id"] and meeting.get("state") == "scheduled" and start > now:
        pk = keys.meeting_partition(org_id, meeting["id"])
        entry.update(due_attributes(REMINDER_SWEEP, rules.reminder_due(start), pk))
    return entry


def new_meeting_ops(org_id: str, meeting: Item, now: datetime) -> list[transactions.Op]:
    return [
        transactions.put_new(meeting_item(org_id, meeting)),
        *[
            transactions.put(participant_entry(org_id, meeting, user_id, now))
            for user_id in meeting["participant_ids"]
        ],
    ]


def set_attributes(
    item_key: dict[str, str],
    values: dict[str, Any],
    remove: tuple[str, ...] | list[str] = (),
    *,
    add: dict[str, int] | None = None,
    condition: str | None = None,
    condition_values: dict[str, Any] | None = None,
    on_condition_failed: Callable[[], Problem] | None = None,
) -> transactions.Op:
    """One UpdateItem: SET every value (None = REMOVE), ADD counters, REMOVE `remove`."""
    names: dict[str, str] = {}
    expression_values: dict[str, Any] = dict(condition_values or {})
    sets, removes, adds = [], [], []
    for index, (name, value) in enumerate(values.items()):
        names[f"#a{index}"] = name
        if value is None:
            removes.append(f"#a{index}")
        else:
            expression_values[f":a{index}"] = value
            sets.append(f"#a{index} = :a{index}")
    for index, name in enumerate(name for name in remove if name not in values):
        names[f"#r{index}"] = name
        removes.append(f"#r{index}")
    for index, (name, amount) in enumerate((add or {}).items()):
        names[f"#n{index}"], expression_values[f":n{index}"] = name, amount
        adds.append(f"#n{index} :n{index}")
    clauses = [
        ("SET", sets),
        ("ADD", adds),
        ("REMOVE", removes),
    ]
    expression = " ".join(f"{word} {', '.join(parts)}" for word, parts in clauses if parts)
    extra = {"on_condition_failed": on_condition_failed} if on_condition_failed else {}
    return transactions.update(
        item_key,
        expression,
        condition=condition or "attribute_exists(pk)",
        names=names,
        values=expression_values or None,
        **extra,
    )


def meeting_update_ops(
    org_id: str, after: Item, now: datetime, *, rearm_rollover: bool
) -> list[transactions.Op]:
    """Rewrite a meeting's fields and entries (its counters and agenda are untouched)."""
    index = meeting_index(org_id, after, rollover=rearm_rollover)
    fields = {name: after.get(name) for name in MEETING_FIELDS}
    kept = ("due_pk", "due_sk") if not rearm_rollover else ()
    remove = [name for name in INDEX_ATTRIBUTES if name not in index and name not in kept]
    return [
        set_attributes(keys.meeting_key(org_id, after["id"]), {**fields, **index}, remove),
        *[
            transactions.put(participant_entry(org_id, after, user_id, now))
            for user_id in after["participant_ids"]
        ],
    ]


def series_row(org_id: str, series: Item, user_id: str) -> Item:
    return {
        **keys.series_row_key(org_id, series["id"], user_id),
        "type": "series_row",
        "user_id": user_id,
        "kind": "series",
        "id": series["id"],
        "title": series["title"],
        "owner_id": series["owner_id"],
        "participant_ids": series["participant_ids"],
        "start": series["first_start"],
        "recurrence": series["recurrence"],
        "archived": bool(series.get("archived")),
        **({"end": series["ends_at"]} if series.get("ends_at") else {}),
        "gsi2pk": keys.user_list_partition(org_id, user_id),
        "gsi2sk": _row_sort_key(series.get("archived_at"), series.get("ends_at"), series["id"]),
    }


def series_change_ops(org_id: str, series: Item, changes: dict[str, Any]) -> list[transactions.Op]:
    """The series item's changed fields and both participants' list rows."""
    after = {**series, **changes}
    return [
        set_attributes(keys.series_key(org_id, series["id"]), changes),
        *[transactions.put(series_row(org_id, after, uid)) for uid in series["participant_ids"]],
    ]


def _pair_taken(org_id: str, user_a: str, user_b: str) -> Conflict:
    marker = table.get(keys.pair_key(org_id, user_a, user_b), consistent=True) or {}
    series_id = marker.get("series_id", "")
    return Conflict(
        f"These two people already have a 1:1 series ({series_id}); only one series may "
        "exist per pair.",
        extra={"series_id": series_id},
    )


def pair_marker_op(org_id: str, series: Item) -> transactions.Op:
    owner, other = series["participant_ids"]
    return transactions.put_new(
        {**keys.pair_key(org_id, owner, other), "type": "pair", "series_id": series["id"]},
        on_condition_failed=lambda: _pair_taken(org_id, owner, other),
    )


def release_pair_marker_op(org_id: str, series: Item) -> transactions.Op:
    """The pair is free for a new series again (unless another series holds it now)."""
    owner, other = series["participant_ids"]
    return transactions.delete(
        keys.pair_key(org_id, owner, other),
        condition="attribute_not_exists(pk) OR series_id = :id",
        values={":id": series["id"]},
    )


def horizon_due(org_id: str, series_id: str, at: datetime | None) -> dict[str, str | None]:
    if at is None:
        return {"due_pk": None, "due_sk": None}
    return dict(due_attributes(HORIZON_SWEEP, at, keys.series_partition(org_id, series_id)))


def recurrence_of(series: Item) -> rules.Recurrence:
    first = parse_instant(series["first_start"])
    duration = parse_instant(series["first_end"]) - first
    return rules.Recurrence(
        series["recurrence"], first.astimezone(zone(series["time_zone"])), duration
    )


def write(ops: list[transactions.Op]) -> None:
    """Several ops: one transaction. One op: a single conditional write, which costs half a
    transactional one (and sweeps clear most due entries with exactly one)."""
    transactions.write(ops)


# --- reads -------------------------------------------------------------------------------


def meeting_collection(org_id: str, meeting_id: str, viewer_id: str) -> list[Item]:
    """Everything of a meeting in one Query, except other people's private notes."""
    return table.query_all(
        keys.meeting_partition(org_id, meeting_id),
        filter_expression="attribute_not_exists(private_author) OR private_author = :me",
        filter_values={":me": viewer_id},
    )


def meeting(org_id: str, meeting_id: str) -> Item | None:
    return table.get(keys.meeting_key(org_id, meeting_id), consistent=True)


def agenda(org_id: str, meeting_id: str) -> list[Item]:
    return table.query_all(keys.meeting_partition(org_id, meeting_id), sk_prefix=keys.AGENDA_PREFIX)


def agenda_as_it_went(org_id: str, meeting_id: str) -> list[Item]:
    """A meeting's entries and the traces of those carried out of it, in one Query."""
    return table.query_all(
        keys.meeting_partition(org_id, meeting_id),
        sk_between=(keys.AGENDA_PREFIX, keys.CARRIED_PREFIX + "\uffff"),
    )


def agenda_entry(org_id: str, meeting_id: str, kind: Kind, entry_id: str) -> Item | None:
    return table.get(keys.agenda_key(org_id, meeting_id, kind.sk, entry_id), consistent=True)


def series_collection(org_id: str, series_id: str) -> list[Item]:
    return table.query_all(keys.series_partition(org_id, series_id))


def series(org_id: str, series_id: str) -> Item | None:
    return table.get(keys.series_key(org_id, series_id), consistent=True)


def series_meetings(org_id: str, series_id: str) -> list[Item]:
    """A series' meetings in occurrence order (the index is eventually consistent)."""
    return table.query_all(keys.series_meetings_partition(org_id, series_id), index=GSI_BY_OWNER)


def next_live_meeting(org_id: str, series_id: str, after_occurrence: str) -> Item | None:
    """The first meeting of the series after an occurrence that is not cancelled."""
    start: dict[str, Any] | None = None
    while True:
        page = table.query(
            keys.series_meetings_partition(org_id, series_id),
            index=GSI_BY_OWNER,
            sk_between=(after_occurrence + "#\uffff", "\uffff"),
            limit=1,
            start_key=start,
        )
        for item in page.items:
            if item.get("state") == "scheduled":
                return item
        if not page.last_key:
            return None
        start = page.last_key


def user_meetings_between(org_id: str, user_id: str, start: datetime, end: datetime) -> list[Item]:
    return table.query_all(
        keys.user_meetings_partition(org_id, user_id),
        index=GSI_BY_OWNER,
        sk_between=(key_instant(start), key_instant(end)),
    )


def org_meetings_in_month(org_id: str, month: str, low: str, high: str) -> list[Item]:
    return table.query_all(
        keys.org_meetings_partition(org_id, month), index=GSI_BY_LOOKUP, sk_between=(low, high)
    )


def org_meetings_page(
    org_id: str,
    month: str,
    low: str,
    high: str,
    start: dict[str, Any] | None,
    limit: int | None = None,
) -> table.Page:
    """One page (up to 1 MB) of the org's meetings in a month: what reports read."""
    return table.query(
        keys.org_meetings_partition(org_id, month),
        index=GSI_BY_LOOKUP,
        sk_between=(low, high),
        start_key=start,
        limit=limit,
    )


def calendar_link(org_id: str, provider: str, event_id: str) -> Item | None:
    return table.get(keys.calendar_link_key(org_id, provider, event_id), consistent=True)
