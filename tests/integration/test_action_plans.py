"""Engage action plans linked to OKRs, through the handlers under moto. Every scenario
takes an `Api`, so the e2e suite runs the same ones over HTTP."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Actor, Api

DUE = "2026-09-30"


def team(api: Api) -> tuple[Actor, Actor, Actor, Actor]:
    """An admin, a manager, their direct report and a peer manager outside the team."""
    admin = api.new_org("Engage")
    manager = api.add_user(admin, "Mina Manager", roles=["manager"])
    report = api.add_user(admin, "Rafael Report", manager_id=manager.user_id)
    outsider = api.add_user(admin, "Otto Outsider", roles=["manager"])
    return admin, manager, report, outsider


def plan_body(title: str, assignee: Actor, **fields: Any) -> dict[str, Any]:
    return {
        "title": title,
        "description": "From the Q2 engagement survey",
        "due_date": DUE,
        "assignee_id": assignee.user_id,
        "source": {"survey_id": "survey-q2", "driver": "Recognition"},
        **fields,
    }


def test_the_default_choice_creates_an_objective_for_the_assignee(api: Api) -> None:
    admin, manager, report, _ = team(api)
    answer = api.post(manager, "/v1/action-plans", plan_body("Celebrate wins weekly", report))
    assert answer.status == 201
    created = answer.json
    assert "published" in created["message"]
    plan, linked = created["action_plan"], created["linked_goal"]
    assert plan["owner_id"] == manager.user_id
    assert plan["source"] == {"survey_id": "survey-q2", "question": None, "driver": "Recognition"}
    assert plan["linked_goal"] == linked
    assert linked["kind"] == "objective"
    assert linked["title"] == "Celebrate wins weekly"
    assert linked["owner_id"] == report.user_id
    assert linked["assignee_id"] == report.user_id  # the deprecated alias, for one release
    assert linked["due_date"] == DUE
    assert linked["status"] == "linked"
    assert linked["links"]["web"].endswith(f"/goals/{linked['id']}")
    assert linked["links"]["login"].endswith(f"/login?next=/goals/{linked['id']}")
    goal = api.get(report, f"/v1/goals/{linked['id']}").ok()
    assert (goal["owner_id"], goal["title"], goal["due_date"], goal["kind"]) == (
        report.user_id,
        "Celebrate wins weekly",
        DUE,
        "objective",
    )
    goal_log = api.get(admin, f"/v1/activity?entity_id={linked['id']}").ok()["items"]
    assert goal_log[-1]["summary"] == "goal created from action plan Celebrate wins weekly"
    plan_log = api.get(manager, f"/v1/activity?entity_id={plan['id']}").ok()["items"]
    assert {e["action"] for e in plan_log} == {"action_plan_created", "goal_linked"}


def test_a_key_result_under_an_objective_found_by_owner_name(api: Api) -> None:
    _, manager, report, _ = team(api)
    objective = api.post(
        report,
        "/v1/goals",
        {
            "kind": "objective",
            "title": "Team engagement",
            "start_date": "2026-01-01",
            "due_date": "2026-12-31",
        },
    ).ok()
    found = api.get(manager, "/v1/goals/search?q=repo&on=2026-06-01").ok()
    assert [hit["id"] for hit in found["public"]] == [objective["id"]]
    created = api.post(
        manager,
        "/v1/action-plans",
        plan_body(
            "Peer kudos channel",
            manager,
            okr={"mode": "key_result", "objective_id": found["public"][0]["id"]},
        ),
    ).ok()
    linked = created["linked_goal"]
    assert linked["kind"] == "key_result"
    assert linked["assignee_id"] == manager.user_id
    assert api.get(manager, f"/v1/goals/{linked['id']}").ok()["parent_id"] == objective["id"]
    assert linked["id"] in api.get(report, f"/v1/goals/{objective['id']}").ok()["children_ids"]


def test_key_result_choices_that_cannot_be_honoured(api: Api) -> None:
    admin, manager, report, outsider = team(api)
    hidden = api.post(
        outsider,
        "/v1/goals",
        {"kind": "objective", "title": "Hidden", "visibility": "private", "due_date": "2026-12-31"},
    ).ok()
    closed = api.post(
        outsider, "/v1/goals", {"kind": "objective", "title": "Closed", "due_date": "2026-12-31"}
    ).ok()
    api.patch(outsider, f"/v1/goals/{closed['id']}", {"closed": True}).ok()
    own = api.post(
        report, "/v1/goals", {"kind": "objective", "title": "Own", "due_date": "2026-12-31"}
    ).ok()
    kr = api.post(
        report,
        "/v1/goals",
        {"kind": "key_result", "title": "A KR", "parent_id": own["id"], "due_date": "2026-12-31"},
    ).ok()

    def attempt(**okr: Any) -> int:
        body = plan_body("Try", report, okr={"mode": "key_result", **okr})
        return api.post(manager, "/v1/action-plans", body).status

    assert attempt(objective_id=hidden["id"]) == 404
    assert attempt(objective_id=closed["id"]) == 409
    assert attempt() == 422
    assert attempt(objective_id=kr["id"]) == 422
    assert attempt(objective_id="01J00000000000000000000000") == 404
    # nothing was written by the refused requests: both or neither
    assert api.get(manager, "/v1/action-plans").ok()["items"] == []
    assert len(api.get(admin, f"/v1/goals?owner_id={report.user_id}").ok()["items"]) == 2
    # a plan goes to its creator or their team
    assert api.post(manager, "/v1/action-plans", plan_body("x", outsider)).status == 422


def test_plan_and_goal_never_sync_and_deletes_never_cascade(api: Api) -> None:
    admin, manager, report, _ = team(api)
    created = api.post(manager, "/v1/action-plans", plan_body("Original", report)).ok()
    plan_id, goal_id = created["action_plan"]["id"], created["linked_goal"]["id"]
    other = api.add_user(admin, "Ada Other", manager_id=manager.user_id)
    api.patch(
        manager,
        f"/v1/action-plans/{plan_id}",
        {
            "title": "Renamed plan",
            "due_date": "2026-11-30",
            "assignee_id": other.user_id,
            "status": "in_progress",
        },
    ).ok()
    goal = api.get(manager, f"/v1/goals/{goal_id}").ok()
    assert (goal["title"], goal["due_date"], goal["owner_id"]) == ("Original", DUE, report.user_id)
    api.patch(
        manager, f"/v1/goals/{goal_id}", {"title": "Renamed goal", "due_date": "2026-12-15"}
    ).ok()
    plan = api.get(manager, f"/v1/action-plans/{plan_id}").ok()
    assert (plan["title"], plan["due_date"], plan["assignee_id"], plan["status"]) == (
        "Renamed plan",
        "2026-11-30",
        other.user_id,
        "in_progress",
    )
    assert plan["linked_goal"]["title"] == "Renamed goal"  # the link shows the goal as it is

    assert api.delete(manager, f"/v1/goals/{goal_id}").status == 204
    broken = api.get(report, f"/v1/action-plans/{plan_id}").ok()
    assert broken["linked_goal"]["status"] == "deleted"
    assert broken["linked_goal"]["title"] == "Original"  # the last title the plan knew

    kept = api.post(manager, "/v1/action-plans", plan_body("Keep my goal", report)).ok()
    assert api.delete(report, f"/v1/action-plans/{kept['action_plan']['id']}").status == 403
    assert api.delete(manager, f"/v1/action-plans/{kept['action_plan']['id']}").status == 204
    assert api.get(manager, f"/v1/action-plans/{kept['action_plan']['id']}").status == 404
    assert api.get(report, f"/v1/goals/{kept['linked_goal']['id']}").ok()["title"] == (
        "Keep my goal"
    )


def test_a_plan_without_a_goal_is_linked_later(api: Api) -> None:
    _, manager, report, _ = team(api)
    created = api.post(
        manager, "/v1/action-plans", plan_body("Later", report, okr={"mode": "none"})
    ).ok()
    assert created["linked_goal"] is None
    plan_id = created["action_plan"]["id"]
    linked = api.patch(manager, f"/v1/action-plans/{plan_id}", {"okr": {"mode": "objective"}}).ok()[
        "linked_goal"
    ]
    assert (linked["kind"], linked["title"], linked["assignee_id"]) == (
        "objective",
        "Later",
        report.user_id,
    )
    again = api.patch(manager, f"/v1/action-plans/{plan_id}", {"okr": {"mode": "objective"}})
    assert again.status == 409
    # once the goal is gone, the plan may be linked to a new one
    assert api.delete(manager, f"/v1/goals/{linked['id']}").status == 204
    relinked = api.patch(
        manager, f"/v1/action-plans/{plan_id}", {"okr": {"mode": "objective"}}
    ).ok()["linked_goal"]
    assert relinked["status"] == "linked"
    assert relinked["id"] != linked["id"]


def test_a_retried_create_makes_one_plan_and_one_goal(api: Api) -> None:
    admin, manager, report, _ = team(api)
    body = plan_body("Once only", report)
    headers = {"Idempotency-Key": "plan-once-1"}
    first = api.post(manager, "/v1/action-plans", body, headers=headers).ok()
    second = api.post(manager, "/v1/action-plans", body, headers=headers).ok()
    assert first["action_plan"]["id"] == second["action_plan"]["id"]
    assert first["linked_goal"]["id"] == second["linked_goal"]["id"]
    assert len(api.get(manager, "/v1/action-plans").ok()["items"]) == 1
    # the plan may be due in an earlier quarter: its goal is in that cycle, not the current
    goals = api.get(admin, f"/v1/goals?owner_id={report.user_id}&cycle_id=all").ok()["items"]
    assert len(goals) == 1


def test_the_team_sees_the_plan_and_posts_updates_outsiders_do_not(api: Api) -> None:
    _, manager, report, outsider = team(api)
    plan = api.post(
        manager, "/v1/action-plans", plan_body("Team plan", manager, okr={"mode": "none"})
    ).ok()
    plan_id = plan["action_plan"]["id"]
    assert api.get(report, f"/v1/action-plans/{plan_id}").ok()["title"] == "Team plan"
    posted = api.post(
        report, f"/v1/action-plans/{plan_id}/updates", {"body": "Started the kudos channel"}
    )
    assert posted.status == 201
    api.post(manager, f"/v1/action-plans/{plan_id}/updates", {"body": "Great, thanks!"}).ok()
    updates = api.get(manager, f"/v1/action-plans/{plan_id}/updates").ok()["items"]
    assert [u["body"] for u in updates] == ["Great, thanks!", "Started the kudos channel"]
    assert updates[1]["author_id"] == report.user_id
    assert [p["id"] for p in api.get(report, "/v1/action-plans").ok()["items"]] == [plan_id]
    assert api.get(outsider, f"/v1/action-plans/{plan_id}").status == 404
    assert api.post(outsider, f"/v1/action-plans/{plan_id}/updates", {"body": "hi"}).status == 404
    assert api.get(outsider, "/v1/action-plans").ok()["items"] == []
    assert api.patch(report, f"/v1/action-plans/{plan_id}", {"title": "x"}).status == 403


def test_the_list_pages_through_owned_team_and_assigned_plans(api: Api) -> None:
    admin, manager, report, _ = team(api)
    made = []
    for n in range(3):
        made.append(
            api.post(
                manager,
                "/v1/action-plans",
                plan_body(f"Team plan {n}", manager, okr={"mode": "none"}),
            ).ok()["action_plan"]["id"]
        )
        made.append(
            api.post(
                report, "/v1/action-plans", plan_body(f"Own plan {n}", report, okr={"mode": "none"})
            ).ok()["action_plan"]["id"]
        )
    made.append(
        api.post(
            admin,
            "/v1/action-plans",
            plan_body("Assigned by the admin", report, okr={"mode": "none"}),
        ).ok()["action_plan"]["id"]
    )
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        query = "/v1/action-plans?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(report, query).ok()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(made, reverse=True)  # newest first, each exactly once
    only_team = api.get(report, f"/v1/action-plans?owner_id={manager.user_id}").ok()["items"]
    assert len(only_team) == 3


def test_bad_action_plan_input_is_answered_with_problems(api: Api) -> None:
    _, manager, report, _ = team(api)
    plan = api.post(
        manager, "/v1/action-plans", plan_body("Plan", report, okr={"mode": "none"})
    ).ok()
    plan_id = plan["action_plan"]["id"]
    cases = {
        "bad mode": api.post(
            manager, "/v1/action-plans", plan_body("x", report, okr={"mode": "kpi"})
        ),
        "bad status": api.post(
            manager, "/v1/action-plans", plan_body("x", report, status="finished")
        ),
        "no due date": api.post(manager, "/v1/action-plans", {"title": "x"}),
        "extra": api.post(manager, "/v1/action-plans", plan_body("x", report, colour="red")),
        "empty update": api.post(manager, f"/v1/action-plans/{plan_id}/updates", {"body": ""}),
        "stale version": api.patch(
            manager, f"/v1/action-plans/{plan_id}", {"title": "y", "version": 9}
        ),
        "bad id": api.get(manager, "/v1/action-plans/nope"),
        "bool version": api.patch(manager, f"/v1/action-plans/{plan_id}", {"version": True}),
    }
    for case, reply in cases.items():
        assert 400 <= reply.status < 500, (case, reply.status, reply.text)
    assert cases["stale version"].status == 409
    assert cases["stale version"].json["current"]["version"] == 1


def test_a_key_result_under_a_colleagues_public_objective(api: Api) -> None:
    _, manager, report, outsider = team(api)
    theirs = api.post(
        outsider,
        "/v1/goals",
        {"kind": "objective", "title": "Company-wide recognition", "due_date": "2026-12-31"},
    ).ok()
    [hit] = api.get(manager, "/v1/goals/search?q=recognition&on=2026-06-01").ok()["public"]
    assert (hit["id"], hit["can_contribute"]) == (theirs["id"], True)
    answer = api.post(
        manager,
        "/v1/action-plans",
        plan_body("Kudos wall", report, okr={"mode": "key_result", "objective_id": hit["id"]}),
    )
    assert answer.status == 201, answer.text
    linked = answer.json["linked_goal"]
    assert (linked["kind"], linked["owner_id"]) == ("key_result", report.user_id)
    assert api.get(outsider, f"/v1/goals/{theirs['id']}").ok()["children_ids"] == [linked["id"]]
    # the objective's owner may not edit the contributed key result
    assert api.patch(outsider, f"/v1/goals/{linked['id']}", {"title": "x"}).status == 403


def test_the_owners_whole_manager_chain_sees_and_comments_on_the_plan(api: Api) -> None:
    admin = api.new_org("Chain")
    director = api.add_user(admin, "Dora Director", roles=["manager"])
    head = api.add_user(admin, "Hugo Head", roles=["manager"], manager_id=director.user_id)
    manager = api.add_user(admin, "Mina Manager", roles=["manager"], manager_id=head.user_id)
    report = api.add_user(admin, "Rafael Report", manager_id=manager.user_id)
    peer = api.add_user(admin, "Petra Peer", roles=["manager"], manager_id=head.user_id)
    plan = api.post(manager, "/v1/action-plans", plan_body("Fix recognition", report)).ok()
    plan_id = plan["action_plan"]["id"]

    for above in (head, director):
        assert api.get(above, f"/v1/action-plans/{plan_id}").ok()["title"] == "Fix recognition"
        api.post(above, f"/v1/action-plans/{plan_id}/updates", {"body": "Seen, thanks"}).ok()
        listed = api.get(above, f"/v1/action-plans?owner_id={manager.user_id}").ok()["items"]
        assert [p["id"] for p in listed] == [plan_id]
        # seeing is not changing: the owner, the assignee and admins edit
        assert api.patch(above, f"/v1/action-plans/{plan_id}", {"title": "x"}).status == 403
    assert len(api.get(report, f"/v1/action-plans/{plan_id}/updates").ok()["items"]) == 2
    # a peer of the owner is not up the chain
    assert api.get(peer, f"/v1/action-plans/{plan_id}").status == 404
    assert api.get(peer, f"/v1/action-plans?owner_id={manager.user_id}").ok()["items"] == []
    assert api.get(director, f"/v1/activity?entity_id={plan_id}").status == 200
