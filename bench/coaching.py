"""Coaching figures: what the progress sweep reads per engagement due, with 50,000
engagements that are not due in the table, and what reading one engagement costs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import tests.conftest  # noqa: F401  (the test environment: table name, fake credentials)
from moto import mock_aws
from tests.support.harness import Actor, InProcessApi, fake_sign_in

from bench.counting import DynamoCounter
from momentum.coaching import repository, tracking
from momentum.coaching.sweeps import track_engagement_progress
from momentum.core import aws, clock
from momentum.core.config import settings
from momentum.core.ids import new_id
from momentum.frame import org as org_cache
from momentum.frame import principal as principal_module
from momentum.frame.sweeps import Budget
from momentum.store import table
from momentum.store.schema import create_table_request

NOT_DUE = 50_000
DUE = 200
Report = Callable[[str, float, str], None]


def _engagement(
    org_id: str, coachee: Actor, coach: Actor, due_in_days: int, *, notify: bool
) -> dict[str, Any]:
    """An active engagement whose due-by is `due_in_days` away (negative: already due)."""
    now = clock.now()
    started = (now + timedelta(days=due_in_days - 21)).date()
    body = {
        "id": new_id(),
        "template_id": new_id(),
        "template_name": "Bench sprint",
        "engagement_type": "one_on_one",
        "status": "active",
        "coachee_id": coachee.user_id,
        "coach_id": coach.user_id,
        "owner_id": coach.user_id,
        "time_zone": "UTC",
        "progress_tracking": {"enabled": True, "threshold_days": 21, "notify_off_track": notify},
        "clock_started_on": started.isoformat(),
        "clock_start_kind": "activation",
        "activated_at": clock.api_instant(now),
        "created_at": clock.api_instant(now),
        "created_by": coach.user_id,
        "version": 2,
        "off_track_announced": False,
    }
    collection = repository.Collection(body)
    body["progress"] = tracking.as_dict(tracking.compute(collection, now))
    return repository.engagement_item(org_id, body, tracking.due_at(body))


def _sweep_reads(report: Report, label: str) -> None:
    with DynamoCounter() as counter:
        summary = track_engagement_progress(clock.now(), Budget())
    assert summary.done == DUE, summary
    report(
        f"coaching: sweep items read per engagement due ({label})",
        counter.items_read / DUE,
        "items",
    )
    report(
        f"coaching: sweep round trips per engagement due ({label})", counter.calls / DUE, "calls"
    )


class _TablesKeptInPlace:
    """Stands in for the `copy` module inside moto's DynamoDB backend during the bench.

    moto backs up the whole table before each operation of a TransactWriteItems (a deep
    copy of 50,000 items: seconds per write). The bench counts reads, and none of its
    transactions fail, so the backup is skipped; every other deep copy stays real.
    """

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def bench(report: Report) -> None:
    with mock_aws(), mock.patch("moto.dynamodb.models.copy", _TablesKeptInPlace):
        aws.reset_clients()
        principal_module.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        fake_sign_in()
        aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
        api = InProcessApi()
        admin = api.new_org("Bench")
        coach = api.add_user(admin, "Bench Coach", roles=["coach"])
        coachees = [api.add_user(admin, f"Bench Coachee {n}", roles=["coachee"]) for n in range(20)]

        table.batch_put(
            _engagement(admin.org_id, coachees[n % 20], coach, 30 + n % 300, notify=True)
            for n in range(NOT_DUE)
        )
        table.batch_put(
            _engagement(admin.org_id, coachees[n % 20], coach, -1, notify=False) for n in range(DUE)
        )
        _sweep_reads(report, f"flip only, {NOT_DUE:,} not due")
        table.batch_put(
            _engagement(admin.org_id, coachees[n % 20], coach, -1, notify=True) for n in range(DUE)
        )
        # Emailing someone means reading their user item (address, zone, opt-outs) once per
        # sweep: here 22 recipients for 200 engagements, so 0.11 of the figure.
        _sweep_reads(report, "with emails to 20 coachees, 1 coach, 1 admin")

        engagement_id = api.get(admin, "/v1/engagements?limit=1").ok()["items"][0]["id"]
        api.get(admin, f"/v1/engagements/{engagement_id}").ok()  # warm the caches
        with DynamoCounter() as counter:
            api.get(admin, f"/v1/engagements/{engagement_id}").ok()
        report("coaching: engagement read round trips", counter.calls, "calls")
        aws.reset_clients()


if __name__ == "__main__":
    bench(lambda name, value, unit: print(f"{name}: {value:.3f} {unit}"))
