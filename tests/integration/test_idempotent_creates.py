"""Every create honours `Idempotency-Key` (SPEC §0): the test walks the POST operations of
the shipped OpenAPI document, and for each create proves that the same key and body twice
answer the same id and create one thing, and that the same key with another body is 422.

A POST the document gains later must be classified here: a create gets a case below, an
action on something that exists goes in NOT_CREATES with the reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from momentum.api_document import DOCUMENT_FILE
from tests.support import idempotent_cases as cases
from tests.support.harness import InProcessApi

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


CREATES: dict[str, Callable[[cases.World], cases.Case]] = {
    "/v1/users": cases.users,
    "/v1/companies": cases.companies,
    "/v1/org/scim-tokens": cases.scim_tokens,
    "/v1/webhook-subscriptions": cases.subscriptions,
    "/v1/companies/{company_id}/locations": cases.locations,
    "/v1/goals": cases.goals,
    "/v1/goals/{goal_id}/check-ins": cases.check_ins,
    "/v1/cycles": cases.cycles,
    "/v1/action-plans": cases.action_plans,
    "/v1/action-plans/{plan_id}/updates": cases.plan_updates,
    "/v1/one-on-ones": cases.one_on_ones,
    "/v1/meetings/{meeting_id}/agenda-topics": cases.agenda("agenda-topics"),
    "/v1/meetings/{meeting_id}/action-items": cases.agenda("action-items"),
    "/v1/one-on-ones/import": cases.imports,
    "/v1/engagement-templates": cases.engagement_templates,
    "/v1/engagements": cases.engagements,
    "/v1/engagements/{engagement_id}/sessions": cases.engagement_part("sessions", "one_on_one"),
    "/v1/engagements/{engagement_id}/discovery-calls": cases.engagement_part(
        "discovery-calls", "coach_matching"
    ),
    "/v1/accounts": cases.accounts,
    "/v1/accounts/{account_id}/plans": cases.account_plans,
    "/v1/accounts/{account_id}/plans/{plan_id}/objectives": cases.account_objectives,
    "/v1/accounts/{account_id}/objectives/{objective_id}/actions": cases.account_actions,
    "/v1/plan-templates": cases.plan_templates,
    "/v1/accounts/{account_id}/launch-template": cases.launches,
    "/v1/report-exports": cases.report_exports,
}


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
    case = CREATES[path](cases.World(api, admin, manager, report, request))
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
