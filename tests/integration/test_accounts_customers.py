"""What customer contacts, other orgs and disabled modules see of account action plans."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Actor, InProcessApi


def _shared_account(api: InProcessApi, admin: Actor, owner: str = "Olga Owner") -> dict[str, Any]:
    """An account with shown and hidden items at every level."""
    account_id = api.post(
        admin, "/v1/accounts", {"name": "Globex", "description": "Churn risk"}
    ).ok()["id"]
    base = f"/v1/accounts/{account_id}"
    olga = api.add_user(admin, owner)
    growth, commitments = api.get(admin, f"{base}/action-plan").ok()["plans"]
    api.patch(
        admin,
        f"{base}/plans/{growth['id']}",
        {"show_customer": True, "internal_description": "They might churn"},
    ).ok()
    shown = api.post(
        admin,
        f"{base}/plans/{growth['id']}/objectives",
        {"title": "Shared goal", "show_customer": True, "internal_description": "Margin is thin"},
    ).ok()
    hidden = api.post(
        admin, f"{base}/plans/{growth['id']}/objectives", {"title": "Upsell plan"}
    ).ok()
    visible_action = api.post(
        admin,
        f"{base}/objectives/{shown['id']}/actions",
        {
            "title": "Joint roadmap review",
            "show_customer": True,
            "owner_id": olga.user_id,
            "internal_description": "Push the premium tier",
        },
    ).ok()
    api.post(admin, f"{base}/objectives/{shown['id']}/actions", {"title": "Price increase"}).ok()
    api.post(
        admin,
        f"{base}/objectives/{hidden['id']}/actions",
        {"title": "Hidden under hidden", "show_customer": True},
    ).ok()
    return {
        "id": account_id,
        "growth": growth["id"],
        "commitments": commitments["id"],
        "shown": shown["id"],
        "hidden": hidden["id"],
        "action": visible_action["id"],
    }


def test_a_customer_sees_only_shown_items_without_internal_fields(api: InProcessApi) -> None:
    admin = api.new_org()
    account = _shared_account(api, admin)
    cathy = api.add_user(admin, "Cathy Customer", roles=["customer"], account_ids=[account["id"]])
    tree = api.get(cathy, f"/v1/accounts/{account['id']}/action-plan").ok()
    assert [p["title"] for p in tree["plans"]] == ["Growth Plans"]
    plan = tree["plans"][0]
    assert "internal_description" not in plan
    assert [o["title"] for o in plan["objectives"]] == ["Shared goal"]
    objective = plan["objectives"][0]
    assert "internal_description" not in objective
    assert [a["title"] for a in objective["actions"]] == ["Joint roadmap review"]
    action = objective["actions"][0]
    assert "internal_description" not in action
    assert action["owner"] == {"id": action["owner"]["id"], "name": "Olga Owner"}
    assert tree["account"] == {
        k: tree["account"][k] for k in ("id", "name", "created_at", "version")
    }
    text = str(tree)
    for secret in (
        "Churn risk",
        "They might churn",
        "Margin is thin",
        "premium",
        "@",
        "Upsell",
        "Price increase",
        "Hidden under hidden",
    ):
        assert secret not in text, secret

    internal = api.get(admin, f"/v1/accounts/{account['id']}/action-plan").ok()
    assert internal["plans"][0]["internal_description"] == "They might churn"
    assert internal["plans"][0]["objectives"][0]["actions"][0]["owner"]["email"]


def test_a_customer_gets_404_for_other_accounts_and_cannot_write(api: InProcessApi) -> None:
    admin = api.new_org()
    mine, theirs = _shared_account(api, admin), _shared_account(api, admin, "Tom Other")
    cathy = api.add_user(admin, "Cathy Customer", roles=["customer"], account_ids=[mine["id"]])
    assert api.get(cathy, f"/v1/accounts/{theirs['id']}/action-plan").status == 404
    assert api.get(cathy, f"/v1/accounts/{theirs['id']}").status == 404
    listed = api.get(cathy, "/v1/accounts").ok()
    assert [a["id"] for a in listed["items"]] == [mine["id"]]
    assert "description" not in listed["items"][0]

    base = f"/v1/accounts/{mine['id']}"
    writes = [
        api.post(cathy, f"{base}/plans", {"title": "Mine now"}),
        api.patch(cathy, f"{base}/plans/{mine['growth']}", {"title": "Renamed"}),
        api.delete(cathy, f"{base}/plans/{mine['growth']}"),
        api.post(cathy, f"{base}/objectives/{mine['shown']}/actions", {"title": "x"}),
        api.patch(cathy, f"{base}/actions/{mine['action']}", {"status": "done"}),
        api.delete(cathy, f"{base}/objectives/{mine['hidden']}"),
        api.patch(cathy, base, {"name": "Renamed"}),
    ]
    assert [w.status for w in writes] == [403] * len(writes)
    other = f"/v1/accounts/{theirs['id']}"
    assert api.patch(cathy, f"{other}/plans/{theirs['growth']}", {"title": "x"}).status == 404
    assert api.post(cathy, "/v1/accounts", {"name": "New"}).status == 403
    assert api.get(cathy, "/v1/plan-templates").status == 403
    after = api.get(admin, f"{base}/action-plan").ok()
    assert [p["title"] for p in after["plans"]] == ["Growth Plans", "Client Commitments"]
    # Activity of an account is internal.
    assert api.get(cathy, f"/v1/activity?entity_id={mine['id']}").status == 404


def test_another_orgs_account_is_not_found(api: InProcessApi) -> None:
    acme, initech = api.new_org("Acme"), api.new_org("Initech")
    account_id = api.post(acme, "/v1/accounts", {"name": "Globex"}).ok()["id"]
    plan_id = api.get(acme, f"/v1/accounts/{account_id}/action-plan").ok()["plans"][0]["id"]
    assert api.get(initech, f"/v1/accounts/{account_id}/action-plan").status == 404
    assert (
        api.patch(initech, f"/v1/accounts/{account_id}/plans/{plan_id}", {"title": "x"}).status
        == 404
    )
    assert api.delete(initech, f"/v1/accounts/{account_id}/plans/{plan_id}").status == 404
    assert api.get(initech, "/v1/accounts").ok()["items"] == []
    assert api.get(acme, "/v1/accounts").ok()["items"][0]["id"] == account_id


def test_every_change_is_in_the_accounts_activity(api: InProcessApi) -> None:
    admin = api.new_org()
    account = _shared_account(api, admin)
    entries = api.get(admin, f"/v1/activity?entity_id={account['id']}&limit=100").ok()["items"]
    actions = [e["action"] for e in entries]
    assert actions.count("account_created") == 1
    assert actions.count("objective_created") == 2
    assert actions.count("action_created") == 3
    assert "plan_updated" in actions
    updated = next(e for e in entries if e["action"] == "plan_updated")
    assert updated["changes"]["show_customer"] == {"before": False, "after": True}
    assert all(e["actor_id"] == admin.user_id for e in entries)


def test_a_disabled_module_hides_accounts(api: InProcessApi) -> None:
    admin = api.new_org()
    account_id = api.post(admin, "/v1/accounts", {"name": "Globex"}).ok()["id"]
    api.patch(
        admin,
        "/v1/org/settings",
        {"modules": {"accounts": {"enabled": False, "display_name": "Accounts"}}},
    ).ok()
    assert api.get(admin, f"/v1/accounts/{account_id}/action-plan").status == 404
    assert api.get(admin, "/v1/accounts").status == 404


def test_internal_users_list_and_search_accounts_by_name(api: InProcessApi) -> None:
    admin = api.new_org()
    erin = api.add_user(admin, "Erin Employee")
    for name in ("Zeta Corp", "Ångström AB", "Acme"):
        api.post(erin, "/v1/accounts", {"name": name}).ok()
    first = api.get(erin, "/v1/accounts?limit=2").ok()
    rest = api.get(erin, f"/v1/accounts?limit=2&cursor={first['next_cursor']}").ok()
    names = [a["name"] for a in first["items"] + rest["items"]]
    assert names == ["Acme", "Ångström AB", "Zeta Corp"]
    assert [a["name"] for a in api.get(erin, "/v1/accounts?q=angs").ok()["items"]] == [
        "Ångström AB"
    ]
