"""Aligning up and contributing (SPEC §1): the contributor's right, not the parent owner's.
Every scenario takes an `Api`, so the e2e suite runs the same ones over HTTP."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Actor, Api

PERIOD = {"start_date": "2026-01-01", "due_date": "2026-12-31"}


def goal(api: Api, actor: Actor, title: str, **fields: Any) -> Any:
    return api.post(actor, "/v1/goals", {"kind": "objective", "title": title, **PERIOD, **fields})


def company(api: Api) -> dict[str, Actor]:
    """A CEO, a manager reporting to her, an employee of the manager, and Paula, a
    colleague in another team who is nobody's manager here."""
    admin = api.new_org("Align")
    ceo = api.add_user(admin, "Cora Chief", roles=["manager"])
    manager = api.add_user(admin, "Milo Manager", roles=["manager"], manager_id=ceo.user_id)
    employee = api.add_user(admin, "Erin Employee", manager_id=manager.user_id)
    lead = api.add_user(admin, "Lars Lead", roles=["manager"], manager_id=ceo.user_id)
    colleague = api.add_user(admin, "Paula Peer", manager_id=lead.user_id)
    return {
        "admin": admin,
        "ceo": ceo,
        "manager": manager,
        "employee": employee,
        "lead": lead,
        "colleague": colleague,
    }


def test_employees_and_managers_align_up_and_add_key_results_anywhere_they_can_see(
    api: Api,
) -> None:
    people = company(api)
    ceo, manager, employee = people["ceo"], people["manager"], people["employee"]
    top = goal(api, ceo, "Become the market leader").ok()
    team = goal(api, manager, "Ship the platform").ok()

    # an employee aligns her objective under her manager's public objective
    mine = goal(api, employee, "Faster onboarding", parent_id=team["id"])
    assert mine.status == 201, mine.text
    # a manager aligns his under the CEO's
    assert api.patch(manager, f"/v1/goals/{team['id']}", {"parent_id": top["id"]}).ok()
    # a key result she owns goes under any objective she can view
    kr = goal(api, employee, "NPS 50", kind="key_result", parent_id=top["id"])
    assert kr.status == 201, kr.text

    children = set(api.get(ceo, f"/v1/goals/{top['id']}").ok()["children_ids"])
    assert children == {team["id"], kr.json["id"]}
    assert api.get(manager, f"/v1/goals/{team['id']}").ok()["children_ids"] == [mine.json["id"]]
    # a check-in rolls up through what the contributors aligned
    api.post(
        employee, f"/v1/goals/{mine.json['id']}/check-ins", {"value": 40, "status": "on_track"}
    ).ok()
    assert api.get(ceo, f"/v1/goals/{top['id']}").ok()["progress"] == 20  # (40 + 0) / 2


def test_the_parents_owner_may_detach_a_child_but_not_edit_it(api: Api) -> None:
    people = company(api)
    employee, colleague, lead = people["employee"], people["colleague"], people["lead"]
    hers = goal(api, colleague, "Delight customers").ok()
    other = goal(api, colleague, "Reduce churn").ok()
    aligned = goal(api, employee, "Answer tickets in a day", parent_id=hers["id"]).ok()
    kr = goal(api, employee, "CSAT 90", kind="key_result", parent_id=hers["id"]).ok()
    path = f"/v1/goals/{aligned['id']}"

    # the parent's owner edits nothing of the child, not even where it aligns
    assert api.patch(colleague, path, {"title": "Answer tickets in an hour"}).status == 403
    assert api.patch(colleague, path, {"parent_id": other["id"]}).status == 403
    assert api.patch(colleague, path, {"parent_id": None, "weight": 0.0}).status == 403
    assert api.post(colleague, f"{path}/check-ins", {"status": "at_risk"}).status == 403
    # a key result always has its objective: it cannot be detached, only moved by its owner
    assert api.patch(colleague, f"/v1/goals/{kr['id']}", {"parent_id": None}).status == 422

    detached = api.patch(colleague, path, {"parent_id": None})
    assert detached.status == 200, detached.text
    assert detached.json["parent_id"] is None
    assert detached.json["title"] == "Answer tickets in a day"
    assert api.get(colleague, f"/v1/goals/{hers['id']}").ok()["children_ids"] == [kr["id"]]

    # whoever may edit the child re-parents it later; the parent owner's manager may detach
    api.patch(employee, path, {"parent_id": other["id"]}).ok()
    assert api.get(employee, f"/v1/goals/{other['id']}").ok()["children_ids"] == [aligned["id"]]
    assert api.patch(lead, path, {"parent_id": None}).ok()["parent_id"] is None
    # a private child the parent's owner may not read is not theirs to detach either
    hidden = goal(api, employee, "Private side quest", parent_id=hers["id"], visibility="private")
    assert api.patch(colleague, f"/v1/goals/{hidden.json['id']}", {"parent_id": None}).status == 404
    # someone with no say over the child or its parent may do neither
    sub = goal(api, colleague, "Survey every month", parent_id=hers["id"]).ok()
    assert api.patch(employee, f"/v1/goals/{sub['id']}", {"parent_id": None}).status == 403


def test_what_cannot_be_aligned_under(api: Api) -> None:
    people = company(api)
    employee, colleague = people["employee"], people["colleague"]
    private = goal(api, colleague, "Private plan", visibility="private").ok()
    closed = goal(api, colleague, "Done and dusted").ok()
    api.patch(colleague, f"/v1/goals/{closed['id']}", {"closed": True}).ok()
    kr = goal(api, colleague, "A key result", kind="key_result", parent_id=closed["id"])
    assert kr.status == 409  # a closed objective takes no new children
    assert goal(api, employee, "Under a secret", parent_id=private["id"]).status == 422
    assert goal(api, employee, "Under a closed one", parent_id=closed["id"]).status == 409
    # aligning is for goals one may edit: not a colleague's
    theirs = goal(api, colleague, "Theirs").ok()
    mine = goal(api, employee, "Mine").ok()
    assert api.patch(employee, f"/v1/goals/{theirs['id']}", {"parent_id": mine["id"]}).status == 403


def test_search_hits_say_whether_the_caller_may_contribute(api: Api) -> None:
    people = company(api)
    employee, colleague = people["employee"], people["colleague"]
    open_objective = goal(api, colleague, "Quality first").ok()
    goal(api, colleague, "Quality KR", kind="key_result", parent_id=open_objective["id"]).ok()
    own_closed = goal(api, employee, "Quality sprint").ok()
    api.patch(employee, f"/v1/goals/{own_closed['id']}", {"closed": True}).ok()

    found = api.get(employee, "/v1/goals/search?q=quality&kind=any&on=2026-03-01").ok()
    contributes = {hit["title"]: hit["can_contribute"] for group in found.values() for hit in group}
    assert contributes == {"Quality first": True, "Quality KR": False, "Quality sprint": False}
    # and the picker's default (objectives) offers exactly what an action plan accepts
    picked = api.get(employee, "/v1/goals/search?q=quality&on=2026-03-01").ok()["public"]
    assert [(hit["title"], hit["can_contribute"]) for hit in picked] == [("Quality first", True)]
