"""Conflict-free roll-up over HTTP (issue 17 point 3): 16 clients checking in at once
under one objective of the local stack all succeed, and the objective's progress equals
the from-scratch recomputation from its key results."""

from __future__ import annotations

from bench.rollup import over_http

from tests.support.local_stack import HttpApi


def test_sixteen_clients_checking_in_under_one_objective_all_succeed(stack: HttpApi) -> None:
    figures = over_http(stack.url, writers=16, rounds=2)
    assert figures["failed"] == 0
    assert figures["stored"] == figures["from_scratch"]
