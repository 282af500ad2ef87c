"""Plan templates: preview, launch in one transaction, idempotent retries, later edits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.support.harness import Actor, InProcessApi

TEMPLATE = {
    "name": "New enterprise customer",
    "plans": [
        {
            "title": "growth plans",  # matches the account's default plan, ignoring case
            "objectives": [
                {
                    "title": "Land the first team",
                    "show_customer": True,
                    "actions": [
                        {"title": "Kick-off call", "due_offset_days": 3, "show_customer": True},
                        {"title": "Pilot success review", "due_offset_days": 30},
                    ],
                },
                {
                    "title": "Expand seats",
                    "actions": [
                        {
                            "title": "Seat expansion proposal",
                            "due_offset_days": 60,
                            "metric": {"target": 500, "current": 100, "unit": "seats"},
                        },
                    ],
                },
            ],
        },
        {
            "title": "Onboarding",
            "objectives": [
                {
                    "title": "Go live",
                    "actions": [
                        {"title": "SSO configured", "due_offset_days": 14},
                        {"title": "Admin training"},
                    ],
                },
            ],
        },
    ],
}


def _ids(template: dict[str, Any]) -> dict[str, str]:
    """Template node ids by title."""
    ids = {}
    for plan in template["plans"]:
        for objective in plan["objectives"]:
            ids[objective["title"]] = objective["id"]
            for action in objective["actions"]:
                ids[action["title"]] = action["id"]
    return ids


def _setup(api: InProcessApi) -> tuple[Actor, str, dict[str, Any]]:
    admin = api.new_org()
    account_id = api.post(admin, "/v1/accounts", {"name": "Globex"}).ok()["id"]
    template = api.post(admin, "/v1/plan-templates", TEMPLATE).ok()
    return admin, account_id, template


def _titles(tree: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [
        (p["title"], o["title"], [a["title"] for a in o["actions"]])
        for p in tree["plans"]
        for o in p["objectives"]
    ]


def test_a_preview_lists_the_choice_with_dates_and_writes_nothing(api: InProcessApi) -> None:
    admin, account_id, template = _setup(api)
    ids = _ids(template)
    before = api.get(admin, f"/v1/accounts/{account_id}/action-plan").ok()
    reply = api.post(
        admin,
        f"/v1/accounts/{account_id}/launch-template",
        {
            "template_id": template["id"],
            "preview": True,
            "start_date": "2025-03-01",
            "objective_ids": [ids["Land the first team"], ids["Go live"]],
            "action_ids": [
                ids["Kick-off call"],
                ids["Pilot success review"],
                ids["SSO configured"],
            ],
        },
    )
    assert reply.status == 200
    summary = reply.json
    assert summary["preview"] is True
    assert summary["counts"] == {"plans": 1, "objectives": 2, "actions": 3}
    growth, onboarding = summary["plans"]
    assert (growth["existing"], growth["id"]) == (True, before["plans"][0]["id"])
    assert (onboarding["existing"], onboarding["id"]) == (False, None)
    actions = {
        a["title"]: a["due_date"]
        for p in summary["plans"]
        for o in p["objectives"]
        for a in o["actions"]
    }
    assert actions == {
        "Kick-off call": "2025-03-04",
        "Pilot success review": "2025-03-31",
        "SSO configured": "2025-03-15",
    }
    assert api.get(admin, f"/v1/accounts/{account_id}/action-plan").ok() == before


def test_a_launch_creates_exactly_the_choice_once_per_key(api: InProcessApi) -> None:
    admin, account_id, template = _setup(api)
    ids = _ids(template)
    body = {
        "template_id": template["id"],
        "start_date": "2025-03-01",
        "objective_ids": [ids["Land the first team"], ids["Expand seats"]],
        "action_ids": [ids["Kick-off call"], ids["Seat expansion proposal"]],
    }
    path = f"/v1/accounts/{account_id}/launch-template"
    key = {"Idempotency-Key": "launch-globex-1"}
    first = api.post(admin, path, body, headers=key)
    assert first.status == 201
    assert first.json["preview"] is False
    tree = api.get(admin, f"/v1/accounts/{account_id}/action-plan").ok()
    assert _titles(tree) == [
        ("Growth Plans", "Land the first team", ["Kick-off call"]),
        ("Growth Plans", "Expand seats", ["Seat expansion proposal"]),
    ]
    launched = tree["plans"][0]["objectives"][0]
    assert launched["show_customer"] is True
    assert launched["actions"][0]["show_customer"] is True
    assert launched["actions"][0]["due_date"] == "2025-03-04"
    seats = tree["plans"][0]["objectives"][1]["actions"][0]
    assert seats["metric"]["progress"] == 20.0
    assert seats["status"] == "not_started"
    assert first.json["plans"][0]["objectives"][0]["id"] == launched["id"]

    again = api.post(admin, path, body, headers=key)
    assert again.status == 201
    assert again.json == first.json
    assert api.get(admin, f"/v1/accounts/{account_id}/action-plan").ok()["plans"] == tree["plans"]
    changed = api.post(admin, path, {**body, "action_ids": []}, headers=key)
    assert changed.status == 422


def test_template_edits_change_later_launches_only(api: InProcessApi) -> None:
    admin, account_id, template = _setup(api)
    ids = _ids(template)
    launch = {
        "template_id": template["id"],
        "objective_ids": [ids["Go live"]],
        "action_ids": [ids["SSO configured"]],
    }
    api.post(admin, f"/v1/accounts/{account_id}/launch-template", launch).ok()
    edited = {
        **TEMPLATE,
        "version": template["version"],
        "plans": [
            {
                **template["plans"][1],
                "title": "Onboarding",
                "objectives": [{**template["plans"][1]["objectives"][0], "title": "Go live v2"}],
            }
        ],
    }
    updated = api.patch(admin, f"/v1/plan-templates/{template['id']}", edited).ok()
    assert _ids(updated)["Go live v2"] == ids["Go live"]  # ids survive the edit
    stale = api.patch(
        admin, f"/v1/plan-templates/{template['id']}", {"name": "x", "version": template["version"]}
    )
    assert stale.status == 409
    other = api.post(admin, "/v1/accounts", {"name": "Initech"}).ok()["id"]
    api.post(admin, f"/v1/accounts/{other}/launch-template", launch).ok()
    first = api.get(admin, f"/v1/accounts/{account_id}/action-plan").ok()
    second = api.get(admin, f"/v1/accounts/{other}/action-plan").ok()
    assert ("Onboarding", "Go live", ["SSO configured"]) in _titles(first)
    assert ("Onboarding", "Go live v2", ["SSO configured"]) in _titles(second)
    assert api.get(admin, f"/v1/plan-templates/{template['id']}").ok()["version"] == 2
    listed = api.get(admin, "/v1/plan-templates").ok()["items"]
    assert [t["name"] for t in listed] == ["New enterprise customer"]


def test_a_launch_defaults_to_today_and_checks_the_choice(api: InProcessApi) -> None:
    admin, account_id, template = _setup(api)
    ids = _ids(template)
    path = f"/v1/accounts/{account_id}/launch-template"
    preview = api.post(
        admin,
        path,
        {
            "template_id": template["id"],
            "preview": True,
            "objective_ids": [ids["Go live"]],
            "action_ids": [ids["SSO configured"]],
        },
    ).ok()
    today = date.fromisoformat(
        api.get(admin, f"/v1/accounts/{account_id}/action-plan").ok()["today"]
    )
    assert preview["start_date"] == today.isoformat()
    due = preview["plans"][0]["objectives"][0]["actions"][0]["due_date"]
    assert due == (today + timedelta(days=14)).isoformat()
    orphan = api.post(
        admin,
        path,
        {
            "template_id": template["id"],
            "objective_ids": [ids["Go live"]],
            "action_ids": [ids["Kick-off call"]],
        },
    )
    assert orphan.status == 422
    assert orphan.json["errors"][0]["path"] == "action_ids.0"
    unknown = api.post(
        admin,
        path,
        {"template_id": template["id"], "objective_ids": ["01J00000000000000000000000"]},
    )
    assert unknown.status == 422
    assert unknown.json["errors"][0]["path"] == "objective_ids.0"
    missing = api.post(
        admin,
        path,
        {"template_id": "01J00000000000000000000000", "objective_ids": [ids["Go live"]]},
    )
    assert missing.status == 422


def test_a_launch_too_large_for_one_transaction_writes_nothing(api: InProcessApi) -> None:
    admin = api.new_org()
    account_id = api.post(admin, "/v1/accounts", {"name": "Globex"}).ok()["id"]
    big = {
        "name": "Big",
        "plans": [
            {
                "title": "Big plan",
                "objectives": [
                    {"title": f"O{o}", "actions": [{"title": f"A{o}.{a}"} for a in range(50)]}
                    for o in range(2)
                ],
            }
        ],
    }
    template = api.post(admin, "/v1/plan-templates", big).ok()
    objectives = [o["id"] for o in template["plans"][0]["objectives"]]
    actions = [a["id"] for o in template["plans"][0]["objectives"] for a in o["actions"]]
    path = f"/v1/accounts/{account_id}/launch-template"
    before = api.get(admin, f"/v1/accounts/{account_id}/action-plan").ok()
    reply = api.post(
        admin,
        path,
        {"template_id": template["id"], "objective_ids": objectives, "action_ids": actions},
    )
    assert reply.status == 422
    assert "Choose fewer" in reply.json["detail"]
    assert api.get(admin, f"/v1/accounts/{account_id}/action-plan").ok() == before
    fits = api.post(
        admin,
        path,
        {"template_id": template["id"], "objective_ids": objectives, "action_ids": actions[:90]},
    )
    assert fits.status == 201
    assert fits.json["counts"] == {
        "plans": 1,
        "objectives": 2,
        "actions": 90,
    }


def test_only_admins_and_managers_write_templates_but_employees_launch(api: InProcessApi) -> None:
    admin, account_id, template = _setup(api)
    erin = api.add_user(admin, "Erin Employee")
    mark = api.add_user(admin, "Mark Manager", roles=["manager"])
    assert api.post(erin, "/v1/plan-templates", TEMPLATE).status == 403
    assert api.post(mark, "/v1/plan-templates", TEMPLATE).status == 201
    assert api.get(erin, f"/v1/plan-templates/{template['id']}").ok()["id"] == template["id"]
    ids = _ids(template)
    launched = api.post(
        erin,
        f"/v1/accounts/{account_id}/launch-template",
        {"template_id": template["id"], "objective_ids": [ids["Go live"]]},
    )
    assert launched.status == 201
    entries = api.get(admin, f"/v1/activity?entity_id={template['id']}").ok()["items"]
    assert [e["action"] for e in entries] == ["plan_template_created"]
