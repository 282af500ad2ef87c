"""Who may see, change, delete and assign an action plan."""

from __future__ import annotations

from momentum.action_plans import rules
from momentum.frame.principal import Principal

PLAN = {"owner_id": "manager", "assignee_id": "assignee"}


def person(user_id: str, *, manager_id: str | None = None, admin: bool = False) -> Principal:
    return Principal(
        org_id="org",
        user_id=user_id,
        name=user_id,
        email="",
        status="active",
        time_zone="UTC",
        roles=frozenset({"admin"} if admin else {"employee"}),
        manager_id=manager_id,
    )


def test_the_owners_team_sees_the_plan_but_only_owner_assignee_and_admins_change_it() -> None:
    member = person("member", manager_id="manager")
    outsider = person("outsider", manager_id="someone-else")
    assert rules.can_view(member, PLAN)
    assert not rules.can_edit(member, PLAN)
    assert not rules.can_view(outsider, PLAN)
    assert rules.can_edit(person("assignee"), PLAN)
    assert not rules.can_delete(person("assignee"), PLAN)
    assert rules.can_delete(person("manager"), PLAN)
    assert rules.can_delete(person("boss", admin=True), PLAN)


def test_plans_are_assigned_within_the_callers_reach() -> None:
    manager = person("manager")
    assert rules.may_assign(manager, "manager", [])
    assert rules.may_assign(manager, "report", ["manager", "ceo"])
    assert rules.may_assign(manager, "skip-level", ["lead", "manager"])
    assert not rules.may_assign(manager, "peer", ["ceo"])
    assert rules.may_assign(person("root", admin=True), "peer", ["ceo"])


def test_the_owners_manager_chain_sees_the_plan_but_does_not_change_it() -> None:
    skip_level = person("director")
    assert not rules.can_view(skip_level, PLAN)
    assert rules.can_view(skip_level, PLAN, ["head", "director"])
    assert not rules.can_edit(skip_level, PLAN)
    assert not rules.can_view(person("peer"), PLAN, ["head", "director"])
