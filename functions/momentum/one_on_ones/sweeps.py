"""The four 1:1 sweeps. Each reads only its due entries (the due index), takes `now` from
the scheduled event, and clears or re-arms an entry in the same write as its work, with a
condition that the entry is still the one read, so a replay for the same instant finds
nothing and sends nothing (the send ledger guards every notification as well)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from momentum.core import clock
from momentum.core.membership import is_active
from momentum.core.problems import Problem
from momentum.frame.sweeps import Budget, Summary, sweep_due
from momentum.identity import service as identity
from momentum.one_on_ones import carry, keys, materialise, notifications, repository, rules
from momentum.store.codec import Item
from momentum.store.keys import due_attributes

logger = Logger(service="momentum")


def _org_of(item: Item) -> str:
    return str(item["pk"]).split("#", 2)[1]


def _clear_due(item: Item, values: dict[str, Any] | None = None) -> bool:
    """Clear (or re-arm with `values`) the entry's due attributes if it is still the one read."""
    changes = values or {"due_pk": None, "due_sk": None}
    try:
        repository.write(
            [
                repository.set_attributes(
                    {"pk": item["pk"], "sk": item["sk"]},
                    {name: value for name, value in changes.items() if value is not None},
                    [name for name, value in changes.items() if value is None],
                    condition="due_sk = :read",
                    condition_values={":read": item["due_sk"]},
                )
            ]
        )
    except Problem:
        return False
    return True


class _Users:
    """User items read once per sweep run (recipients recur across meetings)."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], Item] = {}

    def get(self, org_id: str, user_ids: list[str]) -> dict[str, Item]:
        missing = [uid for uid in user_ids if (org_id, uid) not in self.known]
        for uid, item in identity.users_by_id(org_id, missing).items():
            self.known[(org_id, uid)] = item
        return {uid: self.known[(org_id, uid)] for uid in user_ids if (org_id, uid) in self.known}


# --- agenda-rollover ---------------------------------------------------------------------------


def rollover_agendas(now: datetime, budget: Budget) -> Summary:
    def process(meeting: Item, at: datetime) -> bool:
        try:
            return carry.roll_over(_org_of(meeting), meeting, at)
        except Problem:  # a concurrent edit: the entry stays due and the next run retries
            logger.info("rollover deferred", extra={"pk": meeting["pk"]})
            return False

    return sweep_due(repository.ROLLOVER_SWEEP, now, process, budget)


# --- one-on-one-reminders ------------------------------------------------------------------------


def send_meeting_reminders(now: datetime, budget: Budget) -> Summary:
    users = _Users()

    def process(entry: Item, at: datetime) -> bool:
        org_id = _org_of(entry)
        sent = 0
        if entry.get("state") == "scheduled" and clock.parse_instant(entry["start"]) > at:
            people = users.get(org_id, list(entry["participant_ids"]))
            sent = notifications.send_reminders(org_id, entry, people, at)
        return _clear_due(entry) and sent > 0

    return sweep_due(repository.REMINDER_SWEEP, now, process, budget)


# --- weekly-summary ------------------------------------------------------------------------------


def send_weekly_summaries(now: datetime, budget: Budget) -> Summary:
    users = _Users()

    def process(schedule: Item, at: datetime) -> bool:
        org_id, user_id = _org_of(schedule), schedule["user_id"]
        user = users.get(org_id, [user_id]).get(user_id)
        if not is_active(user):
            _clear_due(schedule)
            return False
        zone = clock.zone(user.get("time_zone"))
        sunday, week_start, week_end = rules.summary_week(at, zone)
        entries = repository.user_meetings_between(org_id, user_id, week_start, week_end)
        sent = False
        if entries:
            people = users.get(org_id, sorted({u for e in entries for u in e["participant_ids"]}))
            meetings = [
                notifications.summary_meeting(
                    entry, repository.agenda_as_it_went(org_id, entry["id"]), user, people
                )
                for entry in sorted(entries, key=lambda e: (e["start"], e["id"]))
            ]
            sent = notifications.send_weekly_summary(org_id, user, sunday, meetings, at)
        next_at = rules.next_summary_at(at, zone)
        key = keys.weekly_summary_key(org_id, user_id)
        rearm = due_attributes(repository.SUMMARY_SWEEP, next_at, key["pk"])
        return _clear_due(schedule, dict(rearm)) and sent

    return sweep_due(repository.SUMMARY_SWEEP, now, process, budget)


# --- meeting-horizon -----------------------------------------------------------------------------


def extend_series_horizon(now: datetime, budget: Budget) -> Summary:
    def process(series: Item, at: datetime) -> bool:
        try:
            materialise.extend(_org_of(series), series, at, read_due_sk=series["due_sk"])
        except Problem:  # a replay read a stale entry, or a request extended it first
            return False
        return True

    return sweep_due(repository.HORIZON_SWEEP, now, process, budget)
