"""The engagement progress sweep: flips engagements whose due-by day arrived to off track,
and announces each new off-track spell once (coachee, coach, one digest per admin).

It reads only the due index: an engagement is there while on track (due at the start of
its due-by day in its time zone) or while an off-track spell awaits its announcement.
The flip clears the due entry in the same conditional write, so a replay of the same
instant (or a stale index entry) changes nothing and sends nothing.
"""

from __future__ import annotations

from datetime import datetime

from momentum.coaching import keys, notices, rules, tracking
from momentum.core.problems import Conflict
from momentum.frame.sweeps import Budget, Summary, sweep_due
from momentum.store import activity, transactions
from momentum.store.codec import Item
from momentum.store.keys import due_attributes


def _rearm(item: Item, due_at: datetime | None) -> transactions.Op:
    """Move (or drop) a due entry that arrived early, e.g. after a time-zone change."""
    values = {":read": item["due_sk"]}
    expression = "REMOVE due_pk, due_sk"
    if due_at is not None:
        due = due_attributes(keys.PROGRESS_SWEEP, due_at, item["pk"])
        expression = "SET due_pk = :pk, due_sk = :sk"
        values.update({":pk": due["due_pk"], ":sk": due["due_sk"]})
    return transactions.update(_key(item), expression, condition="due_sk = :read", values=values)


def _key(item: Item) -> dict[str, str]:
    return {"pk": item["pk"], "sk": item["sk"]}


def flip_if_due(item: Item, now: datetime) -> Item | None:
    """The engagement as flipped off track at `now`, or None if there was nothing to do."""
    before = tracking.stored(item)
    progress = rules.status_on(before, tracking.today_for(item, now))
    try:
        if progress.status != "off_track":
            transactions.write([_rearm(item, tracking.due_at(item))])
            return None
        stored = tracking.as_dict(progress)
        transactions.write(
            [
                transactions.update(
                    _key(item),
                    "SET progress = :progress, off_track_announced = :yes, "
                    "version = version + :one REMOVE due_pk, due_sk",
                    condition="due_sk = :read",
                    values={":progress": stored, ":yes": True, ":one": 1, ":read": item["due_sk"]},
                ),
                activity.record(
                    org_id=item["org_id"],
                    entity_id=item["id"],
                    entity_kind="engagement",
                    actor_id=None,
                    action=tracking.OFF_TRACK_ACTION,
                    at=now,
                    changes=activity.changed_fields(
                        {"progress": before.status}, {"progress": progress.status}
                    ),
                    summary=f"Off track since {stored['off_track_since']}",
                ),
            ]
        )
    except Conflict:  # the engagement changed since the index entry was read
        return None
    return {**item, "progress": stored, "off_track_announced": True}


def track_engagement_progress(now: datetime, budget: Budget) -> Summary:
    went_off_track: list[Item] = []

    def process(item: Item, at: datetime) -> bool:
        flipped = flip_if_due(item, at)
        if flipped is None:
            return False
        if tracking.tracking_of(flipped).notify_off_track:
            went_off_track.append(flipped)
        return True

    summary = sweep_due(keys.PROGRESS_SWEEP, now, process, budget)
    summary.details["emails"] = notices.announce_off_track(went_off_track, now)
    return summary
