"""Every catalog function: its runtime shape, its own role, and only the access `needs` grants."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from infra.constructs.auth import MEMBER_ADMINISTRATION
from infra.environment import LIBRARY_SETTINGS, setting_names
from infra.stack import MomentumStack

from momentum import catalog

pytestmark = pytest.mark.infra

Resources = dict[str, dict[str, Any]]
by_name = pytest.mark.parametrize("function", catalog.FUNCTIONS, ids=lambda f: f.name)


def referenced_ids(value: Any) -> Iterator[str]:
    """Logical ids a template fragment points at through Ref or Fn::GetAtt."""
    if isinstance(value, dict):
        if "Ref" in value:
            yield value["Ref"]
        if "Fn::GetAtt" in value:
            yield value["Fn::GetAtt"][0]
        for inner in value.values():
            yield from referenced_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from referenced_ids(inner)


def actions_of(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


@pytest.fixture(scope="module")
def lambdas(
    resources_of_type: Callable[[str], Resources],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> dict[str, dict[str, Any]]:
    functions = resources_of_type("AWS::Lambda::Function")
    return {
        name: functions[logical_id(function)]["Properties"]
        for name, function in stack.functions.by_name.items()
    }


@pytest.fixture(scope="module")
def role_statements(
    resources_of_type: Callable[[str], Resources],
    lambdas: dict[str, dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """Every Allow statement in the policies attached to each function's role."""
    policies = [p["Properties"] for p in resources_of_type("AWS::IAM::Policy").values()]
    statements: dict[str, list[dict[str, Any]]] = {}
    for name, function in lambdas.items():
        role_id = function["Role"]["Fn::GetAtt"][0]
        statements[name] = [
            statement
            for policy in policies
            if {"Ref": role_id} in policy["Roles"]
            for statement in policy["PolicyDocument"]["Statement"]
        ]
        assert all(s["Effect"] == "Allow" for s in statements[name])
    return statements


def grants(statements: list[dict[str, Any]], action: str, resource_id: str) -> bool:
    return any(
        action in actions_of(statement)
        and resource_id in set(referenced_ids(statement["Resource"]))
        for statement in statements
    )


def test_every_catalog_function_is_deployed(lambdas: dict[str, dict[str, Any]]) -> None:
    assert set(lambdas) == {function.name for function in catalog.FUNCTIONS}


@by_name
def test_runtime_shape_comes_from_the_catalog(
    function: catalog.Function, lambdas: dict[str, dict[str, Any]]
) -> None:
    deployed = lambdas[function.name]
    assert deployed["Runtime"] == "python3.12"
    assert deployed["Architectures"] == ["arm64"]
    assert deployed["Handler"] == function.handler.replace(":", ".")
    assert deployed["MemorySize"] == function.memory_mb
    assert deployed["Timeout"] == function.timeout_s
    assert deployed["TracingConfig"] == {"Mode": "Active"}
    assert len(deployed["Layers"]) == 1
    assert "LogGroup" in deployed["LoggingConfig"]


def test_each_function_has_its_own_role(lambdas: dict[str, dict[str, Any]]) -> None:
    roles = [function["Role"]["Fn::GetAtt"][0] for function in lambdas.values()]
    assert len(set(roles)) == len(roles)


def test_function_logs_are_kept_for_a_month(resources_of_type: Callable[[str], Resources]) -> None:
    for log_group in resources_of_type("AWS::Logs::LogGroup").values():
        assert log_group["Properties"]["RetentionInDays"] == 30


@by_name
def test_environment_carries_exactly_the_needed_settings(
    function: catalog.Function, lambdas: dict[str, dict[str, Any]]
) -> None:
    environment = lambdas[function.name]["Environment"]["Variables"]
    assert set(environment) == set(setting_names(function)) | set(LIBRARY_SETTINGS)
    assert environment["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
    assert environment["MOMENTUM_FUNCTION"] == function.name
    assert environment["PRINCIPAL_CACHE_SECONDS"] == "60"
    assert environment["POWERTOOLS_SERVICE_NAME"] == "momentum"
    assert environment["POWERTOOLS_METRICS_NAMESPACE"] == "Momentum"


@by_name
def test_role_grants_follow_needs(
    function: catalog.Function,
    role_statements: dict[str, list[dict[str, Any]]],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    statements = role_statements[function.name]
    needs = set(function.needs)
    table = logical_id(stack.table.table)
    assert grants(statements, "dynamodb:PutItem", table) == ("table" in needs)
    assert grants(statements, "ses:SendEmail", logical_id(stack.email.identity)) == (
        "email" in needs
    )
    key = logical_id(stack.keys.calendar_token_key)
    for action in ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"):
        assert grants(statements, action, key) == ("kms" in needs)
    sweep_queue = logical_id(stack.queues.sweep_continuation)
    calendar_queue = logical_id(stack.queues.calendar_sync)
    assert grants(statements, "sqs:SendMessage", sweep_queue) == ("sweep_queue" in needs)
    assert grants(statements, "sqs:SendMessage", calendar_queue) == ("calendar_queue" in needs)
    oauth_secret = logical_id(stack.keys.calendar_oauth_secret)
    assert grants(statements, "secretsmanager:GetSecretValue", oauth_secret) == ("secrets" in needs)
    cursor_secret = logical_id(stack.keys.cursor_secret)
    assert grants(statements, "secretsmanager:GetSecretValue", cursor_secret)
    bus = logical_id(stack.events.bus)
    assert grants(statements, "events:PutEvents", bus) == ("event_bus" in needs)


@by_name
def test_no_wildcards_beyond_xray_and_the_send_quota_and_no_scans(
    function: catalog.Function, role_statements: dict[str, list[dict[str, Any]]]
) -> None:
    for statement in role_statements[function.name]:
        actions = actions_of(statement)
        assert "dynamodb:Scan" not in actions
        assert not any(action.endswith("*") for action in actions), actions
        if statement["Resource"] == "*":
            # X-Ray and SES's account quota have no resource-level permissions
            assert all(a.startswith("xray:") or a == "ses:GetAccount" for a in actions), actions


def test_only_email_functions_may_send_email(
    role_statements: dict[str, list[dict[str, Any]]],
) -> None:
    senders = {
        name
        for name, statements in role_statements.items()
        if any(action.startswith("ses:") for s in statements for action in actions_of(s))
    }
    assert senders == {f.name for f in catalog.FUNCTIONS if "email" in f.needs}


def test_only_kms_functions_may_decrypt_calendar_tokens(
    role_statements: dict[str, list[dict[str, Any]]],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    key = logical_id(stack.keys.calendar_token_key)
    decrypters = {
        name
        for name, statements in role_statements.items()
        if grants(statements, "kms:Decrypt", key)
    }
    assert decrypters == {f.name for f in catalog.FUNCTIONS if "kms" in f.needs}


def test_only_the_provisioning_functions_administer_cognito_members(
    role_statements: dict[str, list[dict[str, Any]]],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    administrators = {
        name
        for name, statements in role_statements.items()
        if any(action.startswith("cognito-idp:") for s in statements for action in actions_of(s))
    }
    # The API's user routes and SCIM (identity providers) both provision through members.
    assert administrators == {"identity-api", "scim-api"}
    pool = logical_id(stack.sign_in.user_pool)
    for name in administrators:
        for action in MEMBER_ADMINISTRATION:
            assert grants(role_statements[name], action, pool), (name, action)
