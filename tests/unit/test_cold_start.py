"""The cold start of every entry point: the collector is paused while it loads, then back.

`momentum.handlers` pauses CPython's cyclic collector so loading a function's modules
does not walk them again and again; every entry point module must resume it as its last
statement, or its requests would run without garbage collection.
"""

from __future__ import annotations

import json
import subprocess
import sys

from momentum import catalog

PROBE = """
import gc, importlib, json, sys
import momentum.handlers
paused = not gc.isenabled()
seen = []
for module in json.loads(sys.argv[1]):
    frozen = gc.get_freeze_count()
    importlib.import_module(module)
    seen.append([module, gc.isenabled(), gc.get_freeze_count() > frozen])
print(json.dumps({"paused": paused, "seen": seen, "boto3": "boto3" in sys.modules}))
"""


def _cold_start(modules: list[str]) -> dict[str, object]:
    out = subprocess.run(  # a fresh interpreter: what a cold start imports
        [sys.executable, "-c", PROBE, json.dumps(modules)],
        capture_output=True,
        text=True,
        check=True,
    )
    answer: dict[str, object] = json.loads(out.stdout.splitlines()[-1])
    return answer


def test_every_entry_point_resumes_the_collector_it_loaded_under() -> None:
    modules = sorted({function.module for function in catalog.FUNCTIONS})
    probe = _cold_start(modules)
    assert probe["paused"] is True  # the package pauses it before anything heavy loads
    for module, enabled, froze in probe["seen"]:  # type: ignore[attr-defined]
        assert enabled, f"{module} leaves the garbage collector off"
        assert froze, f"{module} does not call momentum.handlers.cold_start.loaded()"


def test_no_entry_point_imports_boto3_only_botocore() -> None:
    """boto3's package brings s3transfer and its resource layer; botocore's client suffices."""
    modules = sorted({function.module for function in catalog.FUNCTIONS})
    assert _cold_start(modules)["boto3"] is False
