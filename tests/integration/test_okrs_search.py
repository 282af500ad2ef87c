"""Goal type-ahead (GET /v1/goals/search) under moto."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Actor, Api


def goal(
    api: Api,
    actor: Actor,
    title: str,
    start: str = "2026-01-01",
    due: str = "2026-12-31",
    **fields: Any,
) -> dict[str, Any]:
    body = {"kind": "objective", "title": title, "start_date": start, "due_date": due, **fields}
    return api.post(actor, "/v1/goals", body).ok()


def search(
    api: Api, actor: Actor, q: str, on: str = "2026-03-01", **params: str
) -> dict[str, list[str]]:
    query = "&".join(f"{k}={v}" for k, v in {"q": q, "on": on, **params}.items())
    found = api.get(actor, f"/v1/goals/search?{query}").ok()
    return {group: sorted(hit["title"] for hit in hits) for group, hits in found.items()}


def test_type_ahead_matches_title_or_owner_word_prefixes(api: Api) -> None:
    admin = api.new_org()
    zoe = api.add_user(admin, "Zoë Ångström")
    me = api.add_user(admin, "Max Mustermann")
    goal(api, zoe, "Quarterly revenue growth")
    goal(api, zoe, "Hiring plan", visibility="private")
    goal(api, me, "Revenue retention")
    closed = goal(api, zoe, "Revenue clean-up")
    api.patch(zoe, f"/v1/goals/{closed['id']}", {"closed": True}).ok()
    parent = goal(api, zoe, "Platform")
    goal(api, zoe, "Revenue KR", kind="key_result", parent_id=parent["id"])

    assert search(api, me, "angs") == {
        "mine": [],
        "public": ["Platform", "Quarterly revenue growth"],
    }
    assert search(api, me, "REV") == {
        "mine": ["Revenue retention"],
        "public": ["Quarterly revenue growth"],
    }
    assert search(api, me, "zoe gro") == {"mine": [], "public": ["Quarterly revenue growth"]}
    assert search(api, me, "rev", kind="key_result")["public"] == ["Revenue KR"]
    assert search(api, zoe, "hir")["mine"] == ["Hiring plan"]  # own private goal: mine
    assert search(api, me, "hir") == {"mine": [], "public": []}  # another's private goal
    assert search(api, me, "venue") == {"mine": [], "public": []}  # prefixes only
    found = api.get(me, "/v1/goals/search?q=quarterly&on=2026-03-01").ok()["public"][0]
    assert found["owner_name"] == "Zoë Ångström"
    assert found["links"]["web"].endswith(f"/goals/{found['id']}")


def test_the_public_group_is_bounded_by_one_year_from_the_plan_date(api: Api) -> None:
    admin = api.new_org()
    me = api.add_user(admin, "Max Mustermann")
    goal(api, admin, "Window starts on the last day", start="2027-03-01", due="2027-06-30")
    goal(api, admin, "Window starts a day too late", start="2027-03-02", due="2027-06-30")
    goal(api, admin, "Window ends on the plan date", start="2025-01-01", due="2026-03-01")
    goal(api, admin, "Window ended the day before", start="2025-01-01", due="2026-02-28")
    assert search(api, me, "window", on="2026-03-01")["public"] == [
        "Window ends on the plan date",
        "Window starts on the last day",
    ]
    assert search(api, me, "window", on="2026-03-02")["public"] == [
        "Window starts a day too late",
        "Window starts on the last day",
    ]


def test_renaming_a_goal_or_its_owner_keeps_the_index_right(api: Api) -> None:
    admin = api.new_org()
    owner = api.add_user(admin, "Olga Oldname")
    me = api.add_user(admin, "Max Mustermann")
    renamed = goal(api, owner, "Launch alpha")
    api.patch(owner, f"/v1/goals/{renamed['id']}", {"title": "Launch beta"}).ok()
    assert search(api, me, "alpha")["public"] == []
    assert search(api, me, "beta")["public"] == ["Launch beta"]

    from momentum.okrs import service

    assert service.owner_renamed(admin.org_id, owner.user_id, "Olga Newname") == 1
    assert search(api, me, "oldn")["public"] == []
    assert search(api, me, "newn")["public"] == ["Launch beta"]
    assert api.get(me, f"/v1/goals/{renamed['id']}").ok()["owner_name"] == "Olga Newname"

    assert api.delete(owner, f"/v1/goals/{renamed['id']}").status == 204
    assert search(api, me, "beta")["public"] == []


def test_empty_and_odd_queries_answer_empty_groups(api: Api) -> None:
    admin = api.new_org()
    goal(api, admin, "Anything")
    assert search(api, admin, "") == {"mine": [], "public": []}
    assert search(api, admin, "%21%21%21") == {"mine": [], "public": []}
    assert api.get(admin, "/v1/goals/search?q=any").ok()["mine"][0]["title"] == "Anything"


def seed_goals(org_id: str, template: dict[str, Any], count: int, **fields: Any) -> None:
    """`count` copies of a stored goal (with their type-ahead tokens), written in bulk: the
    same items the API writes, without paying a transaction each."""
    from momentum.core.ids import new_id
    from momentum.okrs import repository
    from momentum.store import table

    items: list[dict[str, Any]] = []
    for n in range(count):
        body = {**template, "id": new_id(), "title": f"Revenue {n:04d}", **fields}
        goal = repository.goal_item(org_id, body, None)
        items += [goal, *repository.token_items(org_id, goal)]
    table.batch_put(items)


def test_the_callers_own_match_is_found_among_1500_goals(api: Api) -> None:
    from bench.counting import DynamoCounter

    from momentum.okrs import repository

    admin = api.new_org()
    zed = api.add_user(admin, "Zimmer")
    me = api.add_user(admin, "Max Mustermann")
    template = goal(api, zed, "Revenue template")
    stored = repository.goal(admin.org_id, template["id"])
    assert stored is not None
    seed_goals(admin.org_id, stored, 700, visibility="private")
    seed_goals(admin.org_id, stored, 800)
    mine = goal(api, me, "Revenue retention")  # written last: sorted after every other

    with DynamoCounter() as counter:
        found = api.get(me, "/v1/goals/search?q=rev&on=2026-03-01").ok()
    assert [hit["id"] for hit in found["mine"]] == [mine["id"]]
    # others' private goals neither show nor crowd the public group out of its 20
    public = [hit["title"] for hit in found["public"]]
    assert public == [f"Revenue {n:04d}" for n in range(20)]
    assert all(hit["can_contribute"] for hit in found["public"])
    assert counter.operations.count("Query") == 2  # one per group, whatever the org's size

    assert search(api, me, "retention rev")["mine"] == ["Revenue retention"]
    assert search(api, zed, "rev zimm", kind="any")["public"] == []  # his own are "mine"
    assert len(search(api, zed, "zimm rev")["mine"]) == 20
