"""The function code asset: `functions/momentum` as Lambda runs it, with its bytecode.

Lambda's /var/task is read-only, so a package shipped as source is compiled again on
every cold start. The asset is a copy of the package (nothing else: no tests, no build
metadata) compiled by a CPython 3.12, the functions' runtime, as unchecked-hash .pyc,
exactly as the dependencies layer is (layers/dependencies/build.py), so the zip's file
times cannot make the runtime distrust it. `make bench` measures imports from this copy.
"""

from __future__ import annotations

import fcntl
import hashlib
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


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((FUNCTIONS_DIR / PACKAGE).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(FUNCTIONS_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build(target: Path = ASSET_DIR) -> Path:
    """A copy of the package with 3.12 bytecode, rebuilt when the sources changed; returns
    the asset folder. Concurrent synths (test workers) take turns and share one build."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / f"{target.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp, wanted = target.parent / f"{target.name}.fingerprint", _fingerprint()
        if stamp.exists() and stamp.read_text() == wanted:
            return target
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            FUNCTIONS_DIR / PACKAGE,
            target / PACKAGE,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
        )
        _layer_build().compile_bytecode(target)
        stamp.write_text(wanted)
    return target
