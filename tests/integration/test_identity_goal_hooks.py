"""Identity changes that goals must follow: owner renames and reorganisations."""

from __future__ import annotations

from datetime import date, timedelta

from tests.support.harness import Actor, InProcessApi


def _objective(api: InProcessApi, owner: Actor, title: str, visibility: str) -> str:
    due = (date.today() + timedelta(days=60)).isoformat()
    goal = api.post(
        owner,
        "/v1/goals",
        {"kind": "objective", "title": title, "visibility": visibility, "due_date": due},
    ).ok()
    return str(goal["id"])


def test_type_ahead_follows_an_owner_rename(api: InProcessApi) -> None:
    admin = api.new_org()
    pia = api.add_user(admin, "Pia Pending")
    goal_id = _objective(api, pia, "Grow the partner channel", "public")
    api.patch(admin, f"/v1/users/{pia.user_id}", {"name": "Pia Quartermaine"}).ok()
    found = api.get(admin, "/v1/goals/search?q=quarterm").ok()
    assert goal_id in [goal["id"] for goal in found["mine"] + found["public"]]
    stale = api.get(admin, "/v1/goals/search?q=pending").ok()
    assert goal_id not in [goal["id"] for goal in stale["mine"] + stale["public"]]


def test_private_goals_follow_a_reorganisation(api: InProcessApi) -> None:
    admin = api.new_org()
    old_boss = api.add_user(admin, "Olga Oldboss")
    new_boss = api.add_user(admin, "Nina Newboss")
    lead = api.add_user(admin, "Lee Lead", manager_id=old_boss.user_id)
    dev = api.add_user(admin, "Dev Deep", manager_id=lead.user_id)
    goal_id = _objective(api, dev, "Private stretch goal", "private")
    assert api.get(old_boss, f"/v1/goals/{goal_id}").status == 200
    assert api.get(new_boss, f"/v1/goals/{goal_id}").status == 404
    api.patch(admin, f"/v1/users/{lead.user_id}", {"manager_id": new_boss.user_id}).ok()
    api.run_background()  # the subtree's goals follow in the background job
    assert api.get(new_boss, f"/v1/goals/{goal_id}").status == 200
    assert api.get(old_boss, f"/v1/goals/{goal_id}").status == 404
