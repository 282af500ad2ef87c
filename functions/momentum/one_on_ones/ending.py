"""Ending a series made in Momentum (API.md "Additions": POST /v1/one-on-ones/{id}/end).

The rule gets an UNTIL at the end of the chosen day in the series' zone; the meetings after
it go, and their unfinished topics and action items wait on the series, exactly as the
rollover leaves them when there is no next meeting. Once its last meeting is past, the
series can be archived. A series that follows a calendar event ends in the calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from momentum.core import clock
from momentum.core.problems import Conflict, Invalid, field_error
from momentum.frame.principal import Principal
from momentum.one_on_ones import carry, materialise, meetings, repository
from momentum.one_on_ones.access import series_for
from momentum.store import activity, transactions
from momentum.store.codec import Item

ENDS_IN_CALENDAR = (
    "This series follows a recurring calendar event; end the recurring event in the calendar."
)


def rule_until(rule: str, until: datetime) -> str:
    """The rule with its end replaced: COUNT and any earlier UNTIL give way to `until`."""
    kept = [part for part in rule.split(";") if not part.startswith(("COUNT=", "UNTIL="))]
    return ";".join([*kept, "UNTIL=" + until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")])


def end_series(principal: Principal, series_id: str, after: date) -> None:
    series = series_for(principal, series_id)
    if series.get("calendar"):
        raise Conflict(ENDS_IN_CALENDAR)
    if series.get("archived"):
        raise Conflict("An archived series cannot be changed; unarchive it first.")
    org_id, now = principal.org_id, clock.now()
    zone = clock.zone(series["time_zone"])
    cut = datetime.combine(after + timedelta(days=1), time(0), tzinfo=zone)
    if cut <= clock.parse_instant(series["first_start"]):
        raise Invalid(
            "The series would have no meeting left.",
            errors=[field_error("after", "before the series' first meeting")],
        )
    found = repository.series_meetings(org_id, series_id)
    later = sorted(
        (m for m in found if clock.parse_instant(m["start"]) >= cut), key=lambda m: m["occurrence"]
    )
    held = [m for m in later if clock.parse_instant(m["start"]) <= now]
    if held:
        day = clock.parse_instant(held[-1]["start"]).astimezone(zone).date()
        raise Conflict(f"The meeting of {day} has already started; end the series after it.")
    rule = rule_until(series["recurrence"], cut - timedelta(seconds=1))
    last_end = repository.recurrence_of({**series, "recurrence": rule}).last_end()
    going = {m["id"] for m in later}
    kept = [m["occurrence"] for m in found if m["id"] not in going]
    changes: dict[str, Any] = {
        "recurrence": rule,
        "ends_at": clock.api_instant(last_end) if last_end else None,
        # Ending later again must materialise the occurrences removed now.
        "materialised_through": max(kept, default=None),
    }
    for meeting in later:
        _let_entries_wait(org_id, series_id, meeting, principal.user_id, now)
    audit = activity.changed_fields(series, changes)
    audit.pop("materialised_through", None)
    transactions.write(
        [
            *repository.series_change_ops(org_id, series, changes),
            activity.record(
                org_id=org_id,
                entity_id=series_id,
                entity_kind="series",
                actor_id=principal.user_id,
                action="series_ended",
                at=now,
                changes=audit,
            ),
        ]
    )
    current = repository.series(org_id, series_id)
    if current is not None:  # drops the horizon entry, or makes meetings if it ends later
        materialise.extend(org_id, current, now)


def _let_entries_wait(
    org_id: str, series_id: str, meeting: Item, actor_id: str, now: datetime
) -> None:
    """A removed meeting's unfinished entries wait on the series, then the meeting goes."""
    current = repository.meeting(org_id, meeting["id"])
    if current is None:
        return
    unfinished = [e for e in repository.agenda(org_id, meeting["id"]) if not e.get("completed")]
    target = repository.series(org_id, series_id)  # read afresh: each move appends after the last
    if unfinished and target is not None:
        carry.move_entries(org_id, unfinished, current, target, now)
    meetings.remove_meeting(org_id, current, actor_id, now, rehome=False)
