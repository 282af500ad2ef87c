"""The outbox sweep: publishes every new activity entry as an event, exactly once.

Each activity entry is written due for this sweep in the same transaction as the change
it records (store/activity.record), so there is never an event for a change that did not
commit, nor a committed change left without its event. Publishing puts the event on the
EventBridge bus, then in one transaction clears the entry's due attributes (on the
condition they are still the ones read) and creates one pending delivery per matching
webhook subscription. A crash between the two re-publishes the same event id on the next
run: EventBridge consumers, like webhook receivers, de-duplicate by id.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from momentum.core import aws, clock, observability
from momentum.core.config import settings
from momentum.core.domain_events import EntityVisibility, EventGoingOut, ask
from momentum.core.problems import Conflict
from momentum.events import types
from momentum.frame.sweeps import Budget, Summary, sweep_due
from momentum.store import transactions
from momentum.store.activity import PUBLISH_SWEEP
from momentum.store.codec import Item

SOURCE = "momentum"
MAX_EVENT_BYTES = 200_000
logger = observability.logger


def bus_name() -> str:
    return settings().event_bus_name


def org_of(entry: Item) -> str:
    return str(entry["pk"]).split("#", 2)[1]


# 1:1 content (agenda topics, action items) is for its two participants only: no
# subscription, not even an admin's, receives its values.
PARTICIPANTS_ONLY_KINDS = frozenset({"series", "meeting"})


def _private(entry: Item) -> bool:
    """Goals may be private; one that no longer exists is treated as private."""
    if entry["entity_kind"] in PARTICIPANTS_ONLY_KINDS:
        return True
    if entry["entity_kind"] != "goal":
        return False
    return ask(EntityVisibility(org_of(entry), "goal", entry["entity_id"])) != ["public"]


def event_of(entry: Item) -> dict[str, Any]:
    """The event an activity entry publishes (the full version; see `redacted`)."""
    changes = entry.get("changes") or {}
    event = types.event_type(entry["entity_kind"], entry["action"], changes)
    return {
        "type": event,
        "timestamp": entry["at"],
        "data": {
            "id": entry["id"],
            "schema_version": types.SCHEMA_VERSION,
            "org_id": org_of(entry),
            "entity": {"kind": entry["entity_kind"], "id": entry["entity_id"]},
            "actor_id": entry.get("actor_id"),
            "action": entry["action"],
            "private": _private(entry),
            "changes": changes,
            "summary": entry.get("summary"),
        },
    }


def redacted(event: dict[str, Any]) -> dict[str, Any]:
    """A private goal's event with ids only: which fields changed, never their values."""
    data = event["data"]
    if not data["private"]:
        return event
    hidden = {**data, "changes": {name: {} for name in data["changes"]}, "summary": None}
    return {**event, "data": hidden}


def fitting(event: dict[str, Any]) -> dict[str, Any]:
    """The event, or one whose changes name their fields only when the values would make
    it larger than EventBridge (256 KB) and a delivery item (400 KB) can carry."""
    if len(json.dumps(event, default=str)) <= MAX_EVENT_BYTES:
        return event
    data = event["data"]
    trimmed = {**data, "changes": {name: {} for name in data["changes"]}, "truncated": True}
    return {**event, "data": trimmed}


def _put_on_bus(event: dict[str, Any]) -> None:
    answer = aws.client("events").put_events(
        Entries=[
            {
                "Source": SOURCE,
                "DetailType": event["type"],
                "Detail": json.dumps(redacted(event), default=str),
                "EventBusName": bus_name(),
                "Time": clock.parse_instant(event["timestamp"]),
            }
        ]
    )
    if answer.get("FailedEntryCount"):
        raise RuntimeError(f"EventBridge refused event {event['data']['id']}")


def _publish(entry: Item, now: datetime) -> bool:
    event = fitting(event_of(entry))
    try:
        _put_on_bus(event)
    except (ClientError, RuntimeError):  # left due: the next run publishes it
        logger.exception("event not published", extra={"event": entry["id"]})
        return False
    ops = [
        transactions.update(
            {"pk": entry["pk"], "sk": entry["sk"]},
            "REMOVE due_pk, due_sk",
            condition="due_sk = :read",
            values={":read": entry["due_sk"]},
            on_condition_failed=_AlreadyPublished,
        ),
        *(op for ops in ask(EventGoingOut(org_of(entry), event, now)) for op in ops),
    ]
    try:
        transactions.write(ops)
    except _AlreadyPublished:
        return False  # a replay or an overlapping run got there first
    return True


class _AlreadyPublished(Conflict):
    def __init__(self) -> None:
        super().__init__("This activity entry was already published.")


def publish_events(now: datetime, budget: Budget) -> Summary:
    """Sweep `events-publish`: every activity entry not yet published, oldest first."""
    return sweep_due(PUBLISH_SWEEP, now, _publish, budget)
