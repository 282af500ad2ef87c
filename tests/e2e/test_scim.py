"""e2e: SCIM over HTTP against the local stack, as an identity provider speaks it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.harness import Actor
from tests.support.local_stack import HttpApi, cognito

pytestmark = pytest.mark.e2e

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _scim_headers(stack: HttpApi, admin: Actor, description: str) -> dict[str, str]:
    made = stack.post(admin, "/v1/org/scim-tokens", {"description": description}).ok()
    return {"Authorization": f"Bearer {made['token']}", "Content-Type": "application/scim+json"}


def test_scim2_tester_passes_every_check_it_runs(stack: HttpApi) -> None:
    admin = stack.new_org("Scim Tested")
    headers = _scim_headers(stack, admin, "scim2-tester")
    scim2 = Path(sys.executable).with_name("scim2")
    run = subprocess.run(
        [str(scim2), "--url", f"{stack.url}/scim/v2", "test"],
        env={**os.environ, "SCIM_CLI_HEADERS": f"Authorization: {headers['Authorization']}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = run.stdout.splitlines()
    errors = [line for line in lines if line.startswith(("ERROR", "CRITICAL"))]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert errors == []
    assert sum("SUCCESS" in line.upper() for line in lines) >= 50  # it really ran


def _user(user_name: str, **extension: Any) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "userName": user_name,
        "name": {"givenName": user_name.split("@")[0].title(), "familyName": "Okta"},
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "active": True,
        ENTERPRISE: extension,
    }


def test_a_report_provisioned_before_its_manager_then_deactivated(stack: HttpApi) -> None:
    admin = stack.new_org("Scim Chain")
    scim = _scim_headers(stack, admin, "Okta")
    domain = admin.org_id[-8:].lower()
    report = stack.post(
        None,
        "/scim/v2/Users",
        {
            **_user(f"rae@{domain}.test", department="Sales", manager={"value": "00u-max"}),
            "externalId": "00u-rae",
        },
        headers=scim,
    )
    assert report.status == 201, report.text
    report_id = report.json["id"]
    assert stack.get(admin, f"/v1/users/{report_id}").ok()["manager_id"] is None

    top = stack.post(
        None,
        "/scim/v2/Users",
        {**_user(f"ceo@{domain}.test"), "externalId": "00u-ceo"},
        headers=scim,
    )
    manager = stack.post(
        None,
        "/scim/v2/Users",
        {**_user(f"max@{domain}.test", manager={"value": top.json["id"]}), "externalId": "00u-max"},
        headers=scim,
    )
    assert manager.status == 201, manager.text
    rae = stack.get(admin, f"/v1/users/{report_id}").ok()
    assert rae["manager_id"] == manager.json["id"]
    assert rae["name"] == "Rae Okta"
    found = stack.get(None, '/scim/v2/Users?filter=externalId eq "00u-rae"', headers=scim).json
    assert found["Resources"][0][ENTERPRISE]["department"] == "Sales"

    max_user = stack.get(admin, f"/v1/users/{manager.json['id']}").ok()
    assert max_user["manager_id"] == top.json["id"]
    # Provisioned people are Cognito users of the org, as the API's own users are.
    client, identity = cognito(stack)
    pool = identity["user_pool_id"]
    for email in (f"rae@{domain}.test", f"max@{domain}.test", f"ceo@{domain}.test"):
        pool_user = client.admin_get_user(UserPoolId=pool, Username=email)
        attributes = {a["Name"]: a["Value"] for a in pool_user["UserAttributes"]}
        assert attributes["custom:org_id"] == admin.org_id
        assert pool_user["Enabled"] is True

    off = stack.patch(
        None,
        f"/scim/v2/Users/{report_id}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]},
        headers={**scim, "If-Match": report.headers["etag"]},
    )
    assert off.status == 200, off.text
    assert off.json["active"] is False
    rae = stack.get(admin, f"/v1/users/{report_id}").ok()
    assert rae["status"] == "inactive"
    assert rae["manager_id"] == manager.json["id"]
    assert client.admin_get_user(UserPoolId=pool, Username=f"rae@{domain}.test")["Enabled"] is False
    audit = stack.get(admin, "/v1/audit-log?entity_kind=user&limit=100").ok()["items"]
    assert {"scim_user_provisioned", "scim_user_updated", "user_updated"} <= {
        entry["action"] for entry in audit if entry["entity_id"] == report_id
    }
