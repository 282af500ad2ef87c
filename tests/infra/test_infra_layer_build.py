"""layers/dependencies/build.py: the pip command, boto3 left out, and the stamp skip."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from infra import LAYER_DIR

pytestmark = pytest.mark.infra


@pytest.fixture
def layer_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The build script, pointed at a scratch build folder and a pyproject of our own."""
    spec = importlib.util.spec_from_file_location("layer_build_under_test", LAYER_DIR / "build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["pydantic==2.*", "boto3>=1.40", "httpx>=0.27"]\n'
    )
    monkeypatch.setattr(module, "PYPROJECT", pyproject)
    monkeypatch.setattr(module, "BUILD_DIR", tmp_path / "build")
    monkeypatch.setattr(module, "TARGET_DIR", tmp_path / "build" / "python")
    monkeypatch.setattr(module, "STAMP_FILE", tmp_path / "build" / ".dependencies.json")
    module.runtime_dependencies.__defaults__ = (pyproject,)
    return module


@pytest.fixture
def pip_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []

    def fake_run(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        if command[1:3] == ["-m", "pip"]:
            calls.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    return calls


def test_installs_pyproject_dependencies_for_lambda_arm64_without_boto3(
    layer_build: ModuleType, pip_calls: list[list[str]]
) -> None:
    assert layer_build.build() is True
    (command,) = pip_calls
    flags = " ".join(command)
    assert (
        "--platform manylinux2014_aarch64 --python-version 3.12 --implementation cp "
        "--only-binary=:all: --target " + str(layer_build.TARGET_DIR)
    ) in flags
    assert "pydantic==2.*" in command
    assert "httpx>=0.27" in command
    assert not any(argument.startswith("boto3") for argument in command)


def test_a_second_build_with_the_same_dependencies_does_nothing(
    layer_build: ModuleType, pip_calls: list[list[str]]
) -> None:
    assert layer_build.build() is True
    assert layer_build.build() is False
    assert len(pip_calls) == 1


def test_a_changed_dependency_list_rebuilds(
    layer_build: ModuleType, pip_calls: list[list[str]]
) -> None:
    layer_build.build()
    layer_build.PYPROJECT.write_text('[project]\nname = "x"\ndependencies = ["jinja2>=3.1"]\n')
    assert layer_build.build() is True
    assert "jinja2>=3.1" in pip_calls[-1]


def test_the_layer_ships_bytecode_for_the_runtime_python(
    layer_build: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []
    monkeypatch.setattr(layer_build, "runtime_python", lambda: "/opt/python3.12")
    monkeypatch.setattr(
        subprocess,
        "run",
        lambda command, **_: commands.append(command) or subprocess.CompletedProcess(command, 0),
    )
    layer_build.build()
    compile_all = commands[-1]
    assert compile_all[:3] == ["/opt/python3.12", "-m", "compileall"]
    # Lambda's file system is read-only: the .pyc must be trusted without a source check.
    assert "unchecked-hash" in compile_all
    assert compile_all[-1] == str(layer_build.TARGET_DIR)
