"""Engage action plan figures: what creating a plan with its objective costs (one
transaction for both), and what reading a plan with its linked goal costs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tests.conftest  # noqa: F401  (the test environment: table name, fake credentials)
from moto import mock_aws
from tests.support.harness import InProcessApi, fake_sign_in

from bench.counting import DynamoCounter
from momentum.core import aws
from momentum.core.config import settings
from momentum.frame import org as org_cache
from momentum.frame import principal as principal_module
from momentum.store.schema import create_table_request

Report = Callable[[str, float, str], None]


def _counted(call: Callable[[], Any]) -> DynamoCounter:
    with DynamoCounter() as counter:
        call()
    return counter


def bench(report: Report) -> None:
    with mock_aws():
        aws.reset_clients()
        principal_module.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        fake_sign_in()
        api = InProcessApi()
        admin = api.new_org("Bench")
        manager = api.add_user(admin, "Bench Manager", roles=["manager"])
        report_user = api.add_user(admin, "Bench Report", manager_id=manager.user_id)
        body = {"title": "Plan", "due_date": "2030-01-31", "assignee_id": report_user.user_id}
        api.get(manager, "/v1/action-plans").ok()  # warm the principal and org caches
        created: dict[str, Any] = {}
        counter = _counted(lambda: created.update(api.post(manager, "/v1/action-plans", body).ok()))
        writes = counter.operations.count("TransactWriteItems")
        report("action plans: create with objective round trips", counter.calls, "calls")
        report("action plans: create with objective transactions", writes, "transactions")
        plan_id = created["action_plan"]["id"]
        counter = _counted(lambda: api.get(manager, f"/v1/action-plans/{plan_id}").ok())
        report("action plans: plan read round trips (plan + linked goal)", counter.calls, "calls")
        aws.reset_clients()


if __name__ == "__main__":
    bench(lambda name, value, unit: print(f"{name}: {value:.3f} {unit}"))
