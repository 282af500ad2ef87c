"""Items -> the API's shapes. Private notes reach a view only when the viewer wrote them."""

from __future__ import annotations

from typing import Any

from momentum.frame.principal import Principal
from momentum.one_on_ones import keys, rules
from momentum.one_on_ones.models import (
    AgendaEntry,
    Meeting,
    MeetingSummary,
    OneOnOneRow,
    PrivateNotes,
    Series,
    SharedNotes,
)
from momentum.one_on_ones.repository import TOPICS
from momentum.store.codec import Item

_ENTRY_FIELDS = set(AgendaEntry.model_fields)
_SUMMARY_FIELDS = set(MeetingSummary.model_fields)


def entry_view(item: Item) -> AgendaEntry:
    body = {k: v for k, v in item.items() if k in _ENTRY_FIELDS}
    if body.get("url"):  # entries stored before links were encoded are made safe on the way out
        body["url"] = rules.safe_link(str(body["url"]))
    return AgendaEntry.model_validate(body)


def entries_view(items: list[Item], kind_name: str) -> list[AgendaEntry]:
    chosen = [item for item in items if item.get("kind") == kind_name]
    return [entry_view(item) for item in rules.ordered(chosen)]


def meeting_summary(item: Item) -> MeetingSummary:
    return MeetingSummary.model_validate({k: v for k, v in item.items() if k in _SUMMARY_FIELDS})


def hides_private_notes(principal: Principal) -> bool:
    return bool(principal.settings.get("hide_private_notes"))


def meeting_view(items: list[Item], principal: Principal) -> Meeting:
    """A meeting from its collection, for one participant."""
    meeting: Item = {}
    agenda: list[Item] = []
    shared = SharedNotes()
    private = PrivateNotes()
    mine = keys.PRIVATE_NOTES_PREFIX + principal.user_id
    for item in items:
        sk = item["sk"]
        if sk == "MEETING":
            meeting = item
        elif sk.startswith(keys.AGENDA_PREFIX):
            agenda.append(item)
        elif sk == "NOTES#SHARED":
            shared = SharedNotes(body=item.get("body", ""), version=item.get("version", 0))
        elif sk == mine and item.get("private_author") == principal.user_id:
            private = PrivateNotes(body=item.get("body", ""))
    summary = meeting_summary(meeting)
    return Meeting(
        **summary.model_dump(),
        agenda_topics=entries_view(agenda, TOPICS.name),
        action_items=entries_view(agenda, "action_item"),
        shared_notes=shared,
        private_notes=None if hides_private_notes(principal) else private,
    )


def series_view(series: Item, meetings: list[Item], waiting: list[Item]) -> Series:
    ordered_meetings = sorted(meetings, key=lambda item: (item["start"], item["id"]))
    return Series(
        id=series["id"],
        title=series["title"],
        owner_id=series["owner_id"],
        participant_ids=series["participant_ids"],
        recurrence=series["recurrence"],
        time_zone=series["time_zone"],
        start=series["first_start"],
        end=series["first_end"],
        ends_at=series.get("ends_at"),
        archived=bool(series.get("archived")),
        calendar=series.get("calendar"),
        overridden=series.get("overridden") or [],
        meetings=[meeting_summary(item) for item in ordered_meetings],
        waiting_topics=entries_view(waiting, TOPICS.name),
        waiting_action_items=entries_view(waiting, "action_item"),
    )


def row_view(item: Item, viewer_id: str) -> OneOnOneRow:
    others = [uid for uid in item["participant_ids"] if uid != viewer_id]
    body: dict[str, Any] = {
        "kind": "series" if item["type"] == "series_row" else "meeting",
        "id": item["id"],
        "title": item["title"],
        "owner_id": item["owner_id"],
        "participant_ids": item["participant_ids"],
        "with_user_id": others[0] if others else viewer_id,
        "start": item["start"],
        "end": item.get("end"),
        "recurrence": item.get("recurrence"),
        "series_id": item.get("series_id"),
        "state": item.get("state", "scheduled"),
        "archived": bool(item.get("archived")),
    }
    return OneOnOneRow.model_validate(body)
