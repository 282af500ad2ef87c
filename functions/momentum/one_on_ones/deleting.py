"""Deleting a series: the series goes at once, its meetings in a background job.

The request (series.delete_series) removes what lists and reads find a series by (its
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

from momentum.core import background, clock
from momentum.core.sweeps import Budget
from momentum.one_on_ones import keys, meetings, repository
from momentum.store import table, transactions
from momentum.store.schema import GSI_BY_OWNER

KIND = "one_on_ones.delete_series"
PAGE = 25


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
