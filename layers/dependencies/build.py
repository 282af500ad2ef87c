"""Build the dependencies Lambda layer from pyproject.toml, without Docker.

pip downloads manylinux aarch64 wheels for CPython 3.12 (the functions' runtime and
architecture) into build/python/, the folder layout Lambda puts on sys.path. A stamp
file records the dependency list, so a second run with the same list does nothing.

The layer ships bytecode compiled by a CPython 3.12 when this machine has one: Lambda's
/var/task and /opt are read-only, so without it every cold start would compile
pydantic, Powertools and the rest from source again. The .pyc files use unchecked-hash
invalidation, so the zip's file times cannot make the runtime distrust them.

Usage: python layers/dependencies/build.py [--force]
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

LAYER_DIR = Path(__file__).resolve().parent
BUILD_DIR = LAYER_DIR / "build"
TARGET_DIR = BUILD_DIR / "python"
STAMP_FILE = BUILD_DIR / ".dependencies.json"
PYPROJECT = LAYER_DIR.parents[1] / "pyproject.toml"

PLATFORM = "manylinux2014_aarch64"
PYTHON_VERSION = "3.12"
# The Lambda runtime ships boto3/botocore; a second copy would only add cold-start weight.
PROVIDED_BY_RUNTIME = ("boto3", "botocore")
# Layer packages shadow the runtime's own, so they must stay compatible with its botocore.
RUNTIME_COMPATIBILITY = ("python-dateutil<3",)


def runtime_dependencies(pyproject: Path = PYPROJECT) -> list[str]:
    """The `[project].dependencies` of pyproject.toml, minus what the runtime provides."""
    with pyproject.open("rb") as file:
        dependencies: list[str] = tomllib.load(file)["project"]["dependencies"]
    return [
        requirement
        for requirement in dependencies
        if not requirement.lower().replace("_", "-").startswith(PROVIDED_BY_RUNTIME)
    ]


def stamp_for(dependencies: list[str]) -> str:
    return json.dumps(
        {
            "platform": PLATFORM,
            "python": PYTHON_VERSION,
            "dependencies": dependencies,
            "compatibility": RUNTIME_COMPATIBILITY,
        },
        sort_keys=True,
    )


def is_up_to_date(dependencies: list[str]) -> bool:
    return (
        TARGET_DIR.is_dir()
        and STAMP_FILE.is_file()
        and STAMP_FILE.read_text() == stamp_for(dependencies)
    )


def build(*, force: bool = False) -> bool:
    """Build the layer unless the stamp matches; True when pip actually ran."""
    dependencies = runtime_dependencies()
    if not force and is_up_to_date(dependencies):
        return False
    # Start clean so packages dropped from pyproject do not linger in the layer.
    shutil.rmtree(BUILD_DIR, ignore_errors=True)
    TARGET_DIR.mkdir(parents=True)
    command = [
        sys.executable, "-m", "pip", "install",
        "--platform", PLATFORM,
        "--python-version", PYTHON_VERSION,
        "--implementation", "cp",
        "--only-binary=:all:",
        "--target", str(TARGET_DIR),
        "--quiet", "--disable-pip-version-check", "--no-compile",
        *dependencies,
        *RUNTIME_COMPATIBILITY,
    ]  # fmt: skip
    subprocess.run(command, check=True)  # noqa: S603 - arguments come from pyproject.toml
    compile_bytecode(TARGET_DIR)
    STAMP_FILE.write_text(stamp_for(dependencies))
    return True


def runtime_python() -> str | None:
    """A working CPython of the runtime's version: on PATH, or installed by pyenv."""
    name = f"python{PYTHON_VERSION}"
    candidates = [shutil.which(name)]
    candidates += sorted(
        str(p) for p in Path.home().glob(f".pyenv/versions/{PYTHON_VERSION}*/bin/{name}")
    )
    for candidate in filter(None, candidates):
        probe = [candidate, "-c", "pass"]
        if subprocess.run(probe, capture_output=True, check=False).returncode == 0:  # noqa: S603
            return candidate
    return None


def compile_bytecode(folder: Path) -> bool:
    """Compile `folder` for the runtime's Python; False (with a warning) when none is here."""
    python = runtime_python()
    if python is None:
        print(f"warning: no python{PYTHON_VERSION} here; the layer ships without bytecode")
        return False
    compile_all = [python, "-m", "compileall", "-q", "-j", "0"]
    compile_all += ["--invalidation-mode", "unchecked-hash", str(folder)]
    # Some packages carry files that are not Python 3.12 source (test data, templates).
    subprocess.run(compile_all, check=False)  # noqa: S603
    return True


def main(argv: list[str]) -> int:
    built = build(force="--force" in argv)
    print(f"dependencies layer {'built' if built else 'up to date'}: {TARGET_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
