"""Conflict-free roll-up (issue 17 point 3): concurrent check-ins under one objective all
succeed and leave it exact; a parent's item does not grow with its children; a subtree
larger than one transaction moves in O(depth) writes."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from bench.rollup import seed_children
from moto.dynamodb.responses import DynamoHandler

from momentum.core import aws
from momentum.frame.principal import Principal, principal_from_item
from momentum.identity import service as identity
from momentum.okrs import keys, rollup, service
from momentum.okrs.models import CheckInCreate
from momentum.store import table
from tests.support.harness import Actor, Api

PERIOD = {"start_date": "2026-01-01", "due_date": "2030-12-31"}
WRITERS = 16


@pytest.fixture
def atomic_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies each request atomically; moto's Python backend does not under
    threads (two ADDs can interleave inside it), so each request takes a lock here. The
    requests of different threads still interleave freely between each other."""
    lock = threading.Lock()
    original = DynamoHandler.call_action

    def call_action(self: DynamoHandler) -> Any:
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", call_action)


def goal(api: Api, actor: Actor, title: str, **fields: Any) -> dict[str, Any]:
    body = {"kind": "objective", "title": title, **PERIOD, **fields}
    return dict(api.post(actor, "/v1/goals", body).ok())


def kr(api: Api, actor: Actor, title: str, parent: dict[str, Any], **fields: Any) -> Any:
    return goal(api, actor, title, kind="key_result", parent_id=parent["id"], **fields)


def read(api: Api, actor: Actor, g: dict[str, Any]) -> dict[str, Any]:
    return dict(api.get(actor, f"/v1/goals/{g['id']}").ok())


def principal_of(actor: Actor) -> Principal:
    item = identity.user_item(actor.org_id, actor.user_id)
    assert item is not None
    return principal_from_item(actor.org_id, item)


def assert_exact(api: Api, actor: Actor, *goals: dict[str, Any]) -> None:
    for g in goals:
        now = read(api, actor, g)
        assert (now["progress"], now["status"]) == rollup.recomputed(actor.org_id, g["id"])


def counted(call: Callable[[], Any]) -> int:
    calls = [0]

    def before(**_: Any) -> None:
        calls[0] += 1

    events = aws.dynamodb().meta.events
    events.register("before-call.dynamodb", before)
    try:
        call()
    finally:
        events.unregister("before-call.dynamodb", before)
    return calls[0]


def test_sixteen_concurrent_writers_under_one_objective_all_succeed_exactly(
    api: Api, atomic_moto: None
) -> None:
    admin = api.new_org()
    top = goal(api, admin, "Company")
    team = goal(api, admin, "Team", parent_id=top["id"])
    krs = [kr(api, admin, f"KR {n}", team, weight=float(1 + n % 3)) for n in range(WRITERS)]
    principal = principal_of(admin)
    statuses = ["on_track", "behind", "at_risk"]

    def writer(n: int) -> list[str]:
        failures = []
        for round_ in range(3):
            value = float((n * 7 + round_ * 13) % 101)
            request = CheckInCreate(value=value, status=statuses[(n + round_) % 3])
            try:
                service.check_in(principal, krs[n]["id"], request)
            except Exception as error:  # a 409 (or anything) is what this test counts
                failures.append(repr(error))
        return failures

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        failures = [f for found in pool.map(writer, range(WRITERS)) for f in found]
    assert failures == []
    assert_exact(api, admin, team, top)
    team_now = read(api, admin, team)
    assert len(team_now["children"]) == WRITERS
    assert team_now["status"] == "at_risk"
    # the explanation's entries are each key result's final value
    finals = {k["id"]: read(api, admin, k)["progress"] for k in krs}
    assert {c["id"]: c["progress"] for c in team_now["children"]} == finals


def _size(org_id: str, goal_id: str) -> int:
    item = table.get(keys.goal_key(org_id, goal_id), consistent=True)
    assert item is not None
    return len(json.dumps(item, default=str))


def test_a_parent_with_300_children_takes_check_ins_and_its_item_does_not_grow(
    api: Api,
) -> None:
    admin = api.new_org()
    parent = goal(api, admin, "Busy objective")
    principal = principal_of(admin)
    first = [kr(api, admin, f"Early KR {n}", parent) for n in range(10)]
    service.check_in(principal, first[0]["id"], CheckInCreate(value=50, status="behind"))
    at_ten = _size(admin.org_id, parent["id"])
    calls_at_ten = counted(
        lambda: service.check_in(
            principal, first[1]["id"], CheckInCreate(value=70, status="on_track")
        )
    )
    seed_children(admin.org_id, admin, parent, 289, progress=0, status="not_started")
    last = kr(api, admin, "Late KR", parent)  # the 300th, through the service
    at_300 = _size(admin.org_id, parent["id"])
    # a few more digits in the sums and counters; before, ~230 B per child (+67 KB here)
    assert abs(at_300 - at_ten) < 64
    calls_at_300 = counted(
        lambda: service.check_in(principal, last["id"], CheckInCreate(value=90, status="on_track"))
    )
    assert calls_at_300 == calls_at_ten
    now = read(api, admin, parent)
    assert len(now["children_ids"]) == 300 and now["child_count"] == 300
    assert now["progress"] == round((50 + 70 + 90) / 300, 2)
    assert now["status"] == "behind"
    assert_exact(api, admin, parent)
    listed = api.get(admin, f"/v1/goals?owner_id={admin.user_id}&cycle_id=all&limit=100").ok()
    busy = next(g for g in listed["items"] if g["id"] == parent["id"])
    assert busy["child_count"] == 300 and len(busy["children_ids"]) == 100


def test_a_subtree_of_more_than_100_goals_moves_and_both_parents_stay_exact(
    api: Api,
) -> None:
    admin = api.new_org()
    old, new = goal(api, admin, "Old parent"), goal(api, admin, "New parent")
    kept = kr(api, admin, "Stays behind", old)
    moving = goal(api, admin, "Moving objective", parent_id=old["id"])
    leaves: list[str] = []
    for n in range(20):
        sub = goal(api, admin, f"Sub objective {n}", parent_id=moving["id"])
        # not started, as the sub-objective already shows: its own entry stays right
        leaves += seed_children(admin.org_id, admin, sub, 5, progress=0, status="not_started")
    principal = principal_of(admin)
    service.check_in(principal, kept["id"], CheckInCreate(value=20, status="on_track"))
    service.check_in(principal, leaves[0], CheckInCreate(value=100, status="at_risk"))
    assert read(api, admin, old)["status"] == "at_risk"
    calls = counted(
        lambda: api.patch(admin, f"/v1/goals/{moving['id']}", {"parent_id": new["id"]}).ok()
    )
    assert calls <= 16  # the goal, its tokens, both parents' chains: not its 120 descendants
    old_now = read(api, admin, old)
    assert (old_now["progress"], old_now["status"]) == (20, "on_track")
    assert old_now["children_ids"] == [kept["id"]]
    assert read(api, admin, new)["children_ids"] == [moving["id"]]
    assert read(api, admin, new)["status"] == "at_risk"
    # a deep check-in now reaches the new parent, not the old one
    service.check_in(principal, leaves[-1], CheckInCreate(value=100, status="on_track"))
    assert_exact(api, admin, old, new, moving)
    assert read(api, admin, old)["progress"] == 20
    assert read(api, admin, new)["progress"] == round((100 + 100) / 100, 2)
    # and the chain still refuses a loop, read along the parent pointers
    sub_id = read(api, admin, {"id": leaves[0]})["parent_id"]
    assert api.patch(admin, f"/v1/goals/{new['id']}", {"parent_id": sub_id}).status == 409
