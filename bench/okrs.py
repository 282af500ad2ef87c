"""OKR figures: check-in round trips at alignment depth 1, 3 and 6 (the check-in's own
transaction, then at most three single writes per level rolled up; see bench/rollup.py);
a goal read (1 round trip) and a type-ahead search (one Query per group, `mine` and
`public`: 2); a goal's history read (1) and the goal list of the current cycle (1); a
check-in on a goal stored before cycles and on one of a cycle holding 50 goals (equal:
cycles add no round trip); and what the check-in reminder sweep reads per goal due with 20,000 goals
not due in the table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import tests.conftest  # noqa: F401  (the test environment: table name, fake credentials)
from moto import mock_aws
from tests.support.harness import Actor, InProcessApi, fake_sign_in

from bench.counting import DynamoCounter
from momentum.core import aws, clock
from momentum.core.config import settings
from momentum.core.ids import new_id
from momentum.frame import org as org_cache
from momentum.frame import principal as principal_module
from momentum.frame.sweeps import Budget
from momentum.okrs import cadence, keys, repository, rules
from momentum.okrs.sweeps import send_checkin_reminders
from momentum.store import table
from momentum.store.schema import create_table_request

NOT_DUE = 20_000
OWNERS_DUE, GOALS_PER_OWNER = 50, 20
Report = Callable[[str, float, str], None]


def _chain(api: InProcessApi, admin: Actor, depth: int) -> dict[str, Any]:
    """A key result with `depth` objectives above it."""
    parent_id = None
    for level in range(depth):
        body = {
            "kind": "objective",
            "title": f"Level {level} objective",
            "due_date": "2030-12-31",
            "parent_id": parent_id,
        }
        parent_id = api.post(admin, "/v1/goals", {k: v for k, v in body.items() if v}).ok()["id"]
    kr = {
        "kind": "key_result",
        "title": f"Depth {depth} key result",
        "due_date": "2030-12-31",
        "parent_id": parent_id,
    }
    return dict(api.post(admin, "/v1/goals", kr).ok())


def _counted(call: Callable[[], Any]) -> int:
    with DynamoCounter() as counter:
        call()
    return counter.calls


def _seeded_goal(org_id: str, owner: Actor, due_at: Any, n: int) -> dict[str, Any]:
    now = clock.api_instant(clock.now())
    body: dict[str, Any] = {
        "id": new_id(),
        "kind": "objective",
        "title": f"Seeded goal {n}",
        "description": "",
        "owner_id": owner.user_id,
        "owner_name": owner.name,
        "owner_chain": [],
        "owner_time_zone": "UTC",
        "visibility": "public",
        "start_date": "2026-01-01",
        "due_date": "2030-12-31",
        "weight": 1,
        "progress_mode": "rollup",
        "metric": {"type": "percent", "start": 0, "target": 100, "current": 0},
        "own_progress": 0,
        "own_status": "not_started",
        "closed": False,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    rules.refresh(body)
    return repository.goal_item(
        org_id, body, keys.reminder_due(org_id, owner.user_id, body["id"], due_at)
    )


def _reminder_sweep(report: Report, api: InProcessApi, admin: Actor) -> None:
    owners = [api.add_user(admin, f"Owner {n}") for n in range(OWNERS_DUE)]
    instant = cadence.next_reminder(clock.now(), cadence.Cadence(), "UTC")
    table.batch_put(
        _seeded_goal(admin.org_id, owners[n % OWNERS_DUE], instant + timedelta(days=7 + n % 60), n)
        for n in range(NOT_DUE)
    )
    table.batch_put(
        _seeded_goal(admin.org_id, owners[n % OWNERS_DUE], instant, n)
        for n in range(OWNERS_DUE * GOALS_PER_OWNER)
    )
    org_cache.clear_cache()
    with DynamoCounter() as counter:
        summary = send_checkin_reminders(instant, Budget())
    # the other org's few goals may fall due too, depending on today: count what was due
    assert summary.due >= OWNERS_DUE * GOALS_PER_OWNER, summary
    assert summary.details["reminders"] >= OWNERS_DUE, summary
    report(
        "okrs: reminder sweep items read per goal due "
        f"({GOALS_PER_OWNER} goals per owner, {NOT_DUE} not due)",
        counter.items_read / summary.due,
        "items",
    )
    with DynamoCounter() as counter:
        replay = send_checkin_reminders(instant, Budget())
    assert replay.due == 0, replay
    report("okrs: reminder sweep replay items read", counter.items_read, "items")


def _check_in_calls(api: InProcessApi, admin: Actor, goal_id: str) -> int:
    return _counted(
        lambda: api.post(
            admin, f"/v1/goals/{goal_id}/check-ins", {"value": 30, "status": "behind"}
        ).ok()
    )


def _cycles(report: Report, api: InProcessApi, admin: Actor, kr: dict[str, Any]) -> None:
    report(
        "okrs: goal history read round trips",
        _counted(lambda: api.get(admin, f"/v1/goals/{kr['id']}/history").ok()),
        "calls",
    )
    api.get(admin, "/v1/goals?cycle_id=all").ok()  # warm the caches
    report(
        "okrs: goal list (current cycles) round trips",
        _counted(lambda: api.get(admin, "/v1/goals").ok()),
        "calls",
    )
    # a goal stored as before cycles existed: no cycle, no cycle's goal list
    legacy = _seeded_goal(admin.org_id, admin, clock.now() + timedelta(days=30), 0)
    table.put(legacy)
    api.get(admin, f"/v1/goals/{legacy['id']}").ok()  # warm the caches
    report(
        "okrs: check-in round trips without cycles",
        _check_in_calls(api, admin, legacy["id"]),
        "calls",
    )
    sprint = api.post(
        admin,
        "/v1/cycles",
        {"name": "Bench sprint", "start_date": "2031-01-05", "end_date": "2031-01-18"},
    ).ok()
    goals = [
        api.post(
            admin,
            "/v1/goals",
            {"kind": "objective", "title": f"Sprint goal {n}", "cycle_id": sprint["id"]},
        ).ok()
        for n in range(50)
    ]
    api.get(admin, f"/v1/goals/{goals[0]['id']}").ok()  # warm the caches
    report(
        "okrs: check-in round trips with cycles (a cycle of 50 goals)",
        _check_in_calls(api, admin, goals[0]["id"]),
        "calls",
    )


def bench(report: Report) -> None:
    with mock_aws():
        aws.reset_clients()
        principal_module.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        fake_sign_in()
        aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
        api = InProcessApi()
        admin = api.new_org("Bench")
        # this org's goals are reminded at 10:00, so they are not due in the sweep below
        api.patch(admin, "/v1/org/settings", {"checkin_reminders": {"hour": 10}}).ok()
        for depth in (1, 3, 6):
            kr = _chain(api, admin, depth)
            api.get(admin, f"/v1/goals/{kr['id']}").ok()  # warm the principal and org caches
            calls = _counted(
                lambda kr=kr: api.post(
                    admin, f"/v1/goals/{kr['id']}/check-ins", {"value": 50, "status": "on_track"}
                ).ok()
            )
            report(f"okrs: check-in round trips at depth {depth}", calls, "calls")
        report(
            "okrs: goal read round trips",
            _counted(lambda: api.get(admin, f"/v1/goals/{kr['id']}").ok()),
            "calls",
        )
        # warm the containers' caches (principal, org, cycles: 60 s each) as a busy one is
        api.get(admin, "/v1/goals/search?q=level").ok()
        report(
            "okrs: type-ahead search round trips",
            _counted(lambda: api.get(admin, "/v1/goals/search?q=level").ok()),
            "calls",
        )
        _cycles(report, api, admin, kr)
        # seeded last: moto answers every call in time proportional to the table's size
        _reminder_sweep(report, api, api.new_org("Bench reminders"))
        aws.reset_clients()


if __name__ == "__main__":
    bench(lambda name, value, unit: print(f"{name}: {value:.3f} {unit}"))
