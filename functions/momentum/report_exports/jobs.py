"""The export job item: what was asked, by whom, and how far the worker got.

One item per job under the org's partition (`ORG#…#REPORTEXPORT#{id}`), so a job is only
ever read with the caller's org in the key: another org's admin finds nothing (404). The
worker moves it on with conditional writes on `step`, so a duplicate or stale queue
message can never write over a newer state, and one lease keeps two workers apart.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from momentum.core import aws, clock
from momentum.core.config import settings
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.keys import key, org_prefix
from momentum.store.schema import TTL_ATTRIBUTE

# Jobs (and their files, through the bucket's lifecycle rule) are kept a week.
KEEP_FOR = timedelta(days=7)
FINISHED = ("done", "failed")


def enqueue(org_id: str, export_id: str, step: int, *, delay: int = 0) -> None:
    """Ask the worker to run the job's `step`. Here rather than in the worker, so asking
    for an export does not load the report readers the worker writes files with."""
    aws.client("sqs").send_message(
        QueueUrl=settings().export_queue_url,
        MessageBody=json.dumps({"org_id": org_id, "export_id": export_id, "step": step}),
        DelaySeconds=delay,
    )


def job_key(org_id: str, export_id: str) -> dict[str, str]:
    return key(f"{org_prefix(org_id)}#REPORTEXPORT#{export_id}", "EXPORT")


def object_key(org_id: str, export_id: str, report: str) -> str:
    """The file's S3 key: under the org, so no key of one org can name another's file."""
    return f"exports/{org_id}/{export_id}/{report}.csv"


def scratch_key(org_id: str, export_id: str, name: str) -> str:
    return f"exports/{org_id}/{export_id}/work/{name}"


def new_job(
    org_id: str, export_id: str, report: str, filters: dict[str, Any], user_id: str, now: datetime
) -> Item:
    return {
        **job_key(org_id, export_id),
        "type": "report_export",
        "id": export_id,
        "org_id": org_id,
        "report": report,
        "filters": json.dumps(filters, sort_keys=True),
        "requested_by": user_id,
        "requested_at": clock.api_instant(now),
        "status": "queued",
        "step": 0,
        "rows": 0,
        "bytes": 0,
        TTL_ATTRIBUTE: int((now + KEEP_FOR).timestamp()),
    }


def create(item: Item) -> None:
    table.put(item)


def get(org_id: str, export_id: str) -> Item | None:
    return table.get(job_key(org_id, export_id), consistent=True)


def _update(
    org_id: str, export_id: str, values: dict[str, Any], condition: str, given: dict[str, Any]
) -> bool:
    """SET `values` if `condition` holds; False when it does not (someone else moved on)."""
    names = {f"#v{i}": name for i, name in enumerate(values)}
    sets = ", ".join(f"#v{i} = :v{i}" for i in range(len(values)))
    expression_values = {f":v{i}": value for i, value in enumerate(values.values())}
    expression_values.update(given)
    return transactions.write_if(
        transactions.update(
            job_key(org_id, export_id),
            f"SET {sets}",
            condition=condition,
            names={**names, "#step": "step"},
            values=expression_values,
        )
    )


def claim(job: Item, lease_seconds: int, now: datetime) -> bool:
    """Take the job for this invocation: its step unchanged, no live lease on it."""
    return _update(
        job["org_id"],
        job["id"],
        {"status": "running", "lease_until": int(now.timestamp()) + lease_seconds},
        "#step = :step AND (attribute_not_exists(lease_until) OR lease_until < :now)",
        {":step": job["step"], ":now": int(now.timestamp())},
    )


def checkpoint(job: Item, progress: dict[str, Any]) -> bool:
    """Record where the next invocation continues (cursor, upload parts) and free the job."""
    return _update(
        job["org_id"],
        job["id"],
        {**progress, "step": int(job["step"]) + 1, "lease_until": 0},
        "#step = :step",
        {":step": job["step"]},
    )


def finish(job: Item, values: dict[str, Any]) -> bool:
    """done or failed, once: written as a checkpoint is, so the step moves on and no later
    message touches the job."""
    return checkpoint(job, values)


def release(job: Item) -> None:
    """Give the step back after a failed attempt, so the retry need not wait out the lease."""
    _update(job["org_id"], job["id"], {"lease_until": 0}, "#step = :step", {":step": job["step"]})
