"""Customers are outsiders, and the activity log tells each reader only what they may see
(issues 13.5, 13.6), over HTTP against the local stack."""

from __future__ import annotations

from typing import Any

import pytest

from momentum.core.clock import parse_instant
from tests.e2e.security import assert_problem
from tests.support.coaching import at, launch_active, set_up_program
from tests.support.harness import Actor
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e

PERIOD = {"start_date": "2026-01-01", "due_date": "2026-12-31"}


def _goal(stack: HttpApi, actor: Actor, title: str, **fields: Any) -> dict[str, Any]:
    body = {"kind": "objective", "title": title, **PERIOD, **fields}
    return dict(stack.post(actor, "/v1/goals", body).ok())


def _count(stack: HttpApi, admin: Actor, path: str) -> int:
    return len(stack.get(admin, path).ok()["items"])


def test_a_customer_reaches_only_their_user_and_their_accounts_shown_plans(
    stack: HttpApi,
) -> None:
    admin = stack.new_org("Outsiders")
    manager = stack.add_user(admin, "Mona Manager", roles=["manager"])
    report = stack.add_user(admin, "Rex Report", manager_id=manager.user_id)
    account = stack.post(admin, "/v1/accounts", {"name": "Globex"}).ok()["id"]
    growth, _ = stack.get(admin, f"/v1/accounts/{account}/action-plan").ok()["plans"]
    stack.patch(admin, f"/v1/accounts/{account}/plans/{growth['id']}", {"show_customer": True})
    cathy = stack.add_user(admin, "Cathy Customer", roles=["customer"], account_ids=[account])
    public = _goal(stack, admin, "Grow revenue")
    stack.post(
        admin,
        f"/v1/goals/{public['id']}/check-ins",
        {"note": "Q3 is in", "value": 10, "status": "on_track"},
    ).ok()
    counts = {
        path: _count(stack, admin, path)
        for path in ("/v1/goals", "/v1/action-plans", "/v1/users?limit=100")
    }

    # what a customer still reads: their own user and their account's shown plans
    assert stack.get(cathy, "/v1/me").ok()["id"] == cathy.user_id
    assert stack.get(cathy, f"/v1/users/{cathy.user_id}").ok()["roles"] == ["customer"]
    settings = stack.patch(
        cathy, "/v1/me/settings", {"notifications": {"checkin_reminder_email": False}}
    ).ok()
    assert settings["settings"]["notifications"]["checkin_reminder_email"] is False
    tree = stack.get(cathy, f"/v1/accounts/{account}/action-plan").ok()
    assert [plan["title"] for plan in tree["plans"]] == ["Growth Plans"]

    # reads of anything else are as if there were nothing: 404
    for path in (
        "/v1/users",
        "/v1/users?q=rex",
        f"/v1/users/{report.user_id}",
        "/v1/goals",
        f"/v1/goals/{public['id']}",
        f"/v1/goals/{public['id']}/check-ins",
        "/v1/goals/search?q=grow",
        f"/v1/activity?entity_id={public['id']}",
        f"/v1/activity?entity_id={cathy.user_id}",
        "/v1/action-plans",
        "/v1/one-on-ones",
        "/v1/org/settings",
        "/v1/companies",
    ):
        reply = stack.get(cathy, path)
        assert_problem(reply, 404)
        assert "Rex" not in reply.text and "Grow revenue" not in reply.text, path
    # and creating anything outside their accounts is forbidden: 403
    creates = {
        "/v1/goals": {"kind": "objective", "title": "Customer goal", **PERIOD},
        f"/v1/goals/{public['id']}/check-ins": {"note": "hi", "value": 99, "status": "behind"},
        "/v1/one-on-ones": {
            "with_user_id": manager.user_id,
            "title": "Customer sync",
            "start": "2026-11-03T09:00:00Z",
            "end": "2026-11-03T09:30:00Z",
        },
        "/v1/action-plans": {
            "title": "Customer plan",
            "description": "From the customer",
            "due_date": "2026-12-31",
            "assignee_id": cathy.user_id,
            "okr": {"mode": "none"},
        },
    }
    for path, body in creates.items():
        assert_problem(stack.post(cathy, path, body), 403)
    assert_problem(stack.patch(cathy, f"/v1/goals/{public['id']}", {"title": "Mine"}), 403)
    assert {path: _count(stack, admin, path) for path in counts} == counts
    assert stack.get(admin, f"/v1/goals/{public['id']}").ok()["title"] == "Grow revenue"
    assert stack.get(admin, f"/v1/goals/{public['id']}").ok()["progress"] == 10


def test_a_public_parents_activity_does_not_name_a_private_child(stack: HttpApi) -> None:
    admin = stack.new_org("Private children")
    lead = stack.add_user(admin, "Lia Lead", roles=["manager"])
    peer = stack.add_user(admin, "Pat Peer")
    parent = _goal(stack, lead, "Ship the platform")
    secret = _goal(
        stack,
        lead,
        "Acquire Initech quietly",
        kind="key_result",
        parent_id=parent["id"],
        visibility="private",
    )
    stack.post(
        lead,
        f"/v1/goals/{secret['id']}/check-ins",
        {"note": "talks started", "value": 40, "status": "on_track"},
    ).ok()
    assert stack.get(peer, f"/v1/goals/{parent['id']}").status == 200
    assert stack.get(peer, f"/v1/goals/{secret['id']}").status == 404

    seen_by_peer = stack.get(peer, f"/v1/activity?entity_id={parent['id']}").ok()["items"]
    rolled = [e for e in seen_by_peer if e["action"] == "rolled_up"]
    assert rolled and "Initech" not in str(seen_by_peer)
    assert rolled[0]["summary"] == "rolled up from a goal you cannot see"
    assert rolled[0]["changes"]["progress"]["after"] == 40  # the parent's own numbers stay
    seen_by_lead = stack.get(lead, f"/v1/activity?entity_id={parent['id']}").ok()["items"]
    assert "rolled up from key result Acquire Initech quietly" in {
        e.get("summary") for e in seen_by_lead
    }


def test_coaching_progress_entries_reach_only_those_who_see_progress(stack: HttpApi) -> None:
    program = set_up_program(stack, coachees=1)
    admin, coachee = program.admin, program.coachees[0]
    tag = program.template_id[-6:].lower()
    lyon_admin = stack.add_user(
        admin, f"Lyon Admin {tag}", roles=["location_admin"], admin_location_ids=[program.lyon]
    )
    paris_admin = stack.add_user(
        admin, f"Paris Admin {tag}", roles=["location_admin"], admin_location_ids=[program.paris]
    )
    other_coach = stack.add_user(admin, f"Other Coach {tag}", roles=["coach"])
    engagement = launch_active(stack, program, coachee)
    stack.run_sweep("engagement-progress", at(parse_instant(engagement["activated_at"]), 21))
    path = f"/v1/activity?entity_id={engagement['id']}"

    def progress_told(actor: Actor) -> bool:
        entries = stack.get(actor, path).ok()["items"]
        assert entries, "the engagement's own entries stay visible"
        return any(
            e["action"] == "engagement_off_track" or "progress" in e["changes"] for e in entries
        )

    for seer in (admin, paris_admin, program.coach):
        assert progress_told(seer)
    for blind in (coachee, lyon_admin, other_coach):
        assert not progress_told(blind)
        assert "off_track" not in stack.get(blind, path).text
