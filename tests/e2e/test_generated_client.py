"""A client generated from the served document works against the local stack: it
generates without a warning, and a session through it parses every answer, successes
and problems alike, into its generated type. Generated into a temporary folder and
imported from there; nothing generated is kept."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e

PACKAGE = "momentum_client"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture(scope="module")
def generated(stack: HttpApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("generated")
    config = folder / "config.yaml"
    # No post hooks: formatting the generated code would only cost time.
    config.write_text("post_hooks: []\n", encoding="utf-8")
    run = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--url",
            f"{stack.url}/v1/openapi.json",
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warning" not in output.lower(), output
    assert (folder / PACKAGE / "api" / "goals" / "update_goal.py").exists()
    sys.path.insert(0, str(folder))
    yield output
    sys.path.remove(str(folder))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def _call(operation: str, **arguments: Any) -> Any:
    """`api.<tag>.<operation>.sync_detailed(...)`: the status and the parsed answer."""
    tag, name = operation.split(".")
    return _module(f"api.{tag}.{name}").sync_detailed(**arguments)


def test_the_generated_client_drives_a_session(stack: HttpApi, generated: str) -> None:
    models = _module("models")
    made = httpx.post(
        f"{stack.url}/local/orgs",
        json={"name": "Client Co", "admin_email": "admin@client-co.test", "admin_name": "Ada"},
    ).json()
    client_module = _module("client")
    admin = client_module.AuthenticatedClient(base_url=stack.url, token=made["token"])

    user = _call(
        "organisation_and_users.create_user",
        client=admin,
        body=models.UserCreate(email="bo@client-co.test", name="Bo Brown"),
    )
    assert user.status_code == 201 and isinstance(user.parsed, models.User)

    objective_body = models.GoalCreate(
        kind=models.GoalCreateKind.OBJECTIVE, title="Happier customers", due_date=date(2026, 12, 31)
    )
    objective = _call("goals.create_goal", client=admin, body=objective_body, idempotency_key="o1")
    assert objective.status_code == 201 and isinstance(objective.parsed, models.GoalDetail)
    replayed = _call("goals.create_goal", client=admin, body=objective_body, idempotency_key="o1")
    assert replayed.parsed.id == objective.parsed.id

    key_result = _call(
        "goals.create_goal",
        client=admin,
        body=models.GoalCreate(
            kind=models.GoalCreateKind.KEY_RESULT,
            title="Answer within 4 hours",
            parent_id=objective.parsed.id,
            due_date=date(2026, 12, 31),
            metric=models.GoalMetricIn(
                type_=models.GoalMetricInType.NUMBER, start=0.0, target=10.0, unit="tickets"
            ),
        ),
    )
    assert key_result.status_code == 201 and isinstance(key_result.parsed, models.GoalDetail)

    check_in = _call(
        "goals.check_in",
        client=admin,
        goal_id=key_result.parsed.id,
        body=models.GoalCheckInCreate(
            status=models.GoalCheckInCreateStatus.ON_TRACK, value=5.0, note="Halfway"
        ),
    )
    assert check_in.status_code == 201 and isinstance(check_in.parsed, models.GoalCheckIn)
    assert check_in.parsed.previous_value == 0.0

    rolled_up = _call("goals.get_goal", client=admin, goal_id=objective.parsed.id)
    assert rolled_up.status_code == 200 and isinstance(rolled_up.parsed, models.GoalDetail)
    explanation = rolled_up.parsed.explanation
    assert isinstance(explanation, models.GoalExplanation)
    assert explanation.source == models.GoalExplanationSource.ROLLUP
    assert [child.id for child in explanation.children] == [key_result.parsed.id]
    assert rolled_up.parsed.progress == 50.0

    plan = _call(
        "engage_action_plans.create_action_plan",
        client=admin,
        body=models.ActionPlanCreate(
            title="Weekly support review",
            due_date=date(2026, 9, 30),
            okr=models.ActionPlanOkrChoice(
                mode=models.ActionPlanOkrChoiceMode.KEY_RESULT, objective_id=objective.parsed.id
            ),
        ),
    )
    assert plan.status_code == 201 and isinstance(plan.parsed, models.ActionPlanCreated)
    assert isinstance(plan.parsed.linked_goal, models.ActionPlanLinkedGoal)
    assert plan.parsed.linked_goal.kind.value == "key_result"

    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    one_on_one = _call(
        "one_on_ones.create_one_on_one",
        client=admin,
        body=models.OneOnOneCreate(
            with_user_id=user.parsed.id,
            title="Ada / Bo",
            start=start,
            end=start + timedelta(minutes=30),
        ),
    )
    assert one_on_one.status_code == 201
    assert isinstance(one_on_one.parsed, models.OneOnOneCreateAnswer)
    meeting = one_on_one.parsed.meeting
    assert isinstance(meeting, models.OneOnOneMeeting)
    topic = _call(
        "one_on_ones.add_agenda_topic",
        client=admin,
        meeting_id=meeting.id,
        body=models.OneOnOneAgendaEntryCreate(text="Support rota"),
    )
    assert topic.status_code == 201 and isinstance(topic.parsed, models.OneOnOneAgendaEntry)

    invalid = _call(
        "goals.create_goal",
        client=admin,
        body=models.GoalCreate(
            kind=models.GoalCreateKind.OBJECTIVE, title="", due_date=date(2026, 12, 31)
        ),
    )
    assert invalid.status_code == 422 and isinstance(invalid.parsed, models.Problem)
    assert [error.path for error in invalid.parsed.errors] == ["title"]
    assert all(isinstance(error, models.FieldError) for error in invalid.parsed.errors)

    missing = _call("goals.get_goal", client=admin, goal_id="01JD0000000000000000000000")
    assert missing.status_code == 404 and isinstance(missing.parsed, models.Problem)
    assert missing.parsed.status == 404 and missing.parsed.title == "Not found"
