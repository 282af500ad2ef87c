"""Deleting a series: the series goes at once, its meetings in a background job.

The request (delete_series) removes what lists and reads find a series by (its
item, both participants' list rows, the pair marker, the calendar link), so the series is
gone for everyone from its answer on and the pair may start a new one. The job
("one_on_ones.delete_series", one message group per series) then removes each future
meeting's collection (the meeting, participant entries with their reminder due entries,
agenda topics, action items, notes), then what still waits on the series. Removing what is
already gone writes nothing, so a replay or a redelivery changes nothing; a job that
outgrows its budget continues from its cursor on the series' meetings index.
"""

from __future__ import annotations

from typing import Any

from momentum.core import clock
from momentum.core.problems import Conflict, Forbidden
from momentum.frame import background
from momentum.frame.principal import Principal
from momentum.frame.sweeps import Budget
from momentum.one_on_ones import keys, meetings, repository
from momentum.one_on_ones.access import series_for
from momentum.store import activity, table, transactions
from momentum.store.schema import GSI_BY_OWNER

KIND = "one_on_ones.delete_series"
PAGE = 25


def delete_series(principal: Principal, series_id: str) -> None:
    """Only the owner, only before any meeting took place. The series, its list rows, the
    pair marker and the calendar link go in this request (one transaction); its meetings
    go in a background job (one_on_ones/deleting.py)."""
    series = series_for(principal, series_id)
    if series["owner_id"] != principal.user_id:
        raise Forbidden("Only the owner of this series (who created it) can delete it.")
    org_id, now = principal.org_id, clock.now()
    found = repository.series_meetings(org_id, series_id)
    if any(clock.parse_instant(item["start"]) <= now for item in found):
        raise Conflict(
            "This series has meetings that already took place, so it cannot be "
            "deleted; archive it once all its meetings are past."
        )
    ops = [
        transactions.delete(keys.series_key(org_id, series_id), condition="attribute_exists(pk)"),
        *[
            transactions.delete(keys.series_row_key(org_id, series_id, uid))
            for uid in series["participant_ids"]
        ],
    ]
    ops.append(repository.release_pair_marker_op(org_id, series))
    if series.get("calendar"):
        link = series["calendar"]
        ops.append(
            transactions.delete(keys.calendar_link_key(org_id, link["provider"], link["event_id"]))
        )
    ops.append(
        activity.record(
            org_id=org_id,
            entity_id=series_id,
            entity_kind="series",
            actor_id=principal.user_id,
            action="series_deleted",
            at=now,
        )
    )
    transactions.write(ops)
    start(org_id, series_id, principal.user_id, clock.api_instant(now))


def start(org_id: str, series_id: str, actor_id: str, at: str) -> None:
    background.enqueue(
        KIND,
        {"org_id": org_id, "series_id": series_id, "actor_id": actor_id, "at": at},
        ordering_key=f"series#{org_id}#{series_id}",
    )


def run(payload: dict[str, Any], budget: Budget) -> dict[str, Any] | None:
    org_id, series_id = str(payload["org_id"]), str(payload["series_id"])
    actor_id, at = payload.get("actor_id"), clock.parse_instant(str(payload["at"]))
    if repository.series(org_id, series_id) is not None:
        return None  # not deleted (a stale message): nothing of a live series goes
    cursor = payload.get("cursor")
    while True:
        page = table.query(
            keys.series_meetings_partition(org_id, series_id),
            index=GSI_BY_OWNER,
            limit=PAGE,
            start_key=cursor,
        )
        for meeting in page.items:
            meetings.remove_meeting(org_id, meeting, actor_id, at, rehome=False)
        cursor = page.last_key
        if not cursor:
            break
        if budget.exhausted():
            return {**payload, "cursor": cursor}
    left = repository.series_collection(org_id, series_id)  # entries waiting on the series
    for first in range(0, len(left), transactions.MAX_TRANSACTION_ITEMS):
        chunk = left[first : first + transactions.MAX_TRANSACTION_ITEMS]
        transactions.write([transactions.delete({"pk": i["pk"], "sk": i["sk"]}) for i in chunk])
    return None
