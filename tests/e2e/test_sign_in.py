"""Signing in through the local Cognito, as a deployed client signs in through Cognito."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from botocore.exceptions import ClientError

from tests.support.harness import Actor
from tests.support.local_stack import PRINCIPAL_CACHE_SECONDS, HttpApi, LocalStackProcess, cognito

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-Horse-9-battery"


def sign_in(api: HttpApi, email: str, password: str) -> str:
    client, identity = cognito(api)
    answer = client.initiate_auth(
        ClientId=identity["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    return str(answer["AuthenticationResult"]["IdToken"])


def give_password(api: HttpApi, email: str, password: str) -> None:
    client, identity = cognito(api)
    client.admin_set_user_password(
        UserPoolId=identity["user_pool_id"], Username=email, Password=password, Permanent=True
    )


def test_a_new_user_signs_in_with_cognito_and_deactivation_locks_them_out(stack: HttpApi) -> None:
    admin = stack.new_org("Sign In")
    user = stack.post(admin, "/v1/users", {"email": "rosa@sign-in.test", "name": "Rosa"}).ok()
    give_password(stack, "rosa@sign-in.test", PASSWORD)
    token = sign_in(stack, "rosa@sign-in.test", PASSWORD)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["custom:org_id"] == admin.org_id
    assert claims["sub"] != user["id"]  # Cognito's id, mapped to Momentum's
    rosa = Actor(admin.org_id, user["id"], token)
    assert stack.get(rosa, "/v1/me").ok()["id"] == user["id"]

    stack.patch(admin, f"/v1/users/{user['id']}", {"status": "inactive"}).ok()
    client, identity = cognito(stack)
    pool_user = client.admin_get_user(
        UserPoolId=identity["user_pool_id"], Username="rosa@sign-in.test"
    )
    assert pool_user["Enabled"] is False
    with pytest.raises(ClientError, match="NotAuthorized"):
        sign_in(stack, "rosa@sign-in.test", PASSWORD)
    deadline = time.monotonic() + PRINCIPAL_CACHE_SECONDS + 5
    while stack.get(rosa, "/v1/me").status == 200:
        assert time.monotonic() < deadline, "still served after the principal cache bound"
        time.sleep(0.5)
    assert stack.get(rosa, "/v1/me").status == 403

    stack.patch(admin, f"/v1/users/{user['id']}", {"status": "active"}).ok()
    assert (
        stack.get(
            Actor(admin.org_id, user["id"], sign_in(stack, "rosa@sign-in.test", PASSWORD)), "/v1/me"
        ).status
        == 200
    )


def test_an_email_change_is_the_new_sign_in_name(stack: HttpApi) -> None:
    admin = stack.new_org("Renamed Email")
    user = stack.post(admin, "/v1/users", {"email": "old@renamed.test", "name": "Noa"}).ok()
    give_password(stack, "old@renamed.test", PASSWORD)
    stack.patch(admin, f"/v1/users/{user['id']}", {"email": "new@renamed.test"}).ok()
    token = sign_in(stack, "new@renamed.test", PASSWORD)
    assert stack.get(Actor(admin.org_id, user["id"], token), "/v1/me").ok()["email"] == (
        "new@renamed.test"
    )
    with pytest.raises(ClientError):
        sign_in(stack, "old@renamed.test", PASSWORD)


def test_an_email_signs_in_to_one_organisation_only(stack: HttpApi) -> None:
    first, second = stack.new_org("First Home"), stack.new_org("Second Home")
    stack.post(first, "/v1/users", {"email": "kim@both.test", "name": "Kim"}).ok()
    again = stack.post(second, "/v1/users", {"email": "kim@both.test", "name": "Kim"})
    assert again.status == 409


def test_every_user_still_signs_in_after_a_restart(tmp_path: Path) -> None:
    local = LocalStackProcess(tmp_path / "data")
    local.start()
    try:
        api = HttpApi(local.url, f"http://127.0.0.1:{local.dynamodb_port}")
        made = api.http.post(
            "/local/orgs",
            json={
                "name": "Restarted",
                "admin_email": "ada@restarted.test",
                "admin_name": "Ada",
                "admin_password": PASSWORD,
            },
        ).json()
        admin = Actor(made["org_id"], made["admin_user_id"], made["token"])
        bob = api.add_user(admin, "Bob Restart")
        carla = api.add_user(admin, "Carla Restart")
        give_password(api, carla.email, PASSWORD + "2")
    finally:
        local.stop()
    local.start()
    try:
        api = HttpApi(local.url, f"http://127.0.0.1:{local.dynamodb_port}")
        for email, password, user_id in (
            ("ada@restarted.test", PASSWORD, admin.user_id),
            (carla.email, PASSWORD + "2", carla.user_id),
        ):
            token = sign_in(api, email, password)
            assert api.get(Actor(admin.org_id, user_id, token), "/v1/me").ok()["id"] == user_id
        assert api.get(api.actor(admin.org_id, bob.user_id), "/v1/me").ok()["id"] == bob.user_id
        assert api.get(bob, "/v1/me").ok()["id"] == bob.user_id  # tokens from before, too
    finally:
        local.stop()


def test_users_the_pool_has_never_seen_are_provisioned_from_the_table(tmp_path: Path) -> None:
    """Data from before Cognito (or a lost recording): the table is the truth."""
    local = LocalStackProcess(tmp_path / "data")
    local.start()
    try:
        api = HttpApi(local.url, f"http://127.0.0.1:{local.dynamodb_port}")
        admin = api.new_org("Provisioned")
        bob = api.add_user(admin, "Bob Provisioned")
        gone = api.add_user(admin, "Gone Provisioned")
        api.patch(admin, f"/v1/users/{gone.user_id}", {"status": "inactive"}).ok()
    finally:
        local.stop()
    (tmp_path / "data" / "cognito-recording.jsonl").unlink()  # the pool remembers nobody
    local.start()
    try:
        api = HttpApi(local.url, f"http://127.0.0.1:{local.dynamodb_port}")
        for user in (admin, bob):
            assert (
                api.get(api.actor(admin.org_id, user.user_id), "/v1/me").ok()["id"] == user.user_id
            )
        refused = api.http.post(
            "/local/tokens", json={"org_id": admin.org_id, "user_id": gone.user_id}
        )
        assert refused.status_code == 409  # provisioned, but disabled like the user
    finally:
        local.stop()
