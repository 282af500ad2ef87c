"""Request latency through the local stack (HTTP -> gateway -> handler -> DynamoDB Local).

Not AWS latency: it shows what our code and one DynamoDB round trip cost per request on
this machine, and catches regressions such as a request that starts making more calls.

Then concurrency: N requests at once to one function, answered by a pool of one container
(what the local stack did before issue 17) and by a pool of N (MOMENTUM_LOCAL_CONCURRENCY),
on the same data folder. On two cores the gain is bounded by the cores and by DynamoDB
Local, which serves every container, so a quick CPU-bound request gains little; a
handler that waits (on a downstream service, here a 200 ms sleep in a test function, in
the same pools outside the HTTP stack) shows what the pool buys.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from infra.local.containers import Pool
from tests.support.harness import Actor
from tests.support.local_stack import HttpApi, LocalStackProcess

from momentum.catalog import Function

REQUESTS = 200
CONCURRENT = 8
ROUNDS = 20
WAITING = Function(
    name="waiting", handler="tests.unit.local_test_function:handler", description="bench"
)

Report = Callable[[str, float, str], None]


def bench(report: Report) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        stack = LocalStackProcess(data, {"MOMENTUM_LOCAL_CONCURRENCY": str(CONCURRENT)})
        stack.start()
        try:
            api = HttpApi(stack.url, f"http://127.0.0.1:{stack.dynamodb_port}")
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
            pooled = _bursts(api, admin)
        finally:
            stack.stop()
        single_stack = LocalStackProcess(data, {"MOMENTUM_LOCAL_CONCURRENCY": "1"})
        single_stack.start()  # same data folder: the same org and token
        try:
            single = _bursts(HttpApi(single_stack.url, api.dynamodb_url), admin)
        finally:
            single_stack.stop()
    what = f"{CONCURRENT} concurrent GET /v1/me, wall time"
    report(f"{what}, pool of 1", single, "ms")
    report(f"{what}, pool of {CONCURRENT}", pooled, "ms")
    report(f"  pool of {CONCURRENT} vs pool of 1", single / pooled, "x faster")
    waits = {cap: _waiting_bursts(cap) for cap in (1, CONCURRENT)}
    what = f"{CONCURRENT} concurrent handlers waiting 200 ms, wall time"
    report(f"{what}, pool of 1", waits[1], "ms")
    report(f"{what}, pool of {CONCURRENT}", waits[CONCURRENT], "ms")


def _bursts(api: HttpApi, actor: Actor) -> float:
    """Median wall time of a burst of CONCURRENT requests released together, once the
    function's pool is warm (each thread keeps its own connection)."""
    local = threading.local()

    def one(gate: threading.Barrier) -> None:
        if not hasattr(local, "api"):
            local.api = HttpApi(api.url, api.dynamodb_url)
        gate.wait()
        local.api.get(actor, "/v1/me").ok()

    walls = []
    with ThreadPoolExecutor(max_workers=CONCURRENT) as threads:
        for round_number in range(ROUNDS + 3):  # the first bursts start the containers
            gate = threading.Barrier(CONCURRENT + 1)
            futures = [threads.submit(one, gate) for _ in range(CONCURRENT)]
            gate.wait()
            started = time.perf_counter()
            for future in futures:
                future.result()
            if round_number >= 3:
                walls.append((time.perf_counter() - started) * 1000)
    return statistics.median(walls)


def _waiting_bursts(cap: int) -> float:
    """Median wall time of CONCURRENT invocations at once of a handler that waits 200 ms."""
    pool = Pool(WAITING, {}, cap)
    walls = []
    try:
        with ThreadPoolExecutor(max_workers=CONCURRENT) as threads:
            for round_number in range(8):  # the first starts the containers
                started = time.perf_counter()
                list(threads.map(lambda _: pool.invoke({"sleep": 0.2}), range(CONCURRENT)))
                if round_number >= 1:
                    walls.append((time.perf_counter() - started) * 1000)
    finally:
        pool.stop()
    return statistics.median(walls)
