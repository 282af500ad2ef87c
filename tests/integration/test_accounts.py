"""Account action plans through the accounts handler, under moto."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from momentum.accounts import plan_tree, repository
from momentum.core import clock
from momentum.core.ids import new_id
from momentum.store import table
from tests.support.harness import Actor, InProcessApi


def _account(api: InProcessApi, actor: Actor, name: str = "Globex") -> str:
    account_id: str = api.post(actor, "/v1/accounts", {"name": name}).ok()["id"]
    return account_id


def _tree(api: InProcessApi, actor: Actor, account_id: str) -> dict[str, Any]:
    tree: dict[str, Any] = api.get(actor, f"/v1/accounts/{account_id}/action-plan").ok()
    return tree


def _plan(tree: dict[str, Any], title: str) -> dict[str, Any]:
    return next(p for p in tree["plans"] if p["title"] == title)


def test_a_new_account_starts_with_the_two_default_plans_missing_objectives(
    api: InProcessApi,
) -> None:
    admin = api.new_org()
    account_id = _account(api, admin)
    tree = _tree(api, admin, account_id)
    assert [p["title"] for p in tree["plans"]] == ["Growth Plans", "Client Commitments"]
    assert "revenue growth" in tree["plans"][0]["description"]
    assert "contractual obligations" in tree["plans"][1]["description"]
    assert all(p["missing_objective"] and p["objectives"] == [] for p in tree["plans"])
    assert tree["account"]["name"] == "Globex"


def test_objectives_and_actions_flip_the_missing_flags(api: InProcessApi) -> None:
    admin = api.new_org()
    account_id = _account(api, admin)
    growth = _plan(_tree(api, admin, account_id), "Growth Plans")
    objective = api.post(
        admin,
        f"/v1/accounts/{account_id}/plans/{growth['id']}/objectives",
        {"title": "Expand to EMEA"},
    ).ok()
    assert objective["missing_actions"] is True
    tree = _tree(api, admin, account_id)
    growth = _plan(tree, "Growth Plans")
    assert growth["missing_objective"] is False
    assert growth["objectives"][0]["missing_actions"] is True
    assert _plan(tree, "Client Commitments")["missing_objective"] is True

    api.post(
        admin,
        f"/v1/accounts/{account_id}/objectives/{objective['id']}/actions",
        {"title": "Open the Paris office"},
    ).ok()
    growth = _plan(_tree(api, admin, account_id), "Growth Plans")
    assert growth["objectives"][0]["missing_actions"] is False
    assert growth["objectives"][0]["actions"][0]["title"] == "Open the Paris office"


def _with_objective(api: InProcessApi, actor: Actor, account_id: str) -> tuple[str, str]:
    growth = _plan(_tree(api, actor, account_id), "Growth Plans")
    objective = api.post(
        actor,
        f"/v1/accounts/{account_id}/plans/{growth['id']}/objectives",
        {"title": "Grow revenue"},
    ).ok()
    return growth["id"], objective["id"]


def test_actions_show_owner_metric_progress_and_overdue(api: InProcessApi) -> None:
    admin = api.new_org()
    olga = api.add_user(admin, "Olga Owner")
    account_id = _account(api, admin)
    _, objective_id = _with_objective(api, admin, account_id)
    today = date.fromisoformat(_tree(api, admin, account_id)["today"])
    path = f"/v1/accounts/{account_id}/objectives/{objective_id}/actions"
    late = api.post(
        admin,
        path,
        {
            "title": "Quarterly business review",
            "owner_id": olga.user_id,
            "due_date": (today - timedelta(days=1)).isoformat(),
            "metric": {"target": 200, "current": 50, "unit": "k€"},
        },
    ).ok()
    assert late["overdue"] is True
    olga_email = api.get(admin, f"/v1/users/{olga.user_id}").ok()["email"]
    assert late["owner"] == {"id": olga.user_id, "name": "Olga Owner", "email": olga_email}
    assert late["metric"]["progress"] == 25.0
    done = api.post(
        admin,
        path,
        {
            "title": "Kick-off",
            "status": "done",
            "due_date": (today - timedelta(days=9)).isoformat(),
        },
    ).ok()
    future = api.post(admin, path, {"title": "Renewal", "due_date": today.isoformat()}).ok()
    assert (done["overdue"], future["overdue"]) == (False, False)
    tree = _tree(api, admin, account_id)
    assert tree["overdue_actions"] == 1
    reply = api.patch(
        admin,
        f"/v1/accounts/{account_id}/actions/{late['id']}",
        {"status": "done", "metric": {"target": 200, "current": 260, "unit": "k€"}},
    )
    assert reply.ok()["overdue"] is False
    assert reply.json["metric"]["progress"] == 100.0
    assert _tree(api, admin, account_id)["overdue_actions"] == 0


def test_overdue_is_judged_by_the_callers_local_date(api: InProcessApi) -> None:
    admin = api.new_org(time_zone="Pacific/Kiritimati")
    account_id = _account(api, admin)
    expected = clock.local_date(clock.now(), "Pacific/Kiritimati")
    assert _tree(api, admin, account_id)["today"] == expected.isoformat()


def test_an_unknown_owner_is_rejected(api: InProcessApi) -> None:
    admin = api.new_org()
    other_org_user = api.add_user(api.new_org("Other"), "Stranger")
    account_id = _account(api, admin)
    _, objective_id = _with_objective(api, admin, account_id)
    reply = api.post(
        admin,
        f"/v1/accounts/{account_id}/objectives/{objective_id}/actions",
        {"title": "X", "owner_id": other_org_user.user_id},
    )
    assert reply.status == 422
    assert reply.json["errors"][0]["path"] == "owner_id"


def test_plans_objectives_and_actions_can_be_reordered_and_moved(api: InProcessApi) -> None:
    admin = api.new_org()
    account_id = _account(api, admin)
    base = f"/v1/accounts/{account_id}"
    first, second = (p["id"] for p in _tree(api, admin, account_id)["plans"])
    third = api.post(admin, f"{base}/plans", {"title": "Risks"}).ok()["id"]
    api.patch(admin, f"{base}/plans/{third}", {"after_id": None}).ok()
    assert [p["id"] for p in _tree(api, admin, account_id)["plans"]] == [third, first, second]
    api.patch(admin, f"{base}/plans/{first}", {"after_id": second}).ok()
    assert [p["id"] for p in _tree(api, admin, account_id)["plans"]] == [third, second, first]
    api.patch(admin, f"{base}/plans/{first}", {"after_id": third}).ok()
    assert [p["id"] for p in _tree(api, admin, account_id)["plans"]] == [third, first, second]

    objective = api.post(admin, f"{base}/plans/{first}/objectives", {"title": "O"}).ok()
    action = api.post(admin, f"{base}/objectives/{objective['id']}/actions", {"title": "A"}).ok()
    moved = api.patch(admin, f"{base}/objectives/{objective['id']}", {"plan_id": second}).ok()
    assert moved["plan_id"] == second
    assert moved["actions"][0]["id"] == action["id"]
    tree = _tree(api, admin, account_id)
    assert _plan(tree, "Client Commitments")["objectives"][0]["actions"][0]["title"] == "A"
    assert _plan(tree, "Growth Plans")["missing_objective"] is True
    other = api.post(admin, f"{base}/plans/{second}/objectives", {"title": "P"}).ok()
    api.patch(admin, f"{base}/actions/{action['id']}", {"objective_id": other["id"]}).ok()
    objectives = _plan(_tree(api, admin, account_id), "Client Commitments")["objectives"]
    assert [(o["title"], o["missing_actions"]) for o in objectives] == [("O", True), ("P", False)]
    wrong = api.patch(admin, f"{base}/plans/{first}", {"after_id": objective["id"]})
    assert wrong.status == 422


def test_deleting_a_plan_deletes_its_tree_and_says_how_many(api: InProcessApi) -> None:
    admin = api.new_org()
    account_id = _account(api, admin)
    base = f"/v1/accounts/{account_id}"
    plan_id, objective_id = _with_objective(api, admin, account_id)
    second = api.post(admin, f"{base}/plans/{plan_id}/objectives", {"title": "Two"}).ok()["id"]
    for title in ("a", "b", "c"):
        api.post(admin, f"{base}/objectives/{objective_id}/actions", {"title": title}).ok()
    api.post(admin, f"{base}/objectives/{second}/actions", {"title": "d"}).ok()
    only = api.delete(admin, f"{base}/objectives/{second}").ok()
    assert only == {"plans": 0, "objectives": 1, "actions": 1}
    assert api.delete(admin, f"{base}/plans/{plan_id}").ok() == {
        "plans": 1,
        "objectives": 1,
        "actions": 3,
    }
    assert [p["title"] for p in _tree(api, admin, account_id)["plans"]] == ["Client Commitments"]
    assert api.delete(admin, f"{base}/plans/{plan_id}").status == 404
    assert api.patch(admin, f"{base}/objectives/{objective_id}", {"title": "x"}).status == 404


def test_a_plan_too_big_for_one_transaction_is_refused_whole(api: InProcessApi) -> None:
    admin = api.new_org()
    account_id = _account(api, admin)
    base = f"/v1/accounts/{account_id}"
    plan_id, first = _with_objective(api, admin, account_id)
    second = api.post(admin, f"{base}/plans/{plan_id}/objectives", {"title": "Two"}).ok()["id"]
    # Seeded directly: 96 actions through the API would only slow the test down.
    table.batch_put(
        repository.node_item(
            admin.org_id,
            account_id,
            "ACTION",
            {
                "id": new_id(),
                "objective_id": objective_id,
                "title": f"a{n}",
                "status": "done",
                "show_customer": False,
                "position": float(n),
                "version": 1,
            },
        )
        for objective_id in (first, second)
        for n in range(48)
    )
    reply = api.delete(admin, f"{base}/plans/{plan_id}")
    assert reply.status == 409
    assert "Delete some of its objectives first" in reply.json["detail"]
    assert len(_plan(_tree(api, admin, account_id), "Growth Plans")["objectives"]) == 2
    assert api.delete(admin, f"{base}/objectives/{first}").ok()["actions"] == 48
    assert api.delete(admin, f"{base}/plans/{plan_id}").ok() == {
        "plans": 1,
        "objectives": 1,
        "actions": 48,
    }


def test_a_stale_version_is_refused_with_the_current_one(api: InProcessApi) -> None:
    admin = api.new_org()
    account_id = _account(api, admin)
    plan = _tree(api, admin, account_id)["plans"][0]
    path = f"/v1/accounts/{account_id}/plans/{plan['id']}"
    updated = api.patch(admin, path, {"description": "Upsell", "version": plan["version"]}).ok()
    assert updated["version"] == plan["version"] + 1
    stale = api.patch(admin, path, {"description": "Cross-sell", "version": plan["version"]})
    assert stale.status == 409
    assert stale.json["current"]["description"] == "Upsell"
    assert api.patch(admin, path, {"title": None}).status == 422


def test_bad_input_is_answered_with_problems(api: InProcessApi) -> None:
    admin = api.new_org()
    account_id = _account(api, admin)
    _, objective_id = _with_objective(api, admin, account_id)
    base = f"/v1/accounts/{account_id}"
    actions = f"{base}/objectives/{objective_id}/actions"
    cases = {
        "int for bool": api.post(admin, f"{base}/plans", {"title": "x", "show_customer": 1}),
        "blank title": api.post(admin, f"{base}/plans", {"title": "   "}),
        "unknown field": api.post(admin, f"{base}/plans", {"title": "x", "colour": "red"}),
        "number for date": api.post(admin, actions, {"title": "x", "due_date": 20250101}),
        "bad date": api.post(admin, actions, {"title": "x", "due_date": "2025-02-30"}),
        "far date": api.post(admin, actions, {"title": "x", "due_date": "9999-12-31"}),
        "NaN metric": api.post(
            admin, actions, raw_body='{"title": "x", "metric": {"target": NaN}}'
        ),
        "bool metric": api.post(admin, actions, {"title": "x", "metric": {"target": True}}),
        "unknown status": api.post(admin, actions, {"title": "x", "status": "finished"}),
        "malformed id": api.get(admin, "/v1/accounts/not-an-id/action-plan"),
        "long id": api.get(admin, f"/v1/accounts/{'x' * 65}/action-plan"),
        "unknown plan": api.post(
            admin, f"{base}/plans/01J00000000000000000000000/objectives", {"title": "x"}
        ),
        "move to unknown plan": api.patch(
            admin, f"{base}/objectives/{objective_id}", {"plan_id": "01J00000000000000000000000"}
        ),
        "huge offset": api.post(
            admin,
            "/v1/plan-templates",
            {
                "name": "T",
                "plans": [
                    {
                        "title": "P",
                        "objectives": [
                            {"title": "O", "actions": [{"title": "A", "due_offset_days": 100000}]}
                        ],
                    }
                ],
            },
        ),
        "empty choice": api.post(
            admin,
            f"{base}/launch-template",
            {"template_id": "01J00000000000000000000000", "objective_ids": []},
        ),
        "bad cursor": api.get(admin, "/v1/accounts?cursor=abc.def"),
    }
    for case, reply in cases.items():
        assert 400 <= reply.status < 500, (case, reply.status, reply.text)
        assert reply.headers["Content-Type"] == "application/problem+json", case
    assert cases["malformed id"].status == 404
    assert cases["unknown plan"].status == 404
    assert cases["number for date"].json["errors"][0]["path"] == "due_date"
    assert len(_plan(_tree(api, admin, account_id), "Growth Plans")["objectives"]) == 1


def test_a_metric_update_changes_only_what_is_sent(api: InProcessApi) -> None:
    admin = api.new_org()
    account_id = _account(api, admin)
    _, objective_id = _with_objective(api, admin, account_id)
    base = f"/v1/accounts/{account_id}"
    action = api.post(admin, f"{base}/objectives/{objective_id}/actions", {"title": "NPS"}).ok()
    path = f"{base}/actions/{action['id']}"
    assert api.patch(admin, path, {"metric": {"current": 3}}).status == 422
    api.patch(admin, path, {"metric": {"start": 20, "target": 60, "unit": "pts"}}).ok()
    metric = api.patch(admin, path, {"metric": {"current": 50}}).ok()["metric"]
    assert metric == {"start": 20, "target": 60, "current": 50, "unit": "pts", "progress": 75.0}
    assert api.patch(admin, path, {"metric": None}).ok()["metric"] is None


def test_an_account_can_be_renamed_and_found_by_its_new_name(api: InProcessApi) -> None:
    admin = api.new_org()
    account_id = _account(api, admin)
    renamed = api.patch(admin, f"/v1/accounts/{account_id}", {"name": "Globex EMEA"}).ok()
    assert (renamed["name"], renamed["version"]) == ("Globex EMEA", 2)
    assert api.get(admin, "/v1/accounts?q=globex%20e").ok()["items"][0]["id"] == account_id
    cleared = api.patch(admin, f"/v1/accounts/{account_id}", {"description": None}).ok()
    assert cleared["description"] is None
    assert api.patch(admin, f"/v1/accounts/{account_id}", {"name": "x", "version": 1}).status == 409


def test_a_delete_racing_an_addition_deletes_nothing_rather_than_orphan_it(
    api: InProcessApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = api.new_org()
    account_id = _account(api, admin)
    base = f"/v1/accounts/{account_id}"
    plan_id = _tree(api, admin, account_id)["plans"][0]["id"]
    read_tree = plan_tree.load_tree

    def tree_then_someone_adds(principal: Any, account: str) -> Any:
        tree = read_tree(principal, account)  # the delete has read the plan: no objectives
        monkeypatch.setattr(plan_tree, "load_tree", read_tree)
        api.post(admin, f"{base}/plans/{plan_id}/objectives", {"title": "Added meanwhile"}).ok()
        return tree

    monkeypatch.setattr(plan_tree, "load_tree", tree_then_someone_adds)
    assert api.delete(admin, f"{base}/plans/{plan_id}").status == 409
    growth = _plan(_tree(api, admin, account_id), "Growth Plans")
    assert [o["title"] for o in growth["objectives"]] == ["Added meanwhile"]
