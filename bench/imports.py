"""Cold import time of every Lambda entry point, relative to the bare boto3 floor.

Each figure is the median of RUNS fresh interpreters. The floor is `import boto3;
boto3.client("dynamodb")`, measured in the same run on the same machine, so the ratio
says what our code adds to the least any Python Lambda using DynamoDB pays.

Both run in a virtualenv holding only what a deployed function has (the layer's
packages plus boto3), not the development one: there, test tools change what a
library pulls in (httpx loads click, rich and pygments when they are installed).
Both run with compiled bytecode, as boto3 has in the Lambda runtime and the layer
has when it is built (layers/dependencies/build.py compiles it for 3.12): a machine
with PYTHONDONTWRITEBYTECODE set would otherwise compile our modules from source in
every interpreter and charge that to the ratio.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from momentum import catalog

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_VENV = ROOT / ".bench" / "runtime"
BYTECODE = ROOT / ".bench" / "bytecode"
RUNS = 9
FLOOR = 'import boto3; boto3.client("dynamodb")'


def _layer_dependencies() -> list[str]:
    spec = importlib.util.spec_from_file_location(
        "layer_build", ROOT / "layers" / "dependencies" / "build.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dependencies: list[str] = module.runtime_dependencies()
    return dependencies


def runtime_python() -> Path:
    """An interpreter with the deployed function's packages, made once and reused."""
    wanted = json.dumps(sorted([*_layer_dependencies(), "boto3"]))
    python, stamp = RUNTIME_VENV / "bin" / "python", RUNTIME_VENV / "stamp.json"
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    # Our own interpreter installing our own pins.
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(RUNTIME_VENV)], check=True)  # noqa: S603
    install = [str(python), "-m", "pip", "install", "--quiet", *json.loads(wanted)]
    subprocess.run(install, check=True)  # noqa: S603
    stamp.write_text(wanted)
    return python


def _timed(python: Path, statement: str) -> float:
    code = (
        "import time; started = time.perf_counter(); "
        f"{statement}; print(time.perf_counter() - started)"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "functions"),
        "AWS_DEFAULT_REGION": "us-east-1",
        "TABLE_NAME": "momentum",
        "POWERTOOLS_SERVICE_NAME": "momentum",
        "PYTHONPYCACHEPREFIX": str(BYTECODE),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [str(python), "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    return float(out.stdout.strip().splitlines()[-1])


def median_seconds(python: Path, statement: str, runs: int = RUNS) -> float:
    _timed(python, statement)  # writes the bytecode the measured runs read
    return statistics.median(_timed(python, statement) for _ in range(runs))


def handler_exists(function: catalog.Function) -> bool:
    return (ROOT / "functions" / (function.module.replace(".", "/") + ".py")).exists()


def bench(report: object) -> None:
    python = runtime_python()
    floor = median_seconds(python, FLOOR)
    report("import floor: boto3 + dynamodb client", floor * 1000, "ms")  # type: ignore[operator]
    for function in catalog.FUNCTIONS:
        if not handler_exists(function):
            report(f"import {function.name}", float("nan"), "not built yet")  # type: ignore[operator]
            continue
        seconds = median_seconds(python, f"import {function.module}")
        report(
            f"import ratio {function.name}",
            seconds / floor,  # type: ignore[operator]
            f"x floor ({seconds * 1000:.0f} ms)",
        )
