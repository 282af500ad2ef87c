"""1:1 figures: a meeting read (topics, items, shared notes, the caller's private note) and
adding a topic, in round trips; and what the rollover and reminder sweeps read per meeting
due with 20,000 meetings not due in the table (and what a replay reads)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import tests.conftest  # noqa: F401  (the test environment: table name, fake credentials)
from moto import mock_aws
from tests.support.harness import Actor, InProcessApi, fake_sign_in

from bench.counting import DynamoCounter
from momentum.core import aws, clock
from momentum.core.config import settings
from momentum.frame import org as org_cache
from momentum.frame import principal as principal_module
from momentum.frame.sweeps import Budget
from momentum.one_on_ones import materialise, repository
from momentum.one_on_ones.sweeps import rollover_agendas, send_meeting_reminders
from momentum.store import table
from momentum.store.codec import Item
from momentum.store.schema import create_table_request

NOT_DUE = 20_000
DUE = 300
PAIRS = 5
Report = Callable[[str, float, str], None]


def _counted(call: Callable[[], Any]) -> int:
    with DynamoCounter() as counter:
        call()
    return counter.calls


def _meeting_items(
    org_id: str, owner: Actor, other: Actor, start: datetime, series_id: str, created: datetime
) -> list[Item]:
    meeting = materialise.new_meeting(
        owner_id=owner.user_id,
        other_id=other.user_id,
        title="Seeded 1:1",
        start=start,
        end=start + timedelta(minutes=30),
        now=created,
        series_id=series_id,
    )
    return [
        repository.meeting_item(org_id, meeting),
        repository.participant_entry(org_id, meeting, owner.user_id, created),
    ]


def _seed(org_id: str, pairs: list[tuple[Actor, Actor]], due_at: datetime) -> None:
    """NOT_DUE meetings due weeks later, and DUE meetings whose entries are due at `due_at`
    (rollover: ended 3 h before; reminder: starting 1 h after)."""
    created = due_at - timedelta(days=30)
    series_id = "01JBENCHSERIES000000000000"
    items: list[Item] = []
    for n in range(NOT_DUE):
        owner, other = pairs[n % len(pairs)]
        items += _meeting_items(
            org_id,
            owner,
            other,
            due_at + timedelta(days=7 + n % 60, minutes=n % 1440),
            series_id,
            created,
        )
    table.batch_put(items)


def _seed_due(org_id: str, pairs: list[tuple[Actor, Actor]], start: datetime) -> None:
    created = start - timedelta(days=30)
    items: list[Item] = []
    for n in range(DUE):
        owner, other = pairs[n % len(pairs)]
        items += _meeting_items(org_id, owner, other, start, f"01JBENCHSERIES{n:012d}", created)
    table.batch_put(items)


def _sweeps(report: Report, api: InProcessApi, admin: Actor) -> None:
    people = [api.add_user(admin, f"Person {n}") for n in range(2 * PAIRS)]
    pairs = [(people[2 * n], people[2 * n + 1]) for n in range(PAIRS)]
    start = clock.parse_instant("2026-11-02T10:00:00Z")
    began = time.monotonic()
    _seed(admin.org_id, pairs, start)
    _seed_due(admin.org_id, pairs, start)
    report(f"one_on_ones: seeding {NOT_DUE + DUE} meetings (moto)", time.monotonic() - began, "s")

    reminder_at = start - timedelta(hours=1)
    with DynamoCounter() as counter:
        summary = send_meeting_reminders(reminder_at, Budget())
    assert (summary.due, summary.done) == (DUE, DUE), summary
    report(
        f"one_on_ones: reminder sweep items read per meeting due ({NOT_DUE} not due, "
        f"{2 * PAIRS} people)",
        counter.items_read / DUE,
        "items",
    )
    with DynamoCounter() as counter:
        replay = send_meeting_reminders(reminder_at, Budget())
    assert replay.due == 0, replay
    report("one_on_ones: reminder sweep replay items read", counter.items_read, "items")

    rollover_at = start + timedelta(minutes=30, hours=3)
    with DynamoCounter() as counter:
        summary = rollover_agendas(rollover_at, Budget())
    assert (summary.due, summary.done) == (DUE, DUE), summary
    report(
        f"one_on_ones: rollover sweep items read per meeting due ({NOT_DUE} not due)",
        counter.items_read / DUE,
        "items",
    )
    with DynamoCounter() as counter:
        replay = rollover_agendas(rollover_at, Budget())
    assert replay.due == 0, replay
    report("one_on_ones: rollover sweep replay items read", counter.items_read, "items")


def _rollover_with_work(report: Report, api: InProcessApi, admin: Actor) -> None:
    """Meetings that do have unfinished entries: the entries themselves and the next
    meeting are read on top of the due entry."""
    people = [api.add_user(admin, f"Mover {n}") for n in range(2)]
    series = api.post(
        people[0],
        "/v1/one-on-ones",
        {
            "with_user_id": people[1].user_id,
            "title": "Bench",
            "start": "2026-10-26T15:00:00Z",
            "end": "2026-10-26T15:30:00Z",
            "recurrence": "FREQ=WEEKLY",
        },
    ).ok()["series"]
    first = series["meetings"][0]["id"]
    for n in range(3):
        api.post(people[n % 2], f"/v1/meetings/{first}/agenda-topics", {"text": f"T{n}"}).ok()
    with DynamoCounter() as counter:
        summary = rollover_agendas(clock.parse_instant("2026-10-26T18:30:00Z"), Budget())
    assert summary.done == 1, summary
    report(
        "one_on_ones: rollover items read for 1 meeting with 3 unfinished topics",
        counter.items_read,
        "items",
    )


def _requests(report: Report, api: InProcessApi, admin: Actor) -> None:
    mia, eli = api.add_user(admin, "Mia Manager"), api.add_user(admin, "Eli Employee")
    created = api.post(
        mia,
        "/v1/one-on-ones",
        {
            "with_user_id": eli.user_id,
            "title": "Weekly",
            "start": "2026-11-04T10:00:00Z",
            "end": "2026-11-04T10:30:00Z",
            "recurrence": "FREQ=WEEKLY",
        },
    ).ok()
    path = f"/v1/meetings/{created['series']['meetings'][0]['id']}"
    for n in range(5):
        api.post(mia if n % 2 else eli, f"{path}/agenda-topics", {"text": f"Topic {n}"}).ok()
        api.post(eli, f"{path}/action-items", {"text": f"Item {n}"}).ok()
    api.put(mia, f"{path}/shared-notes", {"body": "Shared", "version": 0}).ok()
    api.put(mia, f"{path}/private-notes", {"body": "Mine"}).ok()
    api.put(eli, f"{path}/private-notes", {"body": "Theirs"}).ok()
    meeting = api.get(mia, path).ok()  # warms the principal and org caches
    assert meeting["private_notes"] == {"body": "Mine"} and len(meeting["agenda_topics"]) == 5
    report(
        "one_on_ones: meeting read round trips", _counted(lambda: api.get(mia, path).ok()), "calls"
    )
    report(
        "one_on_ones: add agenda topic round trips",
        _counted(lambda: api.post(eli, f"{path}/agenda-topics", {"text": "One more"}).ok()),
        "calls",
    )


def bench(report: Report) -> None:
    frozen = clock.parse_instant("2026-11-01T12:00:00Z")  # requests' "now", for stable figures
    with mock_aws(), mock.patch.object(clock, "now", return_value=frozen):
        aws.reset_clients()
        principal_module.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        fake_sign_in()
        aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
        api = InProcessApi()
        admin = api.new_org("Bench")
        _requests(report, api, admin)
        _rollover_with_work(report, api, admin)
        _sweeps(report, api, admin)
        aws.reset_clients()


if __name__ == "__main__":
    bench(lambda name, value, unit: print(f"{name}: {value:.3f} {unit}"))
