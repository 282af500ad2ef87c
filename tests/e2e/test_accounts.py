"""Account action plans over HTTP against the local stack: the issue's "done when" stories."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.support.harness import Actor, Api

pytestmark = pytest.mark.e2e

TEMPLATE = {
    "name": "Enterprise onboarding",
    "plans": [
        {
            "title": "Onboarding",
            "objectives": [
                {
                    "title": f"Objective {o}",
                    "actions": [
                        {"title": f"Action {o}.{a}", "due_offset_days": 10 * o + a}
                        for a in range(actions)
                    ],
                }
                for o, actions in enumerate((2, 2, 1), start=1)
            ],
        },
    ],
}


def _tree(api: Api, actor: Actor, account_id: str) -> dict[str, Any]:
    tree: dict[str, Any] = api.get(actor, f"/v1/accounts/{account_id}/action-plan").ok()
    return tree


def _titles(tree: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [
        (p["title"], o["title"], [a["title"] for a in o["actions"]])
        for p in tree["plans"]
        for o in p["objectives"]
    ]


def test_missing_flags_follow_objectives_and_actions(stack: Api) -> None:
    admin = stack.new_org("Accounts flags")
    account_id = stack.post(admin, "/v1/accounts", {"name": "Globex"}).ok()["id"]
    tree = _tree(stack, admin, account_id)
    assert [(p["title"], p["missing_objective"]) for p in tree["plans"]] == [
        ("Growth Plans", True),
        ("Client Commitments", True),
    ]
    growth = tree["plans"][0]["id"]
    objective = stack.post(
        admin, f"/v1/accounts/{account_id}/plans/{growth}/objectives", {"title": "Grow revenue"}
    ).ok()
    plan = _tree(stack, admin, account_id)["plans"][0]
    assert plan["missing_objective"] is False
    assert plan["objectives"][0]["missing_actions"] is True
    stack.post(
        admin,
        f"/v1/accounts/{account_id}/objectives/{objective['id']}/actions",
        {"title": "Quarterly review"},
    ).ok()
    plan = _tree(stack, admin, account_id)["plans"][0]
    assert plan["objectives"][0]["missing_actions"] is False


def test_preview_launch_and_a_retried_launch(stack: Api) -> None:
    admin = stack.new_org("Accounts launch")
    account_id = stack.post(admin, "/v1/accounts", {"name": "Initech"}).ok()["id"]
    template = stack.post(admin, "/v1/plan-templates", TEMPLATE).ok()
    objectives = template["plans"][0]["objectives"]
    assert (len(objectives), sum(len(o["actions"]) for o in objectives)) == (3, 5)
    chosen_objectives = [objectives[0]["id"], objectives[2]["id"]]
    chosen_actions = [
        objectives[0]["actions"][0]["id"],
        objectives[0]["actions"][1]["id"],
        objectives[2]["actions"][0]["id"],
    ]
    body = {
        "template_id": template["id"],
        "objective_ids": chosen_objectives,
        "action_ids": chosen_actions,
        "start_date": "2026-01-05",
    }
    path = f"/v1/accounts/{account_id}/launch-template"
    before = _tree(stack, admin, account_id)

    preview = stack.post(admin, path, {**body, "preview": True})
    assert preview.status == 200
    listed = [
        (o["title"], [(a["title"], a["due_date"]) for a in o["actions"]])
        for p in preview.json["plans"]
        for o in p["objectives"]
    ]
    start = date(2026, 1, 5)
    assert listed == [
        (
            "Objective 1",
            [
                ("Action 1.0", (start + timedelta(days=10)).isoformat()),
                ("Action 1.1", (start + timedelta(days=11)).isoformat()),
            ],
        ),
        ("Objective 3", [("Action 3.0", (start + timedelta(days=30)).isoformat())]),
    ]
    assert _tree(stack, admin, account_id) == before

    key = {"Idempotency-Key": "e2e-launch-1"}
    launched = stack.post(admin, path, body, headers=key)
    assert launched.status == 201
    expected = [
        ("Onboarding", "Objective 1", ["Action 1.0", "Action 1.1"]),
        ("Onboarding", "Objective 3", ["Action 3.0"]),
    ]
    after = _tree(stack, admin, account_id)
    assert _titles(after) == expected
    retried = stack.post(admin, path, body, headers=key)
    assert retried.status == 201
    assert retried.json == launched.json
    assert _titles(_tree(stack, admin, account_id)) == expected


def test_a_customer_sees_only_their_shown_items(stack: Api) -> None:
    admin = stack.new_org("Accounts customers")
    mine = stack.post(admin, "/v1/accounts", {"name": "Mine"}).ok()["id"]
    other = stack.post(admin, "/v1/accounts", {"name": "Other"}).ok()["id"]
    growth, commitments = (p["id"] for p in _tree(stack, admin, mine)["plans"])
    stack.patch(admin, f"/v1/accounts/{mine}/plans/{growth}", {"show_customer": True}).ok()
    base = f"/v1/accounts/{mine}"
    shown = stack.post(
        admin,
        f"{base}/plans/{growth}/objectives",
        {"title": "Shared", "show_customer": True, "internal_description": "internal only"},
    ).ok()
    stack.post(admin, f"{base}/plans/{growth}/objectives", {"title": "Hidden"}).ok()
    stack.post(
        admin,
        f"{base}/plans/{commitments}/objectives",
        {"title": "Under hidden plan", "show_customer": True},
    ).ok()
    stack.post(
        admin,
        f"{base}/objectives/{shown['id']}/actions",
        {"title": "Visible action", "show_customer": True, "owner_id": admin.user_id},
    ).ok()
    stack.post(admin, f"{base}/objectives/{shown['id']}/actions", {"title": "Secret action"}).ok()
    cathy = stack.add_user(admin, "Cathy Customer", roles=["customer"], account_ids=[mine])

    tree = _tree(stack, cathy, mine)
    assert _titles(tree) == [("Growth Plans", "Shared", ["Visible action"])]
    objective = tree["plans"][0]["objectives"][0]
    assert "internal_description" not in objective
    assert "email" not in objective["actions"][0]["owner"]
    assert stack.get(cathy, f"/v1/accounts/{other}/action-plan").status == 404
    assert stack.post(cathy, f"{base}/plans", {"title": "x"}).status == 403
