"""Request latency through the local stack (HTTP -> gateway -> handler -> DynamoDB Local).

Not AWS latency: it shows what our code and one DynamoDB round trip cost per request on
this machine, and catches regressions such as a request that starts making more calls.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.local_stack import HttpApi, LocalStackProcess

REQUESTS = 200


def bench(report: Callable[[str, float, str], None]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        stack = LocalStackProcess(Path(folder) / "data")
        stack.start()
        try:
            api = HttpApi(stack.url)
            admin = api.new_org("Latency")
            for _ in range(20):  # warm: imports done, principal cached
                api.get(admin, "/v1/me").ok()
            timings = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                api.get(admin, "/v1/me").ok()
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            report("latency GET /v1/me p50 (local stack)", statistics.median(timings), "ms")
            report("latency GET /v1/me p95 (local stack)", timings[int(REQUESTS * 0.95)], "ms")
        finally:
            stack.stop()
