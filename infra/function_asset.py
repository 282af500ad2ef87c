"""The function code asset: `functions/momentum` as Lambda runs it, with its bytecode.

Lambda's /var/task is read-only, so a package shipped as source is compiled again on
every cold start. The asset is a copy of the package (nothing else: no tests, no build
metadata) compiled by a CPython 3.12, the functions' runtime, as unchecked-hash .pyc,
exactly as the dependencies layer is (layers/dependencies/build.py), so the zip's file
times cannot make the runtime distrust it. `make bench` measures imports from this copy.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

from infra import FUNCTIONS_DIR, LAYER_DIR, REPO_ROOT

ASSET_DIR = REPO_ROOT / "build" / "function"
PACKAGE = "momentum"


def _layer_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layer_build", LAYER_DIR / "build.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(LAYER_DIR / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(target: Path = ASSET_DIR) -> Path:
    """A fresh copy of the package with 3.12 bytecode; returns the asset folder."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(
        FUNCTIONS_DIR / PACKAGE,
        target / PACKAGE,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
    )
    _layer_build().compile_bytecode(target)
    return target
