"""OKRs through the okrs handler, under moto: goals, check-ins, roll-up, permissions."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Actor, Api

PERIOD = {"start_date": "2026-01-01", "due_date": "2026-12-31"}


def goal(api: Api, actor: Actor, title: str, **fields: Any) -> dict[str, Any]:
    body = {"kind": "objective", "title": title, **PERIOD, **fields}
    return api.post(actor, "/v1/goals", body).ok()


def kr(api: Api, actor: Actor, title: str, parent: dict[str, Any], **fields: Any) -> Any:
    return goal(api, actor, title, kind="key_result", parent_id=parent["id"], **fields)


def check_in(
    api: Api, actor: Actor, g: dict[str, Any], value: float | None, status: str, note: str = ""
) -> dict[str, Any]:
    body: dict[str, Any] = {"note": note, "status": status}
    if value is not None:
        body["value"] = value
    return api.post(actor, f"/v1/goals/{g['id']}/check-ins", body).ok()


def read(api: Api, actor: Actor, g: dict[str, Any]) -> dict[str, Any]:
    return api.get(actor, f"/v1/goals/{g['id']}").ok()


def test_a_key_result_check_in_rolls_up_through_a_three_level_chain(api: Api) -> None:
    admin = api.new_org()
    lead = api.add_user(admin, "Lena Lead", roles=["manager"])
    dev = api.add_user(admin, "Dario Dev", manager_id=lead.user_id)
    company = goal(api, admin, "Grow revenue")
    team = goal(
        api, admin, "Ship the platform", parent_id=company["id"], weight=3, owner_id=lead.user_id
    )
    sales_kr = kr(api, admin, "Close 10 deals", company, metric={"type": "number", "target": 10})
    # the team lead gives key results of their objective to their report
    api_kr = kr(api, lead, "Public API live", team, weight=1, owner_id=dev.user_id)
    docs_kr = kr(api, lead, "Docs complete", team, weight=3, owner_id=dev.user_id)
    # contributing under a visible objective is anyone's right, giving goals away is not
    assert (
        api.post(
            dev,
            "/v1/goals",
            {
                "kind": "key_result",
                "title": "Lena's now",
                "parent_id": team["id"],
                "owner_id": lead.user_id,
                **PERIOD,
            },
        ).status
        == 403
    )

    answer = check_in(api, dev, api_kr, 60, "on_track", "first endpoints are live")
    assert answer["previous_value"] == 0
    assert answer["author_id"] == dev.user_id
    check_in(api, admin, sales_kr, 2, "at_risk")

    team_now = read(api, admin, team)
    # (1 x 60 + 3 x 0) / 4; the docs KR has not started, so the status is the API KR's
    assert team_now["progress"] == 15
    assert team_now["status"] == "on_track"
    assert team_now["explanation"]["source"] == "rollup"
    assert team_now["explanation"]["text"] == "(1 * 60 + 3 * 0) / 4 = 15"
    assert {c["id"] for c in team_now["children"]} == {api_kr["id"], docs_kr["id"]}
    company_now = read(api, admin, company)
    # (3 x 15 + 1 x 20) / 4, worst started status wins
    assert company_now["progress"] == 16.25
    assert company_now["status"] == "at_risk"
    assert sorted(company_now["children_ids"]) == sorted([team["id"], sales_kr["id"]])

    check_in(api, dev, docs_kr, 100, "behind")
    assert read(api, admin, team)["progress"] == 90  # (60 + 300) / 4
    assert read(api, admin, team)["status"] == "behind"
    assert read(api, admin, company)["progress"] == 72.5  # (3 x 90 + 20) / 4

    entries = api.get(admin, f"/v1/activity?entity_id={company['id']}").ok()["items"]
    assert entries[0]["action"] == "rolled_up"
    assert entries[0]["actor_id"] is None
    assert entries[0]["summary"] == "rolled up from key result Docs complete"
    assert entries[0]["changes"]["progress"] == {"before": 16.25, "after": 72.5}


def test_check_ins_are_listed_newest_first_with_author_and_previous_value(
    api: Api,
) -> None:
    admin = api.new_org()
    objective = goal(api, admin, "Delight customers")
    nps = kr(
        api,
        admin,
        "NPS from 30 to 50",
        objective,
        metric={"type": "number", "start": 30, "target": 50},
    )
    check_in(api, admin, nps, 35, "behind", "slow start")
    check_in(api, admin, nps, 42, "on_track", "picking up")
    listed = api.get(admin, f"/v1/goals/{nps['id']}/check-ins").ok()["items"]
    assert [c["note"] for c in listed] == ["picking up", "slow start"]
    assert [c["previous_value"] for c in listed] == [35, 30]
    assert listed[0]["progress"] == 60  # (42 - 30) / (50 - 30)
    assert listed[0]["created_at"].endswith("+00:00")


def test_a_decreasing_target_and_a_milestone(api: Api) -> None:
    admin = api.new_org()
    objective = goal(api, admin, "Be reliable")
    incidents = kr(
        api,
        admin,
        "Incidents from 20 to 5",
        objective,
        metric={"type": "number", "start": 20, "target": 5, "unit": "incidents"},
    )
    launch = kr(api, admin, "Status page launched", objective, metric={"type": "milestone"})
    check_in(api, admin, incidents, 11, "on_track")
    assert read(api, admin, incidents)["progress"] == 60
    check_in(api, admin, launch, 1, "on_track")
    assert read(api, admin, launch)["progress"] == 100
    assert read(api, admin, objective)["progress"] == 80


def test_a_custom_kpi_objective_is_never_rolled_up(api: Api) -> None:
    admin = api.new_org()
    company = goal(api, admin, "Company")
    kpi = goal(
        api,
        admin,
        "Revenue run-rate",
        parent_id=company["id"],
        metric={"type": "custom_kpi", "start": 0, "target": 1000, "unit": "k€"},
    )
    assert kpi["progress_mode"] == "custom_kpi"
    child = kr(api, admin, "Upsell the top 20", kpi)
    check_in(api, admin, child, 90, "at_risk")
    untouched = read(api, admin, kpi)
    assert untouched["progress"] == 0
    assert untouched["status"] == "not_started"
    assert untouched["explanation"]["source"] == "own"
    check_in(api, admin, kpi, 250, "behind")
    assert read(api, admin, kpi)["progress"] == 25
    assert read(api, admin, company)["progress"] == 25  # the KPI objective still counts upward
    assert read(api, admin, company)["status"] == "behind"


def test_a_check_in_value_pins_a_rolled_up_objective_until_switched_back(
    api: Api,
) -> None:
    admin = api.new_org()
    objective = goal(api, admin, "Hire well")
    child = kr(api, admin, "Hire 5 engineers", objective)
    check_in(api, admin, child, 40, "on_track")
    check_in(api, admin, objective, 70, "behind")
    pinned = read(api, admin, objective)
    assert (pinned["progress_mode"], pinned["progress"], pinned["status"]) == (
        "manual",
        70,
        "behind",
    )
    check_in(api, admin, child, 50, "on_track")
    assert read(api, admin, objective)["progress"] == 70
    back = api.patch(admin, f"/v1/goals/{objective['id']}", {"progress_mode": "rollup"}).ok()
    assert (back["progress"], back["status"]) == (50, "on_track")


def test_re_parent_and_delete_recompute_old_and_new_parents(api: Api) -> None:
    admin = api.new_org()
    company = goal(api, admin, "Company")
    first = goal(api, admin, "First", parent_id=company["id"])
    second = goal(api, admin, "Second", parent_id=company["id"])
    moving = kr(api, admin, "Moving KR", first)
    staying = kr(api, admin, "Staying KR", first)
    check_in(api, admin, moving, 80, "at_risk")
    check_in(api, admin, staying, 20, "on_track")
    assert read(api, admin, first)["progress"] == 50
    assert read(api, admin, company)["progress"] == 25

    moved = api.patch(admin, f"/v1/goals/{moving['id']}", {"parent_id": second["id"]}).ok()
    assert moved["parent_id"] == second["id"]
    assert (read(api, admin, first)["progress"], read(api, admin, first)["status"]) == (
        20,
        "on_track",
    )
    assert (read(api, admin, second)["progress"], read(api, admin, second)["status"]) == (
        80,
        "at_risk",
    )
    assert read(api, admin, company)["progress"] == 50
    assert read(api, admin, company)["status"] == "at_risk"

    deleted = api.delete(admin, f"/v1/goals/{moving['id']}")
    assert deleted.status == 204
    assert deleted.text == ""
    assert api.get(admin, f"/v1/goals/{moving['id']}").status == 404
    second_now = read(api, admin, second)
    assert (second_now["progress"], second_now["status"], second_now["children_ids"]) == (
        0,
        "not_started",
        [],
    )
    assert read(api, admin, company)["progress"] == 10  # (20 + 0) / 2


def test_an_objective_moves_with_its_subtree_and_cycles_are_refused(api: Api) -> None:
    admin = api.new_org()
    top = goal(api, admin, "Top")
    middle = goal(api, admin, "Middle", parent_id=top["id"])
    leaf_objective = goal(api, admin, "Leaf objective", parent_id=middle["id"])
    leaf = kr(api, admin, "Leaf KR", leaf_objective)
    loop = api.patch(admin, f"/v1/goals/{top['id']}", {"parent_id": leaf_objective["id"]})
    assert loop.status == 409
    to_itself = api.patch(admin, f"/v1/goals/{top['id']}", {"parent_id": top["id"]})
    assert to_itself.status == 409
    other = goal(api, admin, "Other")
    api.patch(admin, f"/v1/goals/{middle['id']}", {"parent_id": other["id"]}).ok()
    check_in(api, admin, leaf, 40, "behind")  # the deep check-in now reaches Other, not Top
    assert read(api, admin, other)["progress"] == 40
    assert read(api, admin, top)["progress"] == 0
    assert read(api, admin, top)["children_ids"] == []
    assert api.delete(admin, f"/v1/goals/{middle['id']}").status == 409
    top_level = api.patch(admin, f"/v1/goals/{middle['id']}", {"parent_id": None}).ok()
    assert top_level["parent_id"] is None
    assert read(api, admin, other)["children_ids"] == []


def test_closing_a_child_keeps_its_progress_but_not_its_status(api: Api) -> None:
    admin = api.new_org()
    objective = goal(api, admin, "Objective")
    done = kr(api, admin, "Done KR", objective)
    other = kr(api, admin, "Other KR", objective)
    check_in(api, admin, done, 100, "at_risk")
    check_in(api, admin, other, 50, "on_track")
    assert read(api, admin, objective)["status"] == "at_risk"
    closed = api.patch(admin, f"/v1/goals/{done['id']}", {"closed": True}).ok()
    assert closed["closed"] is True
    now = read(api, admin, objective)
    assert (now["progress"], now["status"]) == (75, "on_track")
    assert (
        api.post(admin, f"/v1/goals/{done['id']}/check-ins", {"status": "on_track"}).status == 409
    )
    api.patch(admin, f"/v1/goals/{done['id']}", {"closed": False}).ok()
    assert read(api, admin, objective)["status"] == "at_risk"


def test_a_private_goal_is_seen_by_its_owner_managers_and_admins_only(api: Api) -> None:
    admin = api.new_org()
    boss = api.add_user(admin, "Bea Boss", roles=["manager"])
    lead = api.add_user(admin, "Lou Lead", roles=["manager"], manager_id=boss.user_id)
    owner = api.add_user(admin, "Oli Owner", manager_id=lead.user_id)
    peer = api.add_user(admin, "Pat Peer", manager_id=lead.user_id)
    secret = goal(api, owner, "Private growth plan", visibility="private")
    for viewer in (owner, lead, boss, admin):
        assert api.get(viewer, f"/v1/goals/{secret['id']}").status == 200
    assert api.get(peer, f"/v1/goals/{secret['id']}").status == 404
    assert api.get(peer, f"/v1/goals/{secret['id']}/check-ins").status == 404
    assert api.get(peer, f"/v1/activity?entity_id={secret['id']}").status == 404
    assert (
        api.post(peer, f"/v1/goals/{secret['id']}/check-ins", {"status": "on_track"}).status == 404
    )
    listed = api.get(peer, f"/v1/goals?owner_id={owner.user_id}").ok()["items"]
    assert listed == []
    assert [
        g["id"] for g in api.get(lead, f"/v1/goals?owner_id={owner.user_id}").ok()["items"]
    ] == [secret["id"]]
    # the manager chain may edit; a peer may view a public goal but not change it
    api.patch(boss, f"/v1/goals/{secret['id']}", {"title": "Growth plan"}).ok()
    public = goal(api, owner, "Public goal")
    assert api.patch(peer, f"/v1/goals/{public['id']}", {"title": "Mine now"}).status == 403
    # nor align under a private objective they cannot see (it does not exist for them)
    assert (
        api.post(
            peer,
            "/v1/goals",
            {"kind": "key_result", "title": "Sneaky", "parent_id": secret["id"], **PERIOD},
        ).status
        == 422
    )
    # the parent's explanation does not leak a private child's title
    private_kr = kr(api, owner, "Private KR", public, visibility="private")
    shown = {c["id"]: c["title"] for c in read(api, peer, public)["children"]}
    assert shown == {private_kr["id"]: None}


def test_goals_of_another_org_are_not_found(api: Api) -> None:
    acme, globex = api.new_org("Acme"), api.new_org("Globex")
    theirs = goal(api, globex, "Globex goal")
    assert api.get(acme, f"/v1/goals/{theirs['id']}").status == 404
    assert api.patch(acme, f"/v1/goals/{theirs['id']}", {"title": "x"}).status == 404
    assert (
        api.post(
            acme,
            "/v1/goals",
            {"kind": "key_result", "title": "x", "parent_id": theirs["id"], **PERIOD},
        ).status
        == 422
    )


def check_links(api: Api) -> str:
    """Every goal answer carries the same web and login links; returns the APP_URL used."""
    admin = api.new_org()
    created = goal(api, admin, "Linked")
    web = created["links"]["web"]
    assert web.endswith(f"/goals/{created['id']}")
    app_url = web.removesuffix(f"/goals/{created['id']}")
    expected = {"web": web, "login": f"{app_url}/login?next=/goals/{created['id']}"}
    assert created["links"] == expected
    assert read(api, admin, created)["links"] == expected
    assert api.get(admin, "/v1/goals").ok()["items"][0]["links"] == expected
    assert api.get(admin, "/v1/goals/search?q=link").ok()["mine"][0]["links"] == expected
    return app_url


def test_every_goal_answer_carries_its_web_and_login_links(api: Api) -> None:
    assert check_links(api) == "https://app.momentum.test"  # APP_URL of the test settings


def test_bad_goal_input_is_answered_with_problems(api: Api) -> None:
    admin = api.new_org()
    objective = goal(api, admin, "Objective")
    cases = {
        "bool weight": api.post(
            admin, "/v1/goals", {"kind": "objective", "title": "x", "weight": True, **PERIOD}
        ),
        "unknown kind": api.post(admin, "/v1/goals", {"kind": "dream", "title": "x", **PERIOD}),
        "kr without objective": api.post(
            admin, "/v1/goals", {"kind": "key_result", "title": "x", **PERIOD}
        ),
        "under a kr": api.post(
            admin,
            "/v1/goals",
            {
                "kind": "key_result",
                "title": "y",
                **PERIOD,
                "parent_id": kr(api, admin, "KR", objective)["id"],
            },
        ),
        "due before start": api.post(
            admin,
            "/v1/goals",
            {
                "kind": "objective",
                "title": "x",
                "start_date": "2026-02-01",
                "due_date": "2026-01-01",
            },
        ),
        "bad date": api.post(
            admin, "/v1/goals", {"kind": "objective", "title": "x", "due_date": "2026-02-30"}
        ),
        "no target": api.post(
            admin,
            "/v1/goals",
            {"kind": "objective", "title": "x", **PERIOD, "metric": {"type": "number"}},
        ),
        "extra field": api.post(
            admin, "/v1/goals", {"kind": "objective", "title": "x", "colour": "red", **PERIOD}
        ),
        "bad status": api.post(
            admin, f"/v1/goals/{objective['id']}/check-ins", {"status": "great"}
        ),
        "string value": api.post(
            admin, f"/v1/goals/{objective['id']}/check-ins", {"status": "on_track", "value": "5"}
        ),
        "bad id": api.get(admin, "/v1/goals/not-an-id"),
        "stale version": api.patch(
            admin, f"/v1/goals/{objective['id']}", {"title": "z", "version": 99}
        ),
        "bad on": api.get(admin, "/v1/goals/search?q=x&on=yesterday"),
        "bad cursor": api.get(admin, f"/v1/goals/{objective['id']}/check-ins?cursor=x.y"),
    }
    for case, reply in cases.items():
        assert 400 <= reply.status < 500, (case, reply.status, reply.text)
        headers = {name.lower(): value for name, value in reply.headers.items()}
        assert headers["content-type"] == "application/problem+json", case
    assert cases["stale version"].status == 409
    assert (
        cases["stale version"].json["current"]["version"] == read(api, admin, objective)["version"]
    )
    assert cases["kr without objective"].status == 422
