"""Background work over HTTP against the local stack: a manager change answers at once,
marked pending, and the local queue poller (as Lambda's event source would) runs the job
that moves the reports' chains and their goals; nothing here drains the queue by hand."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e
BOUND_SECONDS = 30.0


def test_a_manager_change_becomes_visible_once_the_worker_ran(stack: HttpApi) -> None:
    admin = stack.new_org("Background Reorg")
    old = stack.add_user(admin, "Olga Old")
    new = stack.add_user(admin, "Nina New")
    lead = stack.add_user(admin, "Lee Lead", manager_id=old.user_id)
    dev = stack.add_user(admin, "Dev Deep", manager_id=lead.user_id)
    due = (date.today() + timedelta(days=60)).isoformat()
    goal = stack.post(
        dev,
        "/v1/goals",
        {"kind": "objective", "title": "Private", "visibility": "private", "due_date": due},
    ).ok()["id"]
    assert stack.get(old, f"/v1/goals/{goal}").status == 200
    moved = stack.patch(admin, f"/v1/users/{lead.user_id}", {"manager_id": new.user_id}).ok()
    assert moved["manager_id"] == new.user_id
    deadline = time.monotonic() + BOUND_SECONDS
    while True:
        settled = not stack.get(admin, f"/v1/users/{lead.user_id}").ok()["reorganising"]
        if settled and stack.get(new, f"/v1/goals/{goal}").status == 200:
            break
        assert time.monotonic() < deadline, "the reorganisation job did not run in time"
        time.sleep(0.5)
    assert stack.get(old, f"/v1/goals/{goal}").status == 404
