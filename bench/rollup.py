"""Roll-up figures (issue 17 point 3): 16 concurrent writers checking in under one
objective (in-process threads against moto, and over HTTP against a local stack): failed
requests and the final progress against a from-scratch recomputation; and a check-in's
round trips and time at 10 and at 10,000 children of its parent.

`python -m bench rollup` runs both (over HTTP against a local stack it starts, or the one
at $BENCH_STACK_URL with $BENCH_DYNAMODB_URL); the 10 / 10,000 children figures are
measured in-process against that stack's DynamoDB Local. Only against a running stack
(`make serve`): `python -m bench.rollup --http URL [--dynamodb URL]`.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

import tests.conftest  # noqa: F401  (the test environment: table name, fake credentials)

Report = Callable[[str, float, str], None]
WRITERS, ROUNDS = 16, 5
STATUSES = ("on_track", "behind", "at_risk")
PERIOD = {"start_date": "2026-01-01", "due_date": "2030-12-31"}


def _value(writer: int, round_: int) -> float:
    return float((writer * 7 + round_ * 13) % 101)


# --- in-process -------------------------------------------------------------------------


def _atomic_moto() -> None:
    """DynamoDB applies each request atomically; moto's backend does not under threads."""
    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    original = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        with lock:
            return original(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]


def _concurrent(report: Report, api: Any, admin: Any) -> None:
    from momentum.frame.principal import principal_from_item
    from momentum.identity import service as identity
    from momentum.okrs import rollup, service
    from momentum.okrs.models import CheckInCreate

    objective = api.post(admin, "/v1/goals", {"kind": "objective", "title": "Hot", **PERIOD}).ok()
    krs = [
        api.post(
            admin,
            "/v1/goals",
            {"kind": "key_result", "title": f"KR {n}", "parent_id": objective["id"], **PERIOD},
        ).ok()
        for n in range(WRITERS)
    ]
    user = identity.user_item(admin.org_id, admin.user_id)
    assert user is not None
    principal = principal_from_item(admin.org_id, user)

    def writer(n: int) -> int:
        failed = 0
        for round_ in range(ROUNDS):
            request = CheckInCreate(value=_value(n, round_), status=STATUSES[(n + round_) % 3])
            try:
                service.check_in(principal, krs[n]["id"], request)
            except Exception:  # a 409 or anything else: counted, the figure says how many
                failed += 1
        return failed

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        failed = sum(pool.map(writer, range(WRITERS)))
    elapsed = time.perf_counter() - started
    stored = api.get(admin, f"/v1/goals/{objective['id']}").ok()
    progress, _ = rollup.recomputed(admin.org_id, objective["id"])
    report(f"rollup: in-process {WRITERS} writers x {ROUNDS} check-ins: failed", failed, "requests")
    report("rollup: in-process final progress (stored)", stored["progress"], "%")
    report("rollup: in-process final progress (from scratch)", progress, "%")
    report("rollup: in-process wall time", elapsed, "s")


def seed_children(
    org_id: str,
    owner: Any,
    parent: dict[str, Any],
    n: int,
    *,
    progress: float = 40,
    status: str = "on_track",
) -> list[str]:
    """`n` key results under `parent`, written as the service leaves them (each goal and
    its entry, the sums ADDed to the parent) without n requests, since moto copies the
    whole table for every transaction. The parent's new progress is stored but not
    climbed further: seed under a top-level parent, or values that leave it unchanged."""
    from momentum.core import clock
    from momentum.core.ids import new_id
    from momentum.okrs import keys, repository, rollup_items, rules
    from momentum.store import table

    now = clock.api_instant(clock.now())
    goals, entries = [], []
    for index in range(n):
        body: dict[str, Any] = {
            "id": new_id(),
            "kind": "key_result",
            "title": f"Seeded KR {index}",
            "description": "",
            "owner_id": owner.user_id,
            "owner_name": owner.name,
            "owner_chain": [],
            "owner_time_zone": "UTC",
            "parent_id": parent["id"],
            "visibility": "public",
            "weight": 1,
            "progress_mode": "manual",
            "metric": {"type": "percent", "start": 0, "target": 100, "current": progress},
            "own_progress": progress,
            "own_status": status,
            "closed": False,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "cycle_id": parent["cycle_id"],
            **PERIOD,
            rules.SEQ: 1,
        }
        rules.refresh(body)
        goals.append(repository.goal_item(org_id, body, None))
        entries.append(
            {
                **keys.child_key(org_id, parent["id"], body["id"]),
                "type": "goal_child",
                "child_id": body["id"],
                "src_seq": 1,
                **rules.child_entry(body),
            }
        )
    table.batch_put([*goals, *entries])
    answer = rollup_items.add_to_aggregates(org_id, parent["id"], rules.summed(entries))
    assert answer is not None
    stored = answer[0]
    rollup_items.set_rolled_up(stored, *rules.effective(stored), now)
    return [str(g["id"]) for g in goals]


def flat(report: Report, dynamodb_url: str, org_id: str, user_id: str) -> None:
    """A check-in's round trips and time at 10 and 10,000 children, in-process against
    the local stack's DynamoDB Local (moto copies its whole table for every transaction,
    which would time moto, not the check-in). The children are seeded; the parent is
    created and the check-ins made through the service."""
    from bench.counting import DynamoCounter
    from momentum.core import aws
    from momentum.core.config import settings
    from momentum.frame import org as org_cache
    from momentum.frame.principal import principal_from_item
    from momentum.identity import service as identity
    from momentum.okrs import service
    from momentum.okrs.models import CheckInCreate, GoalCreate

    try:  # TABLE_NAME is set inside too: the patch puts the environment back as it was
        with mock.patch.dict(os.environ, AWS_ENDPOINT_URL_DYNAMODB=dynamodb_url):
            aws.reset_clients()
            [os.environ["TABLE_NAME"]] = aws.dynamodb().list_tables()["TableNames"]
            settings.cache_clear()
            org_cache.clear_cache()
            user = identity.user_item(org_id, user_id)
            assert user is not None
            principal = principal_from_item(org_id, user)
            for children in (10, 10_000):
                request = GoalCreate(kind="objective", title=f"{children} children")
                parent = service.create_goal(principal, request).model_dump(mode="json")
                first, second = seed_children(org_id, principal, parent, children)[:2]
                service.check_in(principal, second, CheckInCreate(value=10, status="on_track"))
                with DynamoCounter() as counter:
                    started = time.perf_counter()
                    service.check_in(principal, first, CheckInCreate(value=75, status="behind"))
                    elapsed = time.perf_counter() - started
                at = f"at {children} children"
                report(f"rollup: check-in round trips {at}", counter.calls, "calls")
                report(f"rollup: check-in time {at}", elapsed * 1000, "ms")
    finally:
        aws.reset_clients()
        settings.cache_clear()
        org_cache.clear_cache()


def bench(report: Report) -> None:
    from moto import mock_aws
    from tests.support.harness import InProcessApi, fake_sign_in

    from momentum.core import aws
    from momentum.core.config import settings
    from momentum.frame import org as org_cache
    from momentum.frame import principal as principal_module
    from momentum.store.schema import create_table_request

    _atomic_moto()
    with mock_aws():
        aws.reset_clients()
        principal_module.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        fake_sign_in()
        api = InProcessApi()
        admin = api.new_org("Bench roll-up")
        _concurrent(report, api, admin)
        aws.reset_clients()
    report_http(report, os.environ.get("BENCH_STACK_URL"), os.environ.get("BENCH_DYNAMODB_URL"))


# --- over HTTP ---------------------------------------------------------------------------


def over_http(url: str, writers: int = WRITERS, rounds: int = ROUNDS) -> dict[str, Any]:
    """`writers` concurrent clients checking in under one objective of a new org of the
    stack at `url`. Returns failed requests, stored and from-scratch progress, wall time."""
    import httpx

    from momentum.okrs import rules

    made = httpx.post(
        f"{url}/local/orgs",
        json={
            "name": "Roll-up bench",
            "admin_email": f"admin+{time.time_ns()}@rollup-bench.test",
            "admin_name": "Bench Admin",
            "time_zone": "UTC",
        },
        timeout=60,
    ).json()
    headers = {"Authorization": f"Bearer {made['token']}"}
    client = httpx.Client(base_url=url, headers=headers, timeout=120)

    def create(body: dict[str, Any]) -> dict[str, Any]:
        answer = client.post("/v1/goals", json={**body, **PERIOD})
        answer.raise_for_status()
        return dict(answer.json())

    objective = create({"kind": "objective", "title": "Hot objective"})
    krs = [
        create({"kind": "key_result", "title": f"KR {n}", "parent_id": objective["id"]})
        for n in range(writers)
    ]

    def writer(n: int) -> int:
        failed = 0
        with httpx.Client(base_url=url, headers=headers, timeout=120) as own:
            for round_ in range(rounds):
                body = {"value": _value(n, round_), "status": STATUSES[(n + round_) % 3]}
                answer = own.post(f"/v1/goals/{krs[n]['id']}/check-ins", json=body)
                failed += answer.status_code >= 300
        return failed

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        failed = sum(pool.map(writer, range(writers)))
    elapsed = time.perf_counter() - started
    stored = client.get(f"/v1/goals/{objective['id']}").json()
    children = [client.get(f"/v1/goals/{k['id']}").json() for k in krs]
    progress, _ = rules.rolled_up(rules.aggregates(rules.summed(children)))
    return {
        "org_id": made["org_id"],
        "user_id": made["admin_user_id"],
        "failed": failed,
        "stored": stored["progress"],
        "from_scratch": progress,
        "seconds": elapsed,
    }


def report_http(report: Report, url: str | None = None, dynamodb_url: str | None = None) -> None:
    """Against `url`, or (for `make bench`) a local stack started here as the e2e tests
    start theirs: on free ports, with a temporary data folder."""
    if url is None:
        import tempfile
        from pathlib import Path

        from tests.support.local_stack import LocalStackProcess

        with tempfile.TemporaryDirectory() as folder:
            stack = LocalStackProcess(Path(folder) / "data")
            stack.start()
            try:
                report_http(report, stack.url, f"http://127.0.0.1:{stack.dynamodb_port}")
            finally:
                stack.stop()
        return
    figures = over_http(url)
    report(
        f"rollup: HTTP {WRITERS} writers x {ROUNDS} check-ins: failed",
        figures["failed"],
        "requests",
    )
    report("rollup: HTTP final progress (stored)", figures["stored"], "%")
    report("rollup: HTTP final progress (from scratch)", figures["from_scratch"], "%")
    report("rollup: HTTP wall time", figures["seconds"], "s")
    if dynamodb_url:
        flat(report, dynamodb_url, figures["org_id"], figures["user_id"])


if __name__ == "__main__":
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root / "functions"), str(root)]
    from bench.__main__ import report as print_row

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--http", metavar="URL", help="a running local stack's base URL")
    parser.add_argument("--dynamodb", metavar="URL", help="its DynamoDB Local (for 10k)")
    asked = parser.parse_args()
    if asked.http:
        report_http(print_row, asked.http.rstrip("/"), asked.dynamodb)
    else:
        bench(print_row)
