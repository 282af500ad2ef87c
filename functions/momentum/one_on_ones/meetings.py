"""Changing one meeting: name, date and time, cancel, archive, delete this instance.

A cancelled meeting keeps its content (shown struck through) but passes its carried,
unfinished entries on to the next live meeting of its series. A name, date or time changed
here on a calendar-linked meeting holds until the calendar changes that field (overrides).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from momentum.core import clock
from momentum.core.problems import Forbidden
from momentum.frame.principal import Principal
from momentum.one_on_ones import carry, keys, overrides, repository, rules
from momentum.one_on_ones.access import meeting_for
from momentum.one_on_ones.models import MeetingPatch
from momentum.store import activity, table, transactions
from momentum.store.codec import Item


def apply_change(
    org_id: str, meeting: Item, changes: dict[str, Any], actor_id: str | None, now: datetime
) -> Item:
    """Write `changes` (title, start, end, state, archived) to a meeting; returns it after."""
    after = {**meeting, **changes}
    if "start" in changes or "end" in changes:
        rules.check_meeting_times(
            clock.parse_instant(after["start"]), clock.parse_instant(after["end"]), now
        )
    moved = after["start"] != meeting["start"] or after["end"] != meeting["end"]
    revived = meeting.get("state") == "cancelled" and after.get("state") == "scheduled"
    audit = activity.changed_fields(
        {name: meeting.get(name) for name in changes}, {name: after.get(name) for name in changes}
    )
    if not audit:
        return meeting
    action = "meeting_updated"
    if "state" in audit:
        action = "meeting_cancelled" if after["state"] == "cancelled" else "meeting_restored"
    elif "archived" in audit:
        action = "meeting_archived" if after["archived"] else "meeting_unarchived"
    transactions.write(
        [
            *repository.meeting_update_ops(org_id, after, now, rearm_rollover=moved or revived),
            activity.record(
                org_id=org_id,
                entity_id=meeting["id"],
                entity_kind="meeting",
                actor_id=actor_id,
                action=action,
                at=now,
                changes=audit,
            ),
        ]
    )
    if meeting.get("state") != "cancelled" and after.get("state") == "cancelled":
        carry.rehome_carried(org_id, after, now)
    return after


def _time_changes(meeting: Item, patch: MeetingPatch) -> dict[str, Any]:
    """New start/end; moving only the start keeps the meeting's length."""
    changes: dict[str, Any] = {}
    start, end = clock.parse_instant(meeting["start"]), clock.parse_instant(meeting["end"])
    if patch.start is not None:
        new_start = patch.start.astimezone(UTC)
        changes["start"] = clock.api_instant(new_start)
        if patch.end is None:
            changes["end"] = clock.api_instant(new_start + (end - start))
    if patch.end is not None:
        changes["end"] = clock.api_instant(patch.end.astimezone(UTC))
    return changes


def patch_meeting(principal: Principal, meeting_id: str, patch: MeetingPatch) -> None:
    meeting = meeting_for(principal, meeting_id)
    changes: dict[str, Any] = _time_changes(meeting, patch)
    if patch.title is not None:
        changes["title"] = patch.title
    if changes and meeting.get("calendar"):
        changes = overrides.by_participant(meeting, changes)
    if patch.state is not None:
        changes["state"] = patch.state
    if changes:
        apply_change(principal.org_id, meeting, changes, principal.user_id, clock.now())


def archive_meeting(principal: Principal, meeting_id: str, archived: bool) -> None:
    meeting = meeting_for(principal, meeting_id)
    now = clock.now()
    if archived:
        rules.check_archivable_meeting(meeting, now)
    if bool(meeting.get("archived")) == archived:
        return
    changes = {"archived": archived, "archived_at": clock.api_instant(now) if archived else None}
    apply_change(principal.org_id, meeting, changes, principal.user_id, now)


def delete_meeting(principal: Principal, meeting_id: str) -> None:
    """'Delete this instance': only its owner, only before it starts."""
    meeting = meeting_for(principal, meeting_id)
    if meeting["owner_id"] != principal.user_id:
        raise Forbidden("Only the owner of this 1:1 (who created it) can delete it.")
    now = clock.now()
    rules.check_deletable_meeting(meeting, now)
    remove_meeting(principal.org_id, meeting, principal.user_id, now)


def remove_meeting(
    org_id: str, meeting: Item, actor_id: str | None, now: datetime, *, rehome: bool = True
) -> None:
    """Delete a meeting's whole collection, after passing carried entries on."""
    if rehome:
        carry.rehome_carried(org_id, meeting, now)
    items = table.query_all(keys.meeting_partition(org_id, meeting["id"]))
    items.sort(key=lambda item: item["sk"] != "MEETING")  # it disappears from views first
    record = activity.record(
        org_id=org_id,
        entity_id=meeting.get("series_id") or meeting["id"],
        entity_kind="series" if meeting.get("series_id") else "meeting",
        actor_id=actor_id,
        action="meeting_deleted",
        at=now,
        changes={
            "meeting": {"before": meeting["id"], "after": None},
            "start": {"before": meeting["start"], "after": None},
        },
    )
    chunk = transactions.MAX_TRANSACTION_ITEMS - 1
    for number, first in enumerate(range(0, len(items), chunk)):
        ops = [
            transactions.delete({"pk": item["pk"], "sk": item["sk"]})
            for item in items[first : first + chunk]
        ]
        transactions.write([*ops, record] if number == 0 else ops)
