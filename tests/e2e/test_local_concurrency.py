"""Concurrency is real on the local stack: each function runs as a pool of containers, so
concurrent HTTP requests reach its handler at the same time (as Lambda runs more
containers), and what the product promises under concurrency shows over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.test_okrs import goal, kr, read
from tests.support.harness import Actor, Reply
from tests.support.local_stack import HttpApi, LocalStackProcess

pytestmark = pytest.mark.e2e

POOL = 4


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    """A stack of its own, so the test knows which containers are cold."""
    stack = LocalStackProcess(
        tmp_path_factory.mktemp("concurrency") / "data",
        {"MOMENTUM_LOCAL_CONCURRENCY": str(POOL)},
    )
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def api(fresh: LocalStackProcess) -> HttpApi:
    return HttpApi(fresh.url, f"http://127.0.0.1:{fresh.dynamodb_port}")


def at_once(api: HttpApi, calls: list[Callable[[HttpApi], Reply]]) -> list[Reply]:
    """Every call from its own thread and connection, released together."""
    replies: list[Any] = [None] * len(calls)
    gate = threading.Barrier(len(calls))

    def run(i: int) -> None:
        own = HttpApi(api.url, api.dynamodb_url)
        own.http.get("/local/identity")  # the connection is open before the gate
        gate.wait()
        replies[i] = calls[i](own)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return replies


def invocations(api: HttpApi, function: str, replies: list[Reply]) -> list[dict[str, Any]]:
    """What the function's pool recorded for these requests (by API Gateway request id)."""
    pool = api.http.get("/local/containers").json()["functions"][function]
    by_trace = {entry["trace"]: entry for entry in pool["recent"]}
    return [by_trace[reply.headers["apigw-requestid"]] for reply in replies]


def overlapping(entries: list[dict[str, Any]]) -> bool:
    return any(
        a["pid"] != b["pid"]
        and max(a["started_at"], b["started_at"]) < min(a["finished_at"], b["finished_at"])
        for i, a in enumerate(entries)
        for b in entries[i + 1 :]
    )


def test_concurrent_requests_to_one_function_run_in_distinct_containers_at_once(
    api: HttpApi,
) -> None:
    admin = api.new_org("Overlap")
    replies = at_once(api, [lambda own: own.get(admin, "/v1/goals")] * 2)
    assert [r.status for r in replies] == [200, 200]
    served = invocations(api, "okrs-api", replies)
    # Both arrived at a cold function: the second did not wait for the first's container.
    assert all(entry["cold_start"] for entry in served)
    assert len({entry["pid"] for entry in served}) == 2
    assert overlapping(served)
    pool = api.http.get("/local/containers").json()["functions"]["okrs-api"]
    assert pool["cap"] == POOL
    assert pool["peak_in_flight"] == 2
    assert {c["state"] for c in pool["containers"]} == {"idle"}  # kept warm for the next


def warm(api: HttpApi, actor: Actor, path: str, function: str) -> None:
    """Bursts until the function has a full pool, so the next burst runs side by side."""
    for _ in range(5):
        at_once(api, [lambda own: own.get(actor, path)] * POOL)
        pool = api.http.get("/local/containers").json()["functions"][function]
        if len(pool["containers"]) == POOL:
            return
    raise AssertionError(f"{function} never reached {POOL} containers: {pool}")


def test_concurrent_shared_note_edits_from_one_version_let_exactly_one_win(
    api: HttpApi,
) -> None:
    admin = api.new_org("Notes")
    mia = api.add_user(admin, "Mia Manager", roles=["manager"])
    eli = api.add_user(admin, "Eli Employee", manager_id=mia.user_id)
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    made = api.post(
        mia,
        "/v1/one-on-ones",
        {
            "with_user_id": eli.user_id,
            "title": "Mia / Eli",
            "start": start.isoformat().replace("+00:00", "Z"),
            "end": (start + timedelta(minutes=30)).isoformat().replace("+00:00", "Z"),
        },
    ).ok()
    path = f"/v1/meetings/{made['meeting']['id']}"
    warm(api, mia, path, "one-on-ones-api")
    writers = [mia, eli] * 3
    replies = at_once(
        api,
        [
            lambda own, who=who, i=i: own.put(
                who, f"{path}/shared-notes", {"body": f"draft {i}", "version": 0}
            )
            for i, who in enumerate(writers)
        ],
    )
    assert sorted(r.status for r in replies) == [200] + [409] * 5
    [winner] = [r.json for r in replies if r.status == 200]
    assert winner["version"] == 1
    for lost in (r for r in replies if r.status == 409):
        assert lost.headers["content-type"] == "application/problem+json"
    assert api.get(eli, path).ok()["shared_notes"] == winner
    assert len({entry["pid"] for entry in invocations(api, "one-on-ones-api", replies)}) > 1


def test_concurrent_check_ins_under_one_objective_never_lose_an_update(api: HttpApi) -> None:
    """Each check-in either lands with its roll-up or is refused whole (409, retryable);
    the objective's progress is always the recomputation from its key results."""
    admin = api.new_org("Check-ins")
    objective = goal(api, admin, "Grow revenue")
    results = [kr(api, admin, f"Result {i}", objective) for i in range(8)]
    warm(api, admin, f"/v1/goals/{objective['id']}", "okrs-api")
    replies = at_once(
        api,
        [
            lambda own, g=g, i=i: own.post(
                admin,
                f"/v1/goals/{g['id']}/check-ins",
                {"note": "", "status": "on_track", "value": 10 * (i + 1)},
            )
            for i, g in enumerate(results)
        ],
    )
    statuses = [r.status for r in replies]
    assert set(statuses) <= {201, 409}, [r.text for r in replies]
    progresses = [read(api, admin, g)["progress"] for g in results]
    # a check-in that landed set its key result; a refused one changed nothing
    assert progresses == [10 * (i + 1) if status == 201 else 0 for i, status in enumerate(statuses)]
    expected = sum(progresses) / len(results)
    assert read(api, admin, objective)["progress"] == pytest.approx(expected)
    assert 201 in statuses
    assert overlapping(invocations(api, "okrs-api", replies))
