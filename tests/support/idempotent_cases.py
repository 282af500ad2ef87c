"""One idempotency case per create (tests/integration/test_idempotent_creates.py lists them
by path): who posts what where, another body for the same key, and how to count what
exists, in an org with an admin, a manager and the manager's report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.calendar_providers import FakeProviders, connect, instant
from tests.support.harness import Actor, InProcessApi


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


def users(w: World) -> Case:
    return Case(
        w.admin,
        "/v1/users",
        {"email": "new.person@acme.example.test", "name": "New Person"},
        {"email": "new.other@acme.example.test", "name": "New Other"},
        lambda: len(w.items(w.admin, "/v1/users?q=New")),
    )


def scim_tokens(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/org/scim-tokens"))  # noqa: E731
    return Case(
        w.admin, "/v1/org/scim-tokens", {"description": "Okta"}, {"description": "Entra"}, count
    )


def subscriptions(w: World) -> Case:
    def body(description: str) -> dict[str, Any]:
        url = "https://hooks.example.com/momentum"
        return {"url": url, "event_types": ["goal.checked_in"], "description": description}

    count = lambda: len(w.items(w.admin, "/v1/webhook-subscriptions"))  # noqa: E731
    return Case(w.admin, "/v1/webhook-subscriptions", body("Warehouse"), body("CRM"), count)


def _company(w: World) -> str:
    return str(w.made(w.admin, "/v1/companies", {"name": "Acme Europe"})["id"])


def companies(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/companies"))  # noqa: E731
    return Case(w.admin, "/v1/companies", {"name": "Acme Asia"}, {"name": "Acme Africa"}, count)


def locations(w: World) -> Case:
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


def goals(w: World) -> Case:
    count = lambda: len(w.items(w.admin, f"/v1/goals?owner_id={w.admin.user_id}"))  # noqa: E731
    return Case(w.admin, "/v1/goals", _goal_body("Grow"), _goal_body("Shrink"), count)


def check_ins(w: World) -> Case:
    path = f"/v1/goals/{w.made(w.admin, '/v1/goals', _goal_body('Grow'))['id']}/check-ins"
    count = lambda: len(w.items(w.admin, path))  # noqa: E731
    return Case(w.admin, path, {"status": "on_track"}, {"status": "behind"}, count)


def cycles(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/cycles"))  # noqa: E731
    hack = {"name": "Hack week", "start_date": "2026-11-02", "end_date": "2026-11-06"}
    offsite = {"name": "Offsite", "start_date": "2026-11-09", "end_date": "2026-11-13"}
    return Case(w.admin, "/v1/cycles", hack, offsite, count)


def _plan_body(w: World, title: str) -> dict[str, Any]:
    return {"title": title, "due_date": "2027-03-31", "assignee_id": w.report.user_id}


def action_plans(w: World) -> Case:
    return Case(
        w.manager,
        "/v1/action-plans",
        _plan_body(w, "Kudos"),
        _plan_body(w, "Praise"),
        lambda: len(w.items(w.manager, "/v1/action-plans")),
        lambda answer: str(answer["action_plan"]["id"]),
    )


def plan_updates(w: World) -> Case:
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


def one_on_ones(w: World) -> Case:
    return Case(
        w.manager,
        "/v1/one-on-ones",
        _meeting_body(w, "Catch-up"),
        _meeting_body(w, "Check-in"),
        lambda: len(w.items(w.manager, "/v1/one-on-ones?tab=upcoming")),
        lambda answer: str(answer["meeting"]["id"]),
    )


def agenda(kind: str) -> Callable[[World], Case]:
    def case(w: World) -> Case:
        meeting_id = w.made(w.manager, "/v1/one-on-ones", _meeting_body(w, "Catch-up"))["meeting"][
            "id"
        ]
        path = f"/v1/meetings/{meeting_id}/{kind}"
        field = kind.replace("-", "_")
        count = lambda: len(w.api.get(w.report, f"/v1/meetings/{meeting_id}").ok()[field])  # noqa: E731
        return Case(w.report, path, {"text": "Roadmap"}, {"text": "Budget"}, count)

    return case


def imports(w: World) -> Case:
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


def engagement_templates(w: World) -> Case:
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


def engagements(w: World) -> Case:
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


def engagement_part(kind: str, template_kind: str) -> Callable[[World], Case]:
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


def accounts(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/accounts"))  # noqa: E731
    return Case(w.admin, "/v1/accounts", {"name": "Globex"}, {"name": "Initech"}, count)


def account_plans(w: World) -> Case:
    account = _account(w)
    count = lambda: len(_tree(w, account)["plans"])  # noqa: E731
    path = f"/v1/accounts/{account}/plans"
    return Case(w.admin, path, {"title": "Risks"}, {"title": "Renewals"}, count)


def account_objectives(w: World) -> Case:
    account = _account(w)
    plan = _tree(w, account)["plans"][0]["id"]
    count = lambda: len(_tree(w, account)["plans"][0]["objectives"])  # noqa: E731
    path = f"/v1/accounts/{account}/plans/{plan}/objectives"
    return Case(w.admin, path, {"title": "Expand"}, {"title": "Retain"}, count)


def account_actions(w: World) -> Case:
    account = _account(w)
    plan = _tree(w, account)["plans"][0]["id"]
    objective = w.made(w.admin, f"/v1/accounts/{account}/plans/{plan}/objectives", {"title": "O"})
    count = lambda: len(_tree(w, account)["plans"][0]["objectives"][0]["actions"])  # noqa: E731
    path = f"/v1/accounts/{account}/objectives/{objective['id']}/actions"
    return Case(w.admin, path, {"title": "Call"}, {"title": "Write"}, count)


def _plan_template_body(name: str) -> dict[str, Any]:
    objective = {"title": "Land", "actions": [{"title": "Kick-off", "due_offset_days": 3}]}
    return {"name": name, "plans": [{"title": "Growth Plans", "objectives": [objective]}]}


def plan_templates(w: World) -> Case:
    count = lambda: len(w.items(w.admin, "/v1/plan-templates"))  # noqa: E731
    path = "/v1/plan-templates"
    return Case(w.admin, path, _plan_template_body("New"), _plan_template_body("Old"), count)


def launches(w: World) -> Case:
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


def report_exports(w: World) -> Case:
    from momentum.core import aws
    from momentum.core.config import settings

    aws.client("sqs").create_queue(QueueName=settings().export_queue_url.rsplit("/", 1)[-1])

    def count() -> int:  # jobs have no listing; the test account's table is small
        found = w.api.dynamodb().scan(
            TableName=w.api.table(),
            FilterExpression="#t = :t",
            ExpressionAttributeNames={"#t": "type"},
            ExpressionAttributeValues={":t": {"S": "report_export"}},
        )
        return len(found["Items"])

    body = {"report": "one-on-ones", "from": "2026-01-01", "to": "2026-03-31"}
    return Case(w.admin, "/v1/report-exports", body, {**body, "to": "2026-06-30"}, count)
