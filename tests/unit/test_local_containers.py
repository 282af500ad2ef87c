"""The local stack's container pools: real processes, a test function that takes as long
as it is told, and the behaviour Lambda shows (concurrent calls overlap in distinct
containers, warm ones are reused, a dead one is replaced, the cap makes calls wait)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from infra.local.containers import FunctionError, Pool, Throttled, concurrency_cap

from momentum.catalog import Function

SLOW = Function(name="slow", handler="tests.unit.local_test_function:handler", description="test")


@pytest.fixture
def pools() -> Iterator[list[Pool]]:
    made: list[Pool] = []
    yield made
    for pool in made:
        pool.stop()


def pool_of(pools: list[Pool], cap: int, function: Function = SLOW) -> Pool:
    pool = Pool(function, {}, cap)
    pools.append(pool)
    return pool


def at_once(pool: Pool, events: list[dict[str, Any]], **options: Any) -> list[Any]:
    """Invoke every event from its own thread, all released together; results or errors."""
    results: list[Any] = [None] * len(events)
    gate = threading.Barrier(len(events))

    def call(i: int) -> None:
        gate.wait()
        try:
            results[i] = pool.invoke(events[i], **options)
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(events))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_calls_run_at_the_same_time_in_distinct_containers(pools: list[Pool]) -> None:
    pool = pool_of(pools, cap=2)
    first, second = at_once(pool, [{"sleep": 1.0}, {"sleep": 1.0}])
    assert first["pid"] != second["pid"]
    assert first["stream"] != second["stream"]  # a log stream per container, as in Lambda
    assert max(first["started"], second["started"]) < min(first["finished"], second["finished"])


def test_a_pool_of_one_runs_them_one_after_the_other(pools: list[Pool]) -> None:
    pool = pool_of(pools, cap=1)
    first, second = at_once(pool, [{"sleep": 0.5}, {"sleep": 0.5}])
    assert first["pid"] == second["pid"]
    earlier, later = sorted([first, second], key=lambda r: r["started"])
    assert later["started"] >= earlier["finished"]


def test_warm_containers_are_reused_and_new_ones_start_only_when_all_are_busy(
    pools: list[Pool],
) -> None:
    pool = pool_of(pools, cap=4)
    pids = {pool.invoke({})["pid"] for _ in range(5)}
    assert len(pids) == 1
    assert pool.describe()["cold_starts"] == 1
    at_once(pool, [{"sleep": 0.5}] * 3)
    described = pool.describe()
    assert described["cold_starts"] == 3  # the warm one, plus two more
    assert described["peak_in_flight"] == 3
    assert [c["state"] for c in described["containers"]] == ["idle"] * 3


def test_idle_containers_are_reclaimed_but_the_most_recent_stays_warm(pools: list[Pool]) -> None:
    pool = pool_of(pools, cap=3)
    at_once(pool, [{"sleep": 0.5}] * 3)
    newest = pool.invoke({})["pid"]
    assert pool.reap(idle_s=60) == 0  # nobody idle long enough
    assert pool.reap(idle_s=0) == 2
    assert [c["pid"] for c in pool.describe()["containers"]] == [newest]
    assert pool.invoke({})["pid"] == newest
    assert pool.describe()["cold_starts"] == 3


def test_past_the_cap_calls_wait_their_turn_and_a_bounded_wait_is_throttled(
    pools: list[Pool],
) -> None:
    pool = pool_of(pools, cap=2)
    pool.invoke({})
    results = at_once(pool, [{"sleep": 0.6}] * 4)
    assert all(isinstance(r, dict) for r in results)
    assert len({r["pid"] for r in results}) == 2
    assert pool.describe()["peak_in_flight"] == 2
    busy = threading.Thread(target=at_once, args=(pool, [{"sleep": 1.5}] * 2))
    busy.start()
    while len([c for c in pool.describe()["containers"] if c["state"] == "busy"]) < 2:
        time.sleep(0.01)
    with pytest.raises(Throttled):
        pool.invoke({}, wait_s=0.5)
    busy.join()
    assert pool.describe()["throttled"] == 1
    assert pool.invoke({})["pid"] in {r["pid"] for r in results}  # the pool carries on


def test_waiting_calls_are_served_in_arrival_order_and_stopping_releases_them(
    pools: list[Pool],
) -> None:
    pool = pool_of(pools, cap=1)
    pool.invoke({})
    served: list[int] = []

    def call(i: int, sleep: float) -> None:
        pool.invoke({"sleep": sleep})
        served.append(i)

    threads = [threading.Thread(target=call, args=(0, 0.8))]
    threads[0].start()
    while pool.describe()["containers"][0]["state"] != "busy":
        time.sleep(0.01)
    for i in range(1, 4):
        threads.append(threading.Thread(target=call, args=(i, 0.05)))
        threads[-1].start()
        while pool.describe()["waiting"] < i:
            time.sleep(0.01)
    for thread in threads:
        thread.join(timeout=30)
    assert served == [0, 1, 2, 3]
    held: list[Any] = []
    holder = threading.Thread(target=lambda: held.append(at_once(pool, [{"sleep": 1.0}])[0]))
    holder.start()
    while pool.describe()["containers"][0]["state"] != "busy":
        time.sleep(0.01)
    waiting: list[Any] = []
    waiter = threading.Thread(target=lambda: waiting.append(at_once(pool, [{}])[0]))
    waiter.start()
    while pool.describe()["waiting"] < 1:
        time.sleep(0.01)
    pool.stop()
    waiter.join(timeout=30)
    holder.join(timeout=30)
    assert isinstance(waiting[0], FunctionError)
    assert "stopping" in str(waiting[0])
    assert isinstance(held[0], FunctionError)  # stopping the stack ends what is in flight


def test_a_container_that_dies_is_replaced_and_errors_leave_it_warm(pools: list[Pool]) -> None:
    pool = pool_of(pools, cap=2)
    warm = pool.invoke({})["pid"]
    with pytest.raises(FunctionError, match="the function failed"):
        pool.invoke({"raise": True})
    assert pool.invoke({})["pid"] == warm  # a handler's exception keeps the container
    with pytest.raises(FunctionError, match="exited"):
        pool.invoke({"exit": True})
    assert pool.invoke({})["pid"] != warm
    assert len(pool.describe()["containers"]) == 1


def test_a_function_that_cannot_start_fails_every_call(pools: list[Pool]) -> None:
    broken = Function(name="broken", handler="tests.unit.no_such_module:handler", description="")
    pool = pool_of(pools, cap=2, function=broken)
    for result in at_once(pool, [{}, {}, {}]):
        assert isinstance(result, FunctionError)
        assert "failed to start" in str(result)
    assert pool.describe()["containers"] == []


def test_the_cap_comes_from_the_environment_and_a_reserved_concurrency(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MOMENTUM_LOCAL_CONCURRENCY", raising=False)
    assert concurrency_cap(SLOW) == 4
    monkeypatch.setenv("MOMENTUM_LOCAL_CONCURRENCY", "8")
    assert concurrency_cap(SLOW) == 8

    class Reserved:
        reserved_concurrency = 2

    assert concurrency_cap(Reserved()) == 2
    monkeypatch.setenv("MOMENTUM_LOCAL_CONCURRENCY", "0")
    with pytest.raises(ValueError, match="MOMENTUM_LOCAL_CONCURRENCY"):
        concurrency_cap(SLOW)
