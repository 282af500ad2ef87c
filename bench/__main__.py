"""`make bench`: the figures the issues name, printed as one table.

Benchmarks measure; they do not pass or fail. Each module in bench/ with a
`bench(report)` function contributes its figures. `python -m bench imports latency`
runs only the named modules (the whole run takes about 10 minutes, most of it seeding
tens of thousands of items that are not due).
"""

from __future__ import annotations

import importlib
import math
import os
import sys
from pathlib import Path

# The table is the output: the functions' own log lines and EMF metrics stay quiet.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT)]

MODULES = [
    "imports",
    "latency",
    "identity",
    "okrs",
    "rollup",
    "action_plans",
    "one_on_ones",
    "coaching",
    "accounts",
    "calendar",
    "slack",
    "sweeps",
    "background",
    "exports",
]


def report(name: str, value: float, unit: str) -> None:
    shown = (
        "—"
        if isinstance(value, float) and math.isnan(value)
        else (f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}")
    )
    print(f"{name:<62} {shown:>10}  {unit}", flush=True)


def main() -> None:
    chosen = sys.argv[1:] or MODULES
    unknown = sorted(set(chosen) - set(MODULES))
    if unknown:
        sys.exit(f"no such benchmark: {', '.join(unknown)} (choose from {', '.join(MODULES)})")
    print(f"{'figure':<62} {'value':>10}  unit")
    for name in chosen:
        if not (ROOT / "bench" / f"{name}.py").exists():
            print(f"{'(' + name + ': no benchmark yet)':<62}")
            continue
        module = importlib.import_module(f"bench.{name}")
        module.bench(report)


if __name__ == "__main__":
    main()
