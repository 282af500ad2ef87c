"""Synthesize the Momentum stack once per session and share what the tests look at.

Test modules here are named test_infra_* so they never clash with another suite's
basenames (tests/ folders have no __init__.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import CfnElement, Stack
from constructs import IConstruct
from infra.app import STACK_NAME, build_app
from infra.stack import MomentumStack

Resources = dict[str, dict[str, Any]]


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> tuple[MomentumStack, Path]:
    outdir = tmp_path_factory.mktemp("cdk.out")
    # Assets are referenced in place: copying the 20 MB layer per session buys the tests nothing.
    app, stack = build_app(outdir=str(outdir), context={"aws:cdk:disable-asset-staging": True})
    # Raises if the cdk-nag validation plugin reports any unacknowledged finding.
    app.synth()
    return stack, outdir


@pytest.fixture(scope="session")
def stack(synthesized: tuple[MomentumStack, Path]) -> MomentumStack:
    return synthesized[0]


@pytest.fixture(scope="session")
def template_path(synthesized: tuple[MomentumStack, Path]) -> Path:
    return synthesized[1] / f"{STACK_NAME}.template.json"


@pytest.fixture(scope="session")
def template(template_path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(template_path.read_text())
    return loaded


@pytest.fixture(scope="session")
def resources_of_type(template: dict[str, Any]) -> Callable[[str], Resources]:
    def of_type(resource_type: str) -> Resources:
        return {
            logical_id: resource
            for logical_id, resource in template["Resources"].items()
            if resource["Type"] == resource_type
        }

    return of_type


@pytest.fixture(scope="session")
def logical_id(stack: MomentumStack) -> Callable[[IConstruct], str]:
    """The logical id of a construct's CloudFormation resource (or of a Cfn resource)."""

    def of(construct: IConstruct) -> str:
        element = construct if isinstance(construct, CfnElement) else construct.node.default_child
        assert isinstance(element, CfnElement), construct.node.path
        return Stack.of(stack).get_logical_id(element)

    return of
