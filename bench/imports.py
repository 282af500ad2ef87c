"""Cold import time of every Lambda entry point, relative to the bare boto3 floor.

Each figure comes from RUNS fresh interpreters. The floor is `import boto3;
boto3.client("dynamodb")`, measured in the same run on the same machine, so the ratio
says what our code adds to the least any Python Lambda using DynamoDB pays. Each entry
point's runs alternate with runs of the floor, and its ratio is the median of each run's
ratio to its paired floor run, so a machine whose speed changes during the run (CI,
other work, a shared VM) moves both alike. (Our functions import botocore, not boto3, and
pause the garbage collector while they load: momentum.handlers.cold_start.)

Both run as deployed: a CPython 3.12 virtualenv holding only what a deployed function
has (the layer's packages plus boto3, with the bytecode pip compiles, as the layer
ships), not the development one (there, test tools change what a library pulls in:
httpx loads click, rich and pygments when installed); our code is imported from the
function asset (infra/function_asset.py) with its unchecked-hash 3.12 bytecode, and
nothing else is written (PYTHONDONTWRITEBYTECODE), so a module the asset did not
compile would be compiled in every interpreter and show in the ratio. Each function's
settings are its template's (infra/environment.py), as its cold start checks them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
from pathlib import Path
from typing import Any

from momentum import catalog

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_VENV = ROOT / ".bench" / "runtime-3.12"
ASSET = ROOT / ".bench" / "function"
RUNS = 15
FLOOR = 'import boto3; boto3.client("dynamodb")'


def _layer_build() -> Any:
    spec = importlib.util.spec_from_file_location(
        "layer_build", ROOT / "layers" / "dependencies" / "build.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _layer_dependencies() -> list[str]:
    dependencies: list[str] = _layer_build().runtime_dependencies()
    return dependencies


def runtime_python() -> Path:
    """An interpreter with the deployed function's packages, made once and reused."""
    wanted = json.dumps(sorted([*_layer_dependencies(), "boto3"]))
    python, stamp = RUNTIME_VENV / "bin" / "python", RUNTIME_VENV / "stamp.json"
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    runtime = _layer_build().runtime_python()  # the layer's own search for a 3.12
    if runtime is None:
        raise RuntimeError("a CPython 3.12 is needed to measure imports as deployed")
    # The runtime's interpreter installing our own pins.
    subprocess.run([runtime, "-m", "venv", "--clear", str(RUNTIME_VENV)], check=True)  # noqa: S603
    install = [str(python), "-m", "pip", "install", "--quiet", *json.loads(wanted)]
    subprocess.run(install, check=True)  # noqa: S603
    stamp.write_text(wanted)
    return python


def _timed(python: Path, statement: str, settings: dict[str, str] | None = None) -> float:
    code = (
        "import time; started = time.perf_counter(); "
        f"{statement}; print(time.perf_counter() - started)"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AWS_"))},
        **(settings or {}),
        "PYTHONPATH": str(ASSET),
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [str(python), "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    return float(out.stdout.strip().splitlines()[-1])


def median_seconds(
    python: Path, statement: str, settings: dict[str, str] | None = None, runs: int = RUNS
) -> float:
    _timed(python, statement, settings)  # warms the file cache, as a warm host has it
    return statistics.median(_timed(python, statement, settings) for _ in range(runs))


def paired_medians(
    python: Path, statement: str, settings: dict[str, str], runs: int = RUNS
) -> tuple[float, float, float]:
    """(ratio, seconds, floor seconds): `statement` against the floor, runs interleaved.

    The ratio is the median of each run's ratio to the floor run just before it. This
    machine's speed drifts by a third within a minute (a shared VM), and a run and its
    neighbour see the same speed, so their ratio holds still where either alone does not.
    """
    _timed(python, statement, settings)  # warms the file cache, as a warm host has it
    subject, floor = [], []
    for _ in range(runs):
        floor.append(_timed(python, FLOOR))
        subject.append(_timed(python, statement, settings))
    ratio = statistics.median(s / f for s, f in zip(subject, floor, strict=True))
    return ratio, statistics.median(subject), statistics.median(floor)


def deployed_settings(function: catalog.Function) -> dict[str, str]:
    """The function's template settings, with stand-in values (nothing is called)."""
    from infra.environment import function_environment, setting_names

    values = {name: f"https://{name.lower()}.example" for name in setting_names(function)}
    values.update(  # the literal values the stack gives (infra/constructs/functions.py)
        PRINCIPAL_CACHE_SECONDS="60",
        LOG_LEVEL="INFO",
        POWERTOOLS_SERVICE_NAME="momentum",
        POWERTOOLS_METRICS_NAMESPACE="Momentum",
    )
    return function_environment(function, values)


def cold_import(python: Path, function_name: str) -> tuple[float, float]:
    """One entry point's import as deployed: (ratio to the paired floor, seconds)."""
    function = catalog.function_named(function_name)
    ratio, seconds, _ = paired_medians(
        python, f"import {function.module}", deployed_settings(function)
    )
    return ratio, seconds


def handler_exists(function: catalog.Function) -> bool:
    return (ROOT / "functions" / (function.module.replace(".", "/") + ".py")).exists()


def bench(report: object) -> None:
    from infra import function_asset

    python = runtime_python()
    function_asset.build(ASSET)
    floor = median_seconds(python, FLOOR)
    report("import floor: boto3 + dynamodb client", floor * 1000, "ms")  # type: ignore[operator]
    for function in catalog.FUNCTIONS:
        if not handler_exists(function):
            report(f"import {function.name}", float("nan"), "not built yet")  # type: ignore[operator]
            continue
        ratio, seconds, paired_floor = paired_medians(
            python, f"import {function.module}", deployed_settings(function)
        )
        report(
            f"import ratio {function.name}",
            ratio,  # type: ignore[operator]
            f"x floor ({seconds * 1000:.0f} ms vs {paired_floor * 1000:.0f} ms)",
        )
