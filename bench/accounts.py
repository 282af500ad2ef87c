"""Account action plan figures: what reading the whole tree of an account with 10 plans,
30 objectives and 100 actions costs, and what a template launch and a plan delete cost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tests.conftest  # noqa: F401  (the test environment: table name, fake credentials)
from moto import mock_aws
from tests.support.harness import Actor, InProcessApi, fake_sign_in

from bench.counting import DynamoCounter
from momentum.accounts import repository
from momentum.core import aws, clock
from momentum.core.config import settings
from momentum.core.ids import new_id
from momentum.frame import org as org_cache
from momentum.frame import principal as principal_module
from momentum.store import table
from momentum.store.schema import create_table_request

PLANS, OBJECTIVES, ACTIONS = 10, 30, 100
Report = Callable[[str, float, str], None]


def _node(org_id: str, account_id: str, kind: Any, n: int, **fields: Any) -> dict[str, Any]:
    now = clock.api_instant(clock.now())
    body = {
        "id": new_id(),
        "title": f"{kind.lower()} {n}",
        "description": "x" * 200,
        "show_customer": n % 2 == 0,
        "position": float(n),
        "version": 1,
        "created_at": now,
        "updated_at": now,
        **fields,
    }
    return repository.node_item(org_id, account_id, kind, body)


def _seed(api: InProcessApi, admin: Actor) -> str:
    """An account with PLANS plans (2 defaults + seeded), OBJECTIVES objectives, ACTIONS actions."""
    account_id: str = api.post(admin, "/v1/accounts", {"name": "Bench account"}).ok()["id"]
    tree = api.get(admin, f"/v1/accounts/{account_id}/action-plan").ok()
    plan_ids = [p["id"] for p in tree["plans"]]
    extra_plans = [_node(admin.org_id, account_id, "PLAN", n) for n in range(3, PLANS + 1)]
    plan_ids += [p["id"] for p in extra_plans]
    objectives = [
        _node(admin.org_id, account_id, "OBJECTIVE", n, plan_id=plan_ids[n % PLANS])
        for n in range(OBJECTIVES)
    ]
    actions = [
        _node(
            admin.org_id,
            account_id,
            "ACTION",
            n,
            objective_id=objectives[n % OBJECTIVES]["id"],
            status="in_progress",
            due_date="2025-01-01",
            owner={"id": admin.user_id, "name": "Admin", "email": "admin@bench.test"},
            metric={"start": 0, "target": 100, "current": n, "unit": "%"},
        )
        for n in range(ACTIONS)
    ]
    table.batch_put([*extra_plans, *objectives, *actions])
    return account_id


def _template(api: InProcessApi, admin: Actor) -> dict[str, Any]:
    body = {
        "name": "Bench template",
        "plans": [
            {
                "title": f"Template plan {p}",
                "objectives": [
                    {
                        "title": f"Objective {p}.{o}",
                        "actions": [
                            {"title": f"Action {p}.{o}.{a}", "due_offset_days": 7 * a}
                            for a in range(5)
                        ],
                    }
                    for o in range(3)
                ],
            }
            for p in range(2)
        ],
    }
    template: dict[str, Any] = api.post(admin, "/v1/plan-templates", body).ok()
    return template


def bench(report: Report) -> None:
    with mock_aws():
        aws.reset_clients()
        principal_module.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        fake_sign_in()
        api = InProcessApi()
        admin = api.new_org("Bench")
        account_id = _seed(api, admin)
        path = f"/v1/accounts/{account_id}/action-plan"
        api.get(admin, path).ok()  # warm the principal and org caches, as a warm Lambda
        with DynamoCounter() as counter:
            tree = api.get(admin, path).ok()
        shape = (
            len(tree["plans"]),
            sum(len(p["objectives"]) for p in tree["plans"]),
            sum(len(o["actions"]) for p in tree["plans"] for o in p["objectives"]),
        )
        assert shape == (PLANS, OBJECTIVES, ACTIONS), shape
        label = f"{PLANS} plans, {OBJECTIVES} objectives, {ACTIONS} actions"
        report(f"accounts: action-plan read round trips ({label})", counter.calls, "calls")
        report(f"accounts: action-plan items read ({label})", counter.items_read, "items")

        template = _template(api, admin)
        objective_ids = [o["id"] for p in template["plans"] for o in p["objectives"]]
        action_ids = [
            a["id"] for p in template["plans"] for o in p["objectives"] for a in o["actions"]
        ]
        launch = {
            "template_id": template["id"],
            "objective_ids": objective_ids,
            "action_ids": action_ids,
        }
        launch_path = f"/v1/accounts/{account_id}/launch-template"
        with DynamoCounter() as counter:
            api.post(admin, launch_path, {**launch, "preview": True}).ok()
        report(
            "accounts: template preview round trips (2 plans, 6 objectives, 30 actions)",
            counter.calls,
            "calls",
        )
        with DynamoCounter() as counter:
            api.post(admin, launch_path, launch).ok()
        report(
            "accounts: template launch round trips (38 items in one transaction)",
            counter.calls,
            "calls",
        )

        plan = api.get(admin, path).ok()["plans"][0]
        with DynamoCounter() as counter:
            deleted = api.delete(admin, f"/v1/accounts/{account_id}/plans/{plan['id']}").ok()
        items = 1 + deleted["objectives"] + deleted["actions"]
        report(
            f"accounts: plan delete round trips ({items} items in one transaction)",
            counter.calls,
            "calls",
        )
        aws.reset_clients()


if __name__ == "__main__":
    bench(lambda name, value, unit: print(f"{name}: {value:.3f} {unit}"))
