"""Organisation and users through the identity handler, under moto."""

from __future__ import annotations

from tests.support.harness import Actor, InProcessApi


def test_me_answers_the_callers_user_and_settings(api: InProcessApi) -> None:
    admin = api.new_org("Acme", time_zone="Europe/Paris")
    me = api.get(admin, "/v1/me").ok()
    assert me["id"] == admin.user_id
    assert me["roles"] == ["admin"]
    assert me["settings"]["time_zone"] == "Europe/Paris"
    assert me["settings"]["notifications"]["one_on_one_reminder"] is True


def test_a_user_of_another_org_is_not_found(api: InProcessApi) -> None:
    acme, globex = api.new_org("Acme"), api.new_org("Globex")
    bob = api.add_user(globex, "Bob Builder")
    reply = api.get(acme, f"/v1/users/{bob.user_id}")
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert api.get(globex, f"/v1/users/{bob.user_id}").ok()["name"] == "Bob Builder"


def test_only_admins_create_users_and_emails_are_unique(api: InProcessApi) -> None:
    admin = api.new_org()
    bob = api.add_user(admin, "Bob Builder")
    assert api.post(bob, "/v1/users", {"email": "x@example.test", "name": "X"}).status == 403
    again = api.post(admin, "/v1/users", {"email": bob.email.upper(), "name": "B2"})
    assert again.status == 409


def test_a_deactivated_user_loses_access(api: InProcessApi) -> None:
    admin = api.new_org()
    bob = api.add_user(admin, "Bob Builder")
    assert api.get(bob, "/v1/me").status == 200
    api.patch(admin, f"/v1/users/{bob.user_id}", {"status": "inactive"}).ok()
    assert api.get(bob, "/v1/me").status == 403


def test_unknown_token_user_is_unauthorized(api: InProcessApi) -> None:
    admin = api.new_org()
    stranger = Actor(admin.org_id, "01J00000000000000000000000")
    assert api.get(stranger, "/v1/me").status == 401
    assert api.get(None, "/v1/me").status == 401


def test_bad_input_is_answered_with_problems(api: InProcessApi) -> None:
    admin = api.new_org()
    cases = {
        "malformed": api.post(admin, "/v1/users", raw_body="{not json"),
        "wrong type": api.post(admin, "/v1/users", {"email": 5, "name": "X"}),
        "bool for int": api.patch(
            admin, "/v1/org/settings", {"checkin_reminders": {"hour": False}}
        ),
        "oversized": api.post(admin, "/v1/users", raw_body='{"a": "' + "x" * 300_000 + '"}'),
        "unknown route": api.get(admin, "/v1/nothing-here"),
        "bad cursor": api.get(admin, "/v1/users?cursor=abc.def"),
        "bad limit": api.get(admin, "/v1/users?limit=0"),
        "unknown enum": api.post(
            admin, "/v1/users", {"email": "z@example.test", "name": "Z", "roles": ["king"]}
        ),
    }
    for case, reply in cases.items():
        assert 400 <= reply.status < 500, case
        assert reply.headers["Content-Type"] == "application/problem+json", case
        assert reply.json["status"] == reply.status, case
    assert cases["wrong type"].json["errors"][0]["path"] == "email"
    assert cases["oversized"].status == 413


def test_directory_search_and_cursor_pages(api: InProcessApi) -> None:
    admin = api.new_org()
    for name in ["Zoë Ångström", "Zack Zed", "Amy Able"]:
        api.add_user(admin, name)
    assert [u["name"] for u in api.get(admin, "/v1/users?q=zoe").ok()["items"]] == ["Zoë Ångström"]
    first = api.get(admin, "/v1/users?limit=2").ok()
    second = api.get(admin, f"/v1/users?limit=2&cursor={first['next_cursor']}").ok()
    names = [u["name"] for u in first["items"] + second["items"]]
    assert len(names) == 4
    assert len(set(names)) == 4


def test_org_settings_patch_is_admin_only_and_hides_the_slack_url(api: InProcessApi) -> None:
    admin = api.new_org()
    bob = api.add_user(admin, "Bob Builder")
    patch = {
        "modules": {"one_on_ones": {"enabled": False, "display_name": "Check-ins"}},
        "slack": {"webhook_url": "https://hooks.slack.com/T000/B000/secretvalue"},
    }
    assert api.patch(bob, "/v1/org/settings", patch).status == 403
    settings = api.patch(admin, "/v1/org/settings", patch).ok()
    assert settings["modules"]["one_on_ones"] == {"enabled": False, "display_name": "Check-ins"}
    assert settings["modules"]["okrs"]["enabled"] is True
    assert "secretvalue" not in str(settings)
    activity = api.get(admin, f"/v1/activity?entity_id={admin.org_id}").ok()["items"]
    assert activity[0]["action"] == "org_settings_updated"
    assert "secretvalue" not in str(activity)


def test_manager_chain_follows_reorganisations_and_refuses_loops(api: InProcessApi) -> None:
    admin = api.new_org()
    ceo = api.add_user(admin, "Cee Oh")
    vp = api.add_user(admin, "Vee Pee", manager_id=ceo.user_id)
    dev = api.add_user(admin, "Dee Vee", manager_id=vp.user_id)
    loop = api.patch(admin, f"/v1/users/{ceo.user_id}", {"manager_id": dev.user_id})
    assert loop.status == 409
    from momentum.identity import service

    assert service.user_item(admin.org_id, dev.user_id)["manager_chain"] == [
        vp.user_id,
        ceo.user_id,
    ]
    moved = api.patch(admin, f"/v1/users/{vp.user_id}", {"manager_id": None}).ok()
    assert moved["reorganising"] is True  # the reports' chains follow in the background
    assert api.run_background() >= 1
    assert service.user_item(admin.org_id, dev.user_id)["manager_chain"] == [vp.user_id]
    assert api.get(admin, f"/v1/users/{vp.user_id}").ok()["reorganising"] is False


def test_idempotent_user_create(api: InProcessApi) -> None:
    admin = api.new_org()
    body = {"email": "once@example.test", "name": "Once"}
    first = api.post(admin, "/v1/users", body, headers={"Idempotency-Key": "k-1"}).ok()
    second = api.post(admin, "/v1/users", body, headers={"Idempotency-Key": "k-1"}).ok()
    assert first["id"] == second["id"]
    other = api.post(
        admin, "/v1/users", {**body, "name": "Twice"}, headers={"Idempotency-Key": "k-1"}
    )
    assert other.status == 422


def test_companies_and_locations(api: InProcessApi) -> None:
    admin = api.new_org()
    company = api.post(admin, "/v1/companies", {"name": "Acme Europe"}).ok()
    location = api.post(
        admin,
        f"/v1/companies/{company['id']}/locations",
        {"name": "Paris", "time_zone": "Europe/Paris"},
    ).ok()
    listed = api.get(admin, f"/v1/companies/{company['id']}/locations").ok()["items"]
    assert [loc["id"] for loc in listed] == [location["id"]]
    user = api.add_user(admin, "Pia Paris", company_id=company["id"], location_id=location["id"])
    assert api.get(admin, f"/v1/users/{user.user_id}").ok()["location_id"] == location["id"]
    wrong = api.post(
        admin, "/v1/users", {"email": "w@example.test", "name": "W", "location_id": location["id"]}
    )
    assert wrong.status == 422


def test_the_role_index_follows_role_changes(api: InProcessApi) -> None:
    from momentum.identity import service

    admin = api.new_org()
    lina = api.add_user(admin, "Lina Local", roles=["location_admin"])
    emil = api.add_user(admin, "Emil Employee")

    def admin_ids() -> set[str]:
        return {user["id"] for user in service.administrators(admin.org_id)}

    assert admin_ids() == {admin.user_id, lina.user_id}
    api.patch(admin, f"/v1/users/{emil.user_id}", {"roles": ["admin", "employee"]}).ok()
    api.patch(admin, f"/v1/users/{lina.user_id}", {"roles": ["employee"]}).ok()
    assert admin_ids() == {admin.user_id, emil.user_id}


def test_repeated_roles_count_once(api: InProcessApi) -> None:
    admin = api.new_org()
    body = {"email": "twice@example.test", "name": "Twice", "roles": ["manager", "manager"]}
    user = api.post(admin, "/v1/users", body).ok()
    assert user["roles"] == ["manager"]
    patched = api.patch(admin, f"/v1/users/{user['id']}", {"roles": ["coach", "coach", "admin"]})
    assert patched.ok()["roles"] == ["coach", "admin"]


def test_an_address_cognito_refuses_is_a_validation_error(api: InProcessApi) -> None:
    admin = api.new_org()
    refused = api.post(admin, "/v1/users", {"email": "0@0.0", "name": "Zero"})
    assert refused.status == 422
    assert refused.json["errors"][0]["path"] == "email"
    assert api.get(admin, "/v1/users?q=0@0.0").ok()["items"] == []
