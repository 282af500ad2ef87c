"""Configuration parity: every setting a function's code can read is in its synthesized
environment, and a function whose environment lacks one fails at cold start."""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from infra.environment import setting_names
from infra.stack import MomentumStack

from momentum import catalog
from momentum.core.config import CAPABILITY_OF_SETTING, ENVIRONMENT, MissingSettings, Settings

pytestmark = pytest.mark.infra

PACKAGE = Path(catalog.__file__).parent
by_name = pytest.mark.parametrize("function", catalog.FUNCTIONS, ids=lambda f: f.name)


def module_file(module: str) -> Path | None:
    path = PACKAGE.parent / module.replace(".", "/")
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


@cache
def parsed(module: str) -> ast.Module:
    file = module_file(module)
    assert file is not None, module
    return ast.parse(file.read_text())


@cache
def imports_of(module: str) -> frozenset[str]:
    """Every momentum module `module` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(parsed(module)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return frozenset(name for name in found if name.startswith("momentum") and module_file(name))


def reachable(function: catalog.Function) -> set[str]:
    roots = {function.module}
    if function.module == "momentum.handlers.sweeps":  # imports the sweep it runs by name
        roots |= {schedule.runs.split(":")[0] for schedule in catalog.SCHEDULES}
    seen: set[str] = set()
    while roots:
        module = roots.pop()
        if module not in seen:
            seen.add(module)
            roots |= imports_of(module) - seen
    return seen


def settings_read_by(module: str) -> set[str]:
    """The Settings attributes a module reads (those of core.config's Settings)."""
    if "momentum.core.config" not in imports_of(module):
        return set()
    return {
        node.attr
        for node in ast.walk(parsed(module))
        if isinstance(node, ast.Attribute) and node.attr in CAPABILITY_OF_SETTING
    }


def needed_environment(function: catalog.Function) -> set[str]:
    names: set[str] = set(ENVIRONMENT["common"])
    for module in reachable(function):
        for attribute in settings_read_by(module):
            capability = CAPABILITY_OF_SETTING[attribute]
            names |= set(ENVIRONMENT[capability]) if capability != "common" else set()
    return names


@pytest.fixture(scope="module")
def environments(
    resources_of_type: Callable[[str], dict[str, dict[str, Any]]],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> dict[str, dict[str, Any]]:
    functions = resources_of_type("AWS::Lambda::Function")
    return {
        name: functions[logical_id(function)]["Properties"]["Environment"]["Variables"]
        for name, function in stack.functions.by_name.items()
    }


@by_name
def test_every_setting_the_code_reads_is_in_the_template(
    function: catalog.Function, environments: dict[str, dict[str, Any]]
) -> None:
    missing = needed_environment(function) - set(environments[function.name])
    assert not missing, f"{function.name} reads {sorted(missing)} but its stack sets none"


def test_the_analysis_sees_what_the_calendar_reads() -> None:
    """The parity test is only as good as its reach: a sweep reaches the calendar's OAuth."""
    sweeps = catalog.function_named("sweeps")
    assert {"CALENDAR_SECRETS_ARN", "API_BASE_URL", "SES_CONFIGURATION_SET"} <= (
        needed_environment(sweeps)
    )
    assert "USER_POOL_ID" in needed_environment(catalog.function_named("identity-api"))


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "os.environ" in path.read_text() or "getenv" in path.read_text()
    }
    assert readers == {"core/config.py"}


@by_name
def test_a_function_checks_its_environment_at_cold_start(
    function: catalog.Function, environments: dict[str, dict[str, Any]]
) -> None:
    resolved = {
        name: "x" if not isinstance(v, str) else v
        for name, v in environments[function.name].items()
    }
    Settings(resolved).check(function.needs)
    for name in setting_names(function):
        with pytest.raises(MissingSettings, match=name):
            Settings({k: v for k, v in resolved.items() if k != name}).check(function.needs)
