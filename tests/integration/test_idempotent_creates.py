"""Every create honours `Idempotency-Key` (SPEC §0): the test walks the POST operations of
the shipped OpenAPI document, and for each create proves that the same key and body twice
answer the same id and create one thing, and that the same key with another body is 422.

A POST the document gains later must be classified here: a create gets a case below, an
action on something that exists goes in NOT_CREATES with the reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from momentum.api_document import DOCUMENT_FILE
from tests.support.calendar_providers import FakeProviders, connect, fake_providers, instant
from tests.support.harness import Actor, InProcessApi

NOT_CREATES = {
    "/v1/one-on-ones/{series_id}/archive": "archives an existing series",
    "/v1/one-on-ones/{series_id}/unarchive": "unarchives an existing series",
    "/v1/cycles/{cycle_id}/close": "closes an existing cycle; closing it again finishes it",
    "/v1/one-on-ones/{series_id}/end": "ends an existing series; ending it again is the same end",
    "/v1/meetings/{meeting_id}/archive": "archives an existing meeting",
    "/v1/meetings/{meeting_id}/unarchive": "unarchives an existing meeting",
    "/v1/engagements/{engagement_id}/activate": "a lifecycle step, repeatable as such",
    "/v1/engagements/{engagement_id}/complete": "a lifecycle step, repeatable as such",
    "/v1/engagements/{engagement_id}/deactivate": "a lifecycle step, repeatable as such",
    "/v1/engagements/{engagement_id}/select-coach": "chooses the coach of an engagement",
    "/v1/calendar/connections": "starts an OAuth flow; the callback makes the connection",
    "/webhooks/google": "a provider's change signal, deduplicated by the sync itself",
    "/webhooks/microsoft": "a provider's change signal, deduplicated by the sync itself",
}


def post_paths() -> list[str]:
    document = json.loads(Path(DOCUMENT_FILE).read_text(encoding="utf-8"))
    return sorted(path for path, operations in document["paths"].items() if "post" in operations)


@dataclass
class Case:
    actor: Actor
    path: str
    body: dict[str, Any]
    changed: dict[str, Any]
    count: Callable[[], int]
    id_of: Callable[[dict[str, Any]], str] = lambda answer: str(answer["id"])


@dataclass
class World:
    api: InProcessApi
    admin: Actor
    manager: Actor
    report: Actor
    request: pytest.FixtureRequest

    def items(self, actor: Actor, path: str) -> list[Any]:
        return list(self.api.get(actor, path).ok()["items"])

    def made(self, actor: Actor, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.api.post(actor, path, body).ok()
        return answer


def _users(w: World) -> Case:
    return Case(
        w.admin,
        "/v1/users",
        {"email": "new.person@acme.example.test", "name": "New Person"},
        {"email": "new.other@acme.example.test", "name": "New Other"},
        lambda: len(w.items(w.admin, "/v1/users?q=New")),
    )


def _scim_tokens(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/org/scim-tokens"))  # noqa: E731
    return Case(
        w.admin, "/v1/org/scim-tokens", {"description": "Okta"}, {"description": "Entra"}, count
    )


def _subscriptions(w: World) -> Case:
    def body(description: str) -> dict[str, Any]:
        url = "https://hooks.example.com/momentum"
        return {"url": url, "event_types": ["goal.checked_in"], "description": description}

    count = lambda: len(w.items(w.admin, "/v1/webhook-subscriptions"))  # noqa: E731
    return Case(w.admin, "/v1/webhook-subscriptions", body("Warehouse"), body("CRM"), count)


def _company(w: World) -> str:
    return str(w.made(w.admin, "/v1/companies", {"name": "Acme Europe"})["id"])


def _companies(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/companies"))  # noqa: E731
    return Case(w.admin, "/v1/companies", {"name": "Acme Asia"}, {"name": "Acme Africa"}, count)


def _locations(w: World) -> Case:
    path = f"/v1/companies/{_company(w)}/locations"
    count = lambda: len(w.items(w.admin, path))  # noqa: E731
    return Case(w.admin, path, {"name": "Paris"}, {"name": "Lyon"}, count)


def _goal_body(title: str) -> dict[str, Any]:
    return {
        "kind": "objective",
        "title": title,
        "start_date": "2026-10-01",
        "due_date": "2027-03-31",
    }


def _goals(w: World) -> Case:
    count = lambda: len(w.items(w.admin, f"/v1/goals?owner_id={w.admin.user_id}"))  # noqa: E731
    return Case(w.admin, "/v1/goals", _goal_body("Grow"), _goal_body("Shrink"), count)


def _check_ins(w: World) -> Case:
    path = f"/v1/goals/{w.made(w.admin, '/v1/goals', _goal_body('Grow'))['id']}/check-ins"
    count = lambda: len(w.items(w.admin, path))  # noqa: E731
    return Case(w.admin, path, {"status": "on_track"}, {"status": "behind"}, count)


def _cycles(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/cycles"))  # noqa: E731
    hack = {"name": "Hack week", "start_date": "2026-11-02", "end_date": "2026-11-06"}
    offsite = {"name": "Offsite", "start_date": "2026-11-09", "end_date": "2026-11-13"}
    return Case(w.admin, "/v1/cycles", hack, offsite, count)


def _plan_body(w: World, title: str) -> dict[str, Any]:
    return {"title": title, "due_date": "2027-03-31", "assignee_id": w.report.user_id}


def _action_plans(w: World) -> Case:
    return Case(
        w.manager,
        "/v1/action-plans",
        _plan_body(w, "Kudos"),
        _plan_body(w, "Praise"),
        lambda: len(w.items(w.manager, "/v1/action-plans")),
        lambda answer: str(answer["action_plan"]["id"]),
    )


def _plan_updates(w: World) -> Case:
    plan = w.made(w.manager, "/v1/action-plans", _plan_body(w, "Kudos"))["action_plan"]
    path = f"/v1/action-plans/{plan['id']}/updates"
    count = lambda: len(w.items(w.manager, path))  # noqa: E731
    return Case(w.report, path, {"body": "Started"}, {"body": "Done"}, count)


def _meeting_body(w: World, title: str) -> dict[str, Any]:
    return {
        "with_user_id": w.report.user_id,
        "title": title,
        "start": "2027-01-05T10:00:00Z",
        "end": "2027-01-05T10:30:00Z",
    }


def _one_on_ones(w: World) -> Case:
    return Case(
        w.manager,
        "/v1/one-on-ones",
        _meeting_body(w, "Catch-up"),
        _meeting_body(w, "Check-in"),
        lambda: len(w.items(w.manager, "/v1/one-on-ones?tab=upcoming")),
        lambda answer: str(answer["meeting"]["id"]),
    )


def _agenda(kind: str) -> Callable[[World], Case]:
    def case(w: World) -> Case:
        meeting_id = w.made(w.manager, "/v1/one-on-ones", _meeting_body(w, "Catch-up"))["meeting"][
            "id"
        ]
        path = f"/v1/meetings/{meeting_id}/{kind}"
        field = kind.replace("-", "_")
        count = lambda: len(w.api.get(w.report, f"/v1/meetings/{meeting_id}").ok()[field])  # noqa: E731
        return Case(w.report, path, {"text": "Roadmap"}, {"text": "Budget"}, count)

    return case


def _imports(w: World) -> Case:
    fakes: FakeProviders = w.request.getfixturevalue("fakes")
    connect(w.api, fakes, w.manager, "google")

    def event(title: str, day: int) -> str:
        body = {
            "provider": "google",
            "account": w.manager.email,
            "time_zone": "UTC",
            "title": title,
            "start": instant(day, 10),
            "end": instant(day, 11),
            "attendees": [w.report.email],
        }
        return str(fakes.control("/events", body)["id"])

    first, second = event("Coffee", 3), event("Lunch", 4)
    return Case(
        w.manager,
        "/v1/one-on-ones/import",
        {"provider": "google", "event_id": first},
        {"provider": "google", "event_id": second},
        lambda: len(w.items(w.manager, "/v1/one-on-ones?tab=upcoming")),
        lambda answer: str(answer["meeting"]["id"]),
    )


def _template_body(name: str, kind: str = "one_on_one") -> dict[str, Any]:
    return {"name": name, "type": kind}


def _engagement_templates(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/engagement-templates"))  # noqa: E731
    path = "/v1/engagement-templates"
    return Case(w.admin, path, _template_body("Sprint"), _template_body("Marathon"), count)


def _coachees(w: World) -> tuple[Actor, Actor, Actor]:
    company = _company(w)
    location = w.made(w.admin, f"/v1/companies/{company}/locations", {"name": "Paris"})["id"]
    placed = {"company_id": company, "location_id": location}
    coach = w.api.add_user(w.admin, "Cora Coach", roles=["coach"], **placed)
    first = w.api.add_user(w.admin, "Cai Coachee", roles=["coachee"], **placed)
    second = w.api.add_user(w.admin, "Cam Coachee", roles=["coachee"], **placed)
    return coach, first, second


def _engagements(w: World) -> Case:
    coach, first, second = _coachees(w)
    template = w.made(w.admin, "/v1/engagement-templates", _template_body("Sprint"))["id"]
    body = {"template_id": template, "coachee_id": first.user_id, "coach_id": coach.user_id}
    return Case(
        w.admin,
        "/v1/engagements",
        body,
        {**body, "coachee_id": second.user_id},
        lambda: len(w.items(w.admin, "/v1/engagements")),
    )


def _engagement_part(kind: str, template_kind: str) -> Callable[[World], Case]:
    def case(w: World) -> Case:
        coach, coachee, _ = _coachees(w)
        template = w.made(w.admin, "/v1/engagement-templates", _template_body("T", template_kind))
        launch: dict[str, Any] = {"template_id": template["id"], "coachee_id": coachee.user_id}
        if template_kind == "one_on_one":
            launch["coach_id"] = coach.user_id
        engagement = w.made(w.admin, "/v1/engagements", launch)["id"]
        w.made(w.admin, f"/v1/engagements/{engagement}/activate", {})
        path = f"/v1/engagements/{engagement}/{kind}"
        field = kind.replace("-", "_")
        count = lambda: len(w.api.get(w.admin, f"/v1/engagements/{engagement}").ok()[field])  # noqa: E731
        body: dict[str, Any] = {"date": "2027-01-10"}
        if kind == "discovery-calls":
            body["coach_id"] = coach.user_id
        return Case(coachee, path, body, {**body, "date": "2027-01-11"}, count)

    return case


def _account(w: World) -> str:
    return str(w.made(w.admin, "/v1/accounts", {"name": "Globex"})["id"])


def _tree(w: World, account_id: str) -> dict[str, Any]:
    tree: dict[str, Any] = w.api.get(w.admin, f"/v1/accounts/{account_id}/action-plan").ok()
    return tree


def _accounts(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/accounts"))  # noqa: E731
    return Case(w.admin, "/v1/accounts", {"name": "Globex"}, {"name": "Initech"}, count)


def _account_plans(w: World) -> Case:
    account = _account(w)
    count = lambda: len(_tree(w, account)["plans"])  # noqa: E731
    path = f"/v1/accounts/{account}/plans"
    return Case(w.admin, path, {"title": "Risks"}, {"title": "Renewals"}, count)


def _account_objectives(w: World) -> Case:
    account = _account(w)
    plan = _tree(w, account)["plans"][0]["id"]
    count = lambda: len(_tree(w, account)["plans"][0]["objectives"])  # noqa: E731
    path = f"/v1/accounts/{account}/plans/{plan}/objectives"
    return Case(w.admin, path, {"title": "Expand"}, {"title": "Retain"}, count)


def _account_actions(w: World) -> Case:
    account = _account(w)
    plan = _tree(w, account)["plans"][0]["id"]
    objective = w.made(w.admin, f"/v1/accounts/{account}/plans/{plan}/objectives", {"title": "O"})
    count = lambda: len(_tree(w, account)["plans"][0]["objectives"][0]["actions"])  # noqa: E731
    path = f"/v1/accounts/{account}/objectives/{objective['id']}/actions"
    return Case(w.admin, path, {"title": "Call"}, {"title": "Write"}, count)


def _plan_template_body(name: str) -> dict[str, Any]:
    objective = {"title": "Land", "actions": [{"title": "Kick-off", "due_offset_days": 3}]}
    return {"name": name, "plans": [{"title": "Growth Plans", "objectives": [objective]}]}


def _plan_templates(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/plan-templates"))  # noqa: E731
    path = "/v1/plan-templates"
    return Case(w.admin, path, _plan_template_body("New"), _plan_template_body("Old"), count)


def _launches(w: World) -> Case:
    account = _account(w)
    template = w.made(w.admin, "/v1/plan-templates", _plan_template_body("New"))
    objective = template["plans"][0]["objectives"][0]
    body = {
        "template_id": template["id"],
        "objective_ids": [objective["id"]],
        "action_ids": [objective["actions"][0]["id"]],
    }
    return Case(
        w.admin,
        f"/v1/accounts/{account}/launch-template",
        body,
        {**body, "action_ids": []},
        lambda: sum(len(plan["objectives"]) for plan in _tree(w, account)["plans"]),
        lambda answer: str(answer["plans"][0]["objectives"][0]["id"]),
    )


CREATES: dict[str, Callable[[World], Case]] = {
    "/v1/users": _users,
    "/v1/companies": _companies,
    "/v1/org/scim-tokens": _scim_tokens,
    "/v1/webhook-subscriptions": _subscriptions,
    "/v1/companies/{company_id}/locations": _locations,
    "/v1/goals": _goals,
    "/v1/goals/{goal_id}/check-ins": _check_ins,
    "/v1/cycles": _cycles,
    "/v1/action-plans": _action_plans,
    "/v1/action-plans/{plan_id}/updates": _plan_updates,
    "/v1/one-on-ones": _one_on_ones,
    "/v1/meetings/{meeting_id}/agenda-topics": _agenda("agenda-topics"),
    "/v1/meetings/{meeting_id}/action-items": _agenda("action-items"),
    "/v1/one-on-ones/import": _imports,
    "/v1/engagement-templates": _engagement_templates,
    "/v1/engagements": _engagements,
    "/v1/engagements/{engagement_id}/sessions": _engagement_part("sessions", "one_on_one"),
    "/v1/engagements/{engagement_id}/discovery-calls": _engagement_part(
        "discovery-calls", "coach_matching"
    ),
    "/v1/accounts": _accounts,
    "/v1/accounts/{account_id}/plans": _account_plans,
    "/v1/accounts/{account_id}/plans/{plan_id}/objectives": _account_objectives,
    "/v1/accounts/{account_id}/objectives/{objective_id}/actions": _account_actions,
    "/v1/plan-templates": _plan_templates,
    "/v1/accounts/{account_id}/launch-template": _launches,
}


@pytest.fixture
def fakes(api: InProcessApi, tmp_path: Path) -> Any:
    yield from fake_providers(api, tmp_path)


def test_every_post_in_the_document_is_a_known_create_or_a_named_action() -> None:
    unclassified = [p for p in post_paths() if p not in CREATES and p not in NOT_CREATES]
    assert unclassified == [], "add an idempotency case (or a reason) for these POSTs"
    assert set(CREATES) | set(NOT_CREATES) == set(post_paths())  # no stale entries either


@pytest.mark.parametrize("path", [p for p in post_paths() if p not in NOT_CREATES])
def test_the_same_key_and_body_create_one_thing(
    api: InProcessApi, request: pytest.FixtureRequest, path: str
) -> None:
    admin = api.new_org("Acme")
    manager = api.add_user(admin, "Mia Manager", roles=["manager"])
    report = api.add_user(admin, "Rory Report", manager_id=manager.user_id)
    case = CREATES[path](World(api, admin, manager, report, request))
    key = {"Idempotency-Key": f"create-once-{path}"}
    before = case.count()

    first = api.post(case.actor, case.path, case.body, headers=key)
    assert first.status == 201, first.text
    again = api.post(case.actor, case.path, case.body, headers=key)
    assert again.status == 201, again.text
    assert case.id_of(again.json) == case.id_of(first.json)
    assert again.json == first.json
    assert case.count() == before + 1

    reused = api.post(case.actor, case.path, case.changed, headers=key)
    assert reused.status == 422, reused.text
    assert case.count() == before + 1
    # the key is the caller's own: another key (or none) creates again
    assert api.post(case.actor, case.path, case.changed).status == 201
    assert case.count() == before + 2
