"""Requests that no longer grow with the org (issue 17 point 4): DynamoDB round trips of a
manager change above a subtree of 50 and of deleting a weekday 1:1 series, in the request
(warm container) and in the background job that finishes each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import tests.conftest  # noqa: F401  (test environment: fake credentials, table name)
from tests.support.harness import Actor, InProcessApi, moto_account

from bench.counting import DynamoCounter
from momentum.core import clock

Report = Callable[[str, float, str], None]
SUBTREE = 50  # people below the moved manager: 5 leads of 9 each, and the leads
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


def _objective(api: InProcessApi, owner: Actor, title: str) -> None:
    due = (clock.now().date() + timedelta(days=60)).isoformat()
    body = {"kind": "objective", "title": title, "visibility": "private", "due_date": due}
    api.post(owner, "/v1/goals", body).ok()


def _reorganisation(api: InProcessApi, report: Report) -> None:
    admin = api.new_org("Bench Reorg")
    old = api.add_user(admin, "Olga Old", manager_id=admin.user_id)
    new = api.add_user(admin, "Nina New", manager_id=admin.user_id)
    lead = api.add_user(admin, "Lee Lead", manager_id=old.user_id)
    for s in range(SUBTREE // 10):
        sub = api.add_user(admin, f"Sub {s}", manager_id=lead.user_id)
        _objective(api, sub, f"Sub {s} goal")
        for d in range(9):
            api.add_user(admin, f"Dev {s}-{d}", manager_id=sub.user_id)
    api.get(admin, "/v1/me").ok()  # warm: the caller is cached
    with DynamoCounter() as request:
        api.patch(admin, f"/v1/users/{lead.user_id}", {"manager_id": new.user_id}).ok()
    with DynamoCounter() as job:
        api.run_background()
    report(f"round trips PATCH /v1/users/{{id}} manager, subtree {SUBTREE}", request.calls, "calls")
    report(f"  background job (chains + {SUBTREE // 10} goals)", job.calls, "calls")
    with DynamoCounter() as replay:
        api.patch(admin, f"/v1/users/{lead.user_id}", {"manager_id": old.user_id}).ok()
    report("  moving it back, in the request", replay.calls, "calls")
    api.run_background()


def _series_delete(api: InProcessApi, report: Report) -> None:
    admin = api.new_org("Bench Series")
    mia = api.add_user(admin, "Mia Manager", roles=["manager"])
    eli = api.add_user(admin, "Eli Employee", manager_id=mia.user_id)
    start = clock.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    body = {
        "with_user_id": eli.user_id,
        "title": "Weekdays",
        "start": clock.api_instant(start),
        "end": clock.api_instant(start + timedelta(minutes=15)),
        "recurrence": WEEKDAYS,
    }
    series = api.post(mia, "/v1/one-on-ones", body).ok()["series"]
    meetings = series["meetings"]
    for meeting in meetings[:3]:
        api.post(mia, f"/v1/meetings/{meeting['id']}/agenda-topics", {"text": "Topic"}).ok()
    api.get(mia, "/v1/one-on-ones?tab=upcoming").ok()  # warm
    with DynamoCounter() as request:
        api.delete(mia, f"/v1/one-on-ones/{series['id']}")
    with DynamoCounter() as job:
        api.run_background()
    report(
        f"round trips DELETE /v1/one-on-ones/{{id}} weekday, {len(meetings)} meetings",
        request.calls,
        "calls",
    )
    report("  background job (meetings, entries, agenda)", job.calls, "calls")


def bench(report: Report) -> None:
    with moto_account() as api:
        _reorganisation(api, report)
        _series_delete(api, report)
