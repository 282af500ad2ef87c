"""Sweeps at scale (issue 17): the due index's hottest partition at a 1M-user Monday peak,
and a 1/100 local run (10,000 users, their goals and 1:1s due in one hour) worked by 1
and by N shard workers, with the time projected to 1M users within each sweep's period.

Benchmarks measure; they do not pass or fail. Seeding goes straight to the table (moto
in-process) and is timed on its own. moto is one Python process under the GIL, so its
wall times show the mechanism, not AWS's speed: the projection uses the round trips and
emails each entry costs (counted here) at DynamoDB's and SES's typical latencies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import tests.conftest  # noqa: F401  (the test environment: table name, fake credentials)
from moto import mock_aws
from tests.support.harness import Actor, InProcessApi, fake_sign_in

from bench.counting import DynamoCounter
from bench.exports import dynamodb_local, seed_members
from bench.okrs import _seeded_goal
from bench.one_on_ones import _meeting_items
from bench.sweep_peak import index_entry_wcu, peak
from momentum import catalog
from momentum.core import aws, clock
from momentum.core.config import settings
from momentum.frame import org as org_cache
from momentum.frame import principal as principal_module
from momentum.frame.sweeps import shards_due
from momentum.handlers import sweeps
from momentum.okrs import cadence
from momentum.store import table
from momentum.store.schema import DUE_SHARDS, create_table_request

Report = Callable[[str, float, str], None]
USERS = 10_000
ORG_SIZES = (4_000, 2_000, 1_500, 1_000, 600, 400, 200, 150, 100, 50)
WORKERS = 8  # the local run's N (the stack's SWEEP_WORKERS is larger)
DYNAMO_MS = 5.0  # a typical single-item round trip in one region
SES_MS = 30.0  # a typical SendEmail call
SES_DEFAULT_RATE = 14.0  # SES's default MaxSendRate once out of the sandbox
API_CHECKINS_PER_SECOND = 300.0  # a Monday-morning peak of check-ins at 1M users (guess)


def _people(api: InProcessApi) -> list[Actor]:
    """USERS users across orgs of unequal size, cloned from each org's first admin."""
    people: list[Actor] = []
    for size in ORG_SIZES:
        admin = api.new_org(f"Org of {size}")
        people.append(admin)
        people += [
            Actor(admin.org_id, str(body["id"]), "", str(body["email"]), str(body["name"]))
            for body in seed_members(admin.org_id, admin.user_id, size - 1, time_zone="UTC")
        ]
    return people


def _seed_work(people: list[Actor], instant: datetime) -> None:
    """A goal per person due at `instant`, and a 1:1 per pair starting an hour after it."""
    table.batch_put(_seeded_goal(p.org_id, p, instant, n) for n, p in enumerate(people))
    created = instant - timedelta(days=30)
    meetings = []
    for n in range(0, len(people) - 1, 2):
        owner, other = people[n], people[n + 1]
        if owner.org_id == other.org_id:
            series = f"01JBENCHSERIES{n:012d}"
            start = instant + timedelta(hours=1)
            meetings += _meeting_items(owner.org_id, owner, other, start, series, created)
    table.batch_put(meetings)


def _work(sweep: str, now: datetime, workers: int) -> tuple[float, dict[str, int]]:
    """A run fanned out to `workers` at once: wall seconds and the summed summary."""
    began = time.monotonic()
    due = shards_due(sweep, now)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda shard: sweeps.run(sweep, now, None, (shard,)), due))
    totals = {k: sum(int(r[k]) for r in results) for k in ("due", "done", "skipped", "failed")}
    return time.monotonic() - began, totals


def _local_run(report: Report) -> dict[str, dict[str, float]]:
    api = InProcessApi()
    began = time.monotonic()
    people = _people(api)
    first = cadence.next_reminder(clock.now(), cadence.Cadence(), "UTC")
    second = first + timedelta(days=7)
    _seed_work(people, first)
    # the same goals fall due again a week on; a second set of 1:1s starts then
    created = second - timedelta(days=30)
    table.batch_put(
        item
        for n in range(0, len(people) - 1, 2)
        if people[n].org_id == people[n + 1].org_id
        for item in _meeting_items(
            people[n].org_id,
            people[n],
            people[n + 1],
            second + timedelta(hours=1),
            f"01JBENCHSERIEZ{n:012d}",
            created,
        )
    )
    report(f"sweeps: seeding {USERS} users, goals and 1:1s x2", time.monotonic() - began, "s")
    costs: dict[str, dict[str, float]] = {}
    for sweep in ("checkin-reminders", "one-on-one-reminders"):
        for workers, instant in ((1, first), (WORKERS, second)):
            org_cache.clear_cache()
            sent_before = len(api.outbox())
            with DynamoCounter() as counter:
                wall, totals = _work(sweep, instant, workers)
            emails = len(api.outbox()) - sent_before
            report(
                f"sweeps: {sweep} local, {workers} worker{'s' if workers > 1 else ''} "
                f"({totals['due']} due)",
                wall,
                "s",
            )
            if workers == 1:
                costs[sweep] = {
                    "due": totals["due"],
                    "calls_per_entry": counter.calls / max(1, totals["due"]),
                    "emails_per_entry": emails / max(1, totals["due"]),
                }
    return costs


def _projections(report: Report, costs: dict[str, dict[str, float]], share: float) -> None:
    """Work at 1M users over the stack's workers, and the SES bound, per period."""
    workers = min(catalog.SWEEP_WORKERS, DUE_SHARDS)
    scale = 100
    # check-ins: everyone's goals fall due on Monday, the peak zone-hour holds `share`
    # 1:1s: the peak 5-minute window holds a weekly 1:1's share of one zone's 9-17 on Mon-Thu
    peaks = {
        "checkin-reminders": (costs["checkin-reminders"]["due"] * scale * share, 3600.0),
        "one-on-one-reminders": (costs["one-on-one-reminders"]["due"] * scale * share / 32, 300.0),
    }
    for sweep, (entries, period) in peaks.items():
        cost = costs[sweep]
        seconds = entries * (
            cost["calls_per_entry"] * DYNAMO_MS + cost["emails_per_entry"] * SES_MS
        )
        report(f"sweeps: {sweep} at 1M, peak entries per run", round(entries), "entries")
        report(f"sweeps: {sweep} at 1M, work over {workers} workers", seconds / 1000 / workers, "s")
        emails = entries * cost["emails_per_entry"]
        report(
            f"sweeps: {sweep} at 1M, SES-paced at {SES_DEFAULT_RATE:.0f}/s (period {period:.0f} s)",
            emails / SES_DEFAULT_RATE,
            "s",
        )
        report(f"sweeps: {sweep} at 1M, send rate to finish in period", emails / period, "emails/s")


def _hottest_partition(
    report: Report, costs: dict[str, dict[str, float]], figures: dict[str, float]
) -> None:
    report(
        "sweeps: 1M-user peak, orgs (largest org)",
        figures["orgs"],
        f"({figures['largest_org']:.0f} users)",
    )
    report(
        "sweeps: 1M-user peak, goals due at the peak instant",
        figures["peak_instant_goals"],
        "goals",
    )
    report(
        "sweeps: 1M-user peak, max goals due per partition and instant",
        figures["max_per_partition"],
        "goals",
    )
    report(
        "sweeps: same, with the former 4-shard key",
        figures["max_per_partition_former"],
        "goals",
    )
    goal = _seeded_goal("01JORG", Actor("01JORG", "01JOWNER", "", "o@x", "Owner"), clock.now(), 0)
    per_entry = 2 * index_entry_wcu(goal, "KEYS_ONLY")  # the re-arm: old entry out, new in
    former_per_entry = 2 * index_entry_wcu(goal, "ALL")
    # One worker drains a partition, one round trip after another: that is its ceiling.
    floor_ms = 4.0
    calls = max(1.0, costs["checkin-reminders"]["calls_per_entry"])
    worker_rate = 1000.0 / (calls * floor_ms)
    drained = min(figures["max_per_partition"], worker_rate)
    api_share = API_CHECKINS_PER_SECOND * per_entry / figures["partitions_used"]
    report(
        "sweeps: due-index WCU per re-armed goal (keys only; whole item before)",
        per_entry,
        f"({former_per_entry} before)",
    )
    report(
        "sweeps: goals one shard worker re-arms per second (at 4 ms a call)", worker_rate, "goals/s"
    )
    report(
        "sweeps: max writes per second on any due-index partition (1M peak)",
        drained * per_entry + api_share,
        "WCU/s",
    )


def bench(report: Report) -> None:
    # The table in DynamoDB Local when it is installed: moto answers each index query by
    # reading every item, which at 10,000 users measures moto, not the sweeps.
    with dynamodb_local() as local:
        passthrough = {"core": {"passthrough": {"services": ["dynamodb"] if local else []}}}
        report("sweeps: table in DynamoDB Local (1) or moto (0)", float(local), "")
        _bench(report, passthrough)


def _bench(report: Report, passthrough: dict[str, Any]) -> None:
    with mock_aws(config=passthrough):  # type: ignore[call-overload]  # moto's TypedDict
        aws.reset_clients()
        principal_module.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
        fake_sign_in()
        costs = _local_run(report)
        aws.reset_clients()
    for sweep, cost in costs.items():
        report(f"sweeps: {sweep} round trips per entry", cost["calls_per_entry"], "calls")
        report(f"sweeps: {sweep} emails per entry", cost["emails_per_entry"], "emails")
    figures = peak()
    _projections(report, costs, figures["peak_instant_share"])
    _hottest_partition(report, costs, figures)


if __name__ == "__main__":
    bench(lambda name, value, unit: print(f"{name}: {value:.3f} {unit}"))
