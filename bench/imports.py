"""Cold import time of every Lambda entry point, relative to the bare boto3 floor.

Each figure is the median of RUNS fresh interpreters. The floor is `import boto3;
boto3.client("dynamodb")`, measured in the same run on the same machine, so the ratio
says what our code adds to the least any Python Lambda using DynamoDB pays.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from momentum import catalog

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
FLOOR = 'import boto3; boto3.client("dynamodb")'


def _timed(statement: str) -> float:
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
    }
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    return float(out.stdout.strip().splitlines()[-1])


def median_seconds(statement: str, runs: int = RUNS) -> float:
    return statistics.median(_timed(statement) for _ in range(runs))


def handler_exists(function: catalog.Function) -> bool:
    return (ROOT / "functions" / (function.module.replace(".", "/") + ".py")).exists()


def bench(report: object) -> None:
    floor = median_seconds(FLOOR)
    report("import floor: boto3 + dynamodb client", floor * 1000, "ms")  # type: ignore[operator]
    for function in catalog.FUNCTIONS:
        if not handler_exists(function):
            report(f"import {function.name}", float("nan"), "not built yet")  # type: ignore[operator]
            continue
        seconds = median_seconds(f"import {function.module}")
        report(
            f"import ratio {function.name}",
            seconds / floor,  # type: ignore[operator]
            f"x floor ({seconds * 1000:.0f} ms)",
        )
