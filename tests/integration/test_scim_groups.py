"""SCIM Groups under moto: directory groups with members, listed on users, filtering the
1:1 report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.harness import Actor, InProcessApi

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def _provision(api: InProcessApi, scim: dict[str, str], name: str) -> str:
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": f"{name}@acme.test",
        "displayName": name.title(),
        "emails": [{"value": f"{name}@acme.test", "primary": True}],
    }
    made = api.post(None, "/scim/v2/Users", body, headers=scim)
    assert made.status == 201, made.text
    return str(made.json["id"])


def _patch(api: InProcessApi, scim: dict[str, str], group_id: str, *ops: Any) -> Any:
    reply = api.patch(
        None,
        f"/scim/v2/Groups/{group_id}",
        {"schemas": [PATCH], "Operations": list(ops)},
        headers=scim,
    )
    assert reply.status == 200, reply.text
    return reply.json


def test_groups_members_and_the_users_groups(api: InProcessApi) -> None:
    admin = api.new_org()
    token = api.post(admin, "/v1/org/scim-tokens", {"description": "Entra"}).ok()["token"]
    scim = {"Authorization": f"Bearer {token}"}
    ana, ben, cy = (_provision(api, scim, n) for n in ("ana", "ben", "cy"))
    made = api.post(
        None,
        "/scim/v2/Groups",
        {
            "schemas": [GROUP],
            "displayName": "Sales",
            "externalId": "g-1",
            "members": [{"value": ana}],
        },
        headers=scim,
    )
    assert made.status == 201, made.text
    group_id = made.json["id"]
    # Entra: add with a list, remove with a value list; Okta: remove with a filter path.
    _patch(
        api,
        scim,
        group_id,
        {"op": "Add", "path": "members", "value": [{"value": ben}, {"value": cy}]},
    )
    _patch(api, scim, group_id, {"op": "Remove", "path": "members", "value": [{"value": ana}]})
    after = _patch(api, scim, group_id, {"op": "remove", "path": f'members[value eq "{cy}"]'})
    assert [m["value"] for m in after["members"]] == [ben]
    renamed = _patch(api, scim, group_id, {"op": "replace", "value": {"displayName": "Sales EMEA"}})
    assert renamed["displayName"] == "Sales EMEA"

    ben_scim = api.get(None, f"/scim/v2/Users/{ben}", headers=scim).json
    assert ben_scim["groups"] == [
        {"value": group_id, "$ref": ben_scim["groups"][0]["$ref"], "display": "Sales EMEA"}
    ]
    assert "groups" not in api.get(None, f"/scim/v2/Users/{ana}", headers=scim).json
    found = api.get(None, '/scim/v2/Groups?filter=displayName eq "sales emea"', headers=scim).json
    assert [g["id"] for g in found["Resources"]] == [group_id]
    unknown = api.post(
        None,
        "/scim/v2/Groups",
        {"schemas": [GROUP], "displayName": "X", "members": [{"value": "nobody"}]},
        headers=scim,
    )
    assert unknown.status == 400
    assert (
        api.post(
            None, "/scim/v2/Groups", {"schemas": [GROUP], "displayName": "sales emea"}, headers=scim
        ).status
        == 409
    )

    listed = api.get(admin, f"/v1/directory-groups?member_id={ben}").ok()["items"]
    assert [(g["name"], g["member_count"]) for g in listed] == [("Sales EMEA", 1)]
    assert api.get(admin, f"/v1/directory-groups/{group_id}").ok()["member_ids"] == [ben]

    assert api.delete(None, f"/scim/v2/Users/{ben}", headers=scim).status == 204
    assert api.get(admin, f"/v1/directory-groups/{group_id}").ok()["member_ids"] == []
    assert api.delete(None, f"/scim/v2/Groups/{group_id}", headers=scim).status == 204
    assert api.get(admin, "/v1/directory-groups").ok()["items"] == []


def test_the_one_on_one_report_filters_by_directory_group(api: InProcessApi) -> None:
    admin = api.new_org()
    token = api.post(admin, "/v1/org/scim-tokens", {"description": "Okta"}).ok()["token"]
    scim = {"Authorization": f"Bearer {token}"}
    ana, ben, cy, dee = (_provision(api, scim, n) for n in ("ana", "ben", "cy", "dee"))
    group = api.post(
        None,
        "/scim/v2/Groups",
        {"schemas": [GROUP], "displayName": "Support", "members": [{"value": cy}]},
        headers=scim,
    ).json
    start = datetime.now(UTC) - timedelta(days=2)
    for first, second in ((ana, ben), (cy, dee)):
        body = {
            "with_user_id": second,
            "title": "1:1",
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=30)).isoformat(),
        }
        api.post(Actor(admin.org_id, first), "/v1/one-on-ones", body).ok()
    window = f"from={(start - timedelta(days=1)).date()}&to={datetime.now(UTC).date()}"
    everyone = api.get(admin, f"/v1/reports/one-on-ones?{window}").ok()["pairs"]
    assert len(everyone) == 2
    support = api.get(admin, f"/v1/reports/one-on-ones?{window}&group_id={group['id']}").ok()
    assert [sorted(p["user_ids"]) for p in support["pairs"]] == [sorted([cy, dee])]
    assert (
        api.get(
            admin, f"/v1/reports/one-on-ones?{window}&group_id=01ARZ3NDEKTSV4RRFFQ69G5FAV"
        ).status
        == 404
    )
