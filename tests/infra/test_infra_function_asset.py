"""The function asset: the momentum package and its Python 3.12 bytecode, nothing else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from infra import function_asset

pytestmark = pytest.mark.infra


@pytest.mark.skipif(shutil.which("python3.12") is None, reason="needs a CPython 3.12")
def test_the_asset_ships_trusted_312_bytecode_and_no_tests(tmp_path: Path) -> None:
    asset = function_asset.build(tmp_path / "function")
    assert sorted(p.name for p in asset.iterdir()) == ["momentum"]
    compiled = asset / "momentum" / "core" / "__pycache__" / "config.cpython-312.pyc"
    flags = int.from_bytes(compiled.read_bytes()[4:8], "little")
    assert flags == 0b01  # hash-based and unchecked: a read-only /var/task is trusted as is
    assert not list(asset.rglob("test_*.py"))
    assert not list(asset.rglob("*.egg-info"))


def test_every_function_deploys_the_built_asset(
    template: dict[str, Any], template_path: Path
) -> None:
    assets = json.loads(template_path.with_name("Momentum.assets.json").read_text())["files"]
    zips = {
        resource["Properties"]["Code"]["S3Key"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
    }
    (only,) = zips
    assert assets[only.removesuffix(".zip")]["source"]["path"] == str(function_asset.ASSET_DIR)
