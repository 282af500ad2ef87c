"""The export worker: runs a job from its last checkpoint until the file is complete or
the invocation's time is up, then continues in a new invocation through the queue.

A queue message names the org, the job and the step it continues. The job's item says
which step is current; a message for an older step (a duplicate) is dropped, one for a
newer step than the item shows (its checkpoint not yet visible) is retried. Each step is
claimed with a lease, so two deliveries of one message never write the same file at once.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from momentum.core import clock, observability
from momentum.frame.sweeps import Budget
from momentum.report_exports import jobs, storage
from momentum.report_exports.sources import Context, source_of
from momentum.store.codec import Item

logger = observability.logger
# The rows written since the last uploaded part (parts are storage.PART_BYTES), kept
# between invocations as a scratch object.
UNUPLOADED_ROWS = "pending.csv"
# A continuation waits this long, so the checkpoint written after sending it is visible.
CONTINUE_DELAY_SECONDS = 2
# A job whose worker failed this many deliveries is failed for good (the queue's DLQ
# takes the message at five; the job says so well before).
MAX_ATTEMPTS = 3


class NotYet(Exception):
    """The message is ahead of the job's checkpoint: retry it later."""


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def handle(message: dict[str, Any], budget: Budget, lease_seconds: int, attempt: int = 1) -> str:
    """Run one delivery; answers what happened (for logs and tests)."""
    job = jobs.get(str(message["org_id"]), str(message["export_id"]))
    if job is None or job["status"] in jobs.FINISHED or int(message["step"]) < int(job["step"]):
        return "stale"
    if int(message["step"]) > int(job["step"]):
        raise NotYet(f"export {job['id']} is at step {job['step']}, not {message['step']}")
    now = clock.now()
    if not jobs.claim(job, lease_seconds, now):
        return "busy"
    try:
        return run(job, budget)
    except Exception:
        if attempt >= MAX_ATTEMPTS:
            fail(job, "The export could not be written; request it again.")
            logger.exception("export failed for good", extra={"export_id": job["id"]})
            return "failed"
        jobs.release(job)  # the queue's next delivery of this message may claim it at once
        raise


def run(job: Item, budget: Budget) -> str:
    """Write from the job's checkpoint on; "done" or "paused" (continued by the queue)."""
    source = source_of(job["report"])
    filters = json.loads(job["filters"])
    ctx = Context(
        job["org_id"], job["id"], filters, job["requested_at"], budget, job["requested_by"]
    )
    key = jobs.object_key(job["org_id"], job["id"], job["report"])
    progress = json.loads(job.get("progress") or "null")
    if progress is None:
        progress = {
            "upload_id": storage.start_upload(key),
            "etags": [],
            "cursor": None,
            "rows": 0,
            "bytes": 0,
            "pending": False,
        }
        buffer = bytearray(_csv([source.columns]))
    elif progress["pending"]:
        buffer = bytearray(storage.get_scratch(ctx.scratch(UNUPLOADED_ROWS)))
    else:
        buffer = bytearray()
    for chunk in source.chunks(ctx, progress["cursor"]):
        buffer += _csv(chunk.rows)
        progress["rows"] += len(chunk.rows)
        progress["cursor"] = chunk.cursor
        while len(buffer) >= storage.PART_BYTES:
            part = bytes(buffer[: storage.PART_BYTES])
            del buffer[: storage.PART_BYTES]
            number = len(progress["etags"]) + 1
            progress["etags"].append(storage.upload_part(key, progress["upload_id"], number, part))
            progress["bytes"] += len(part)
        if budget.exhausted():
            return _pause(job, ctx, progress, bytes(buffer))
    if buffer or not progress["etags"]:
        number = len(progress["etags"]) + 1
        data = bytes(buffer)
        progress["etags"].append(storage.upload_part(key, progress["upload_id"], number, data))
        progress["bytes"] += len(data)
    storage.complete_upload(key, progress["upload_id"], progress["etags"])
    storage.delete_scratch([ctx.scratch(name) for name in (UNUPLOADED_ROWS, *source.scratch)])
    jobs.finish(
        job,
        {
            "status": "done",
            "rows": progress["rows"],
            "bytes": progress["bytes"],
            "reads": int(job.get("reads") or 0) + ctx.reads,
            "finished_at": clock.api_instant(clock.now()),
            "progress": "null",
        },
    )
    logger.info("export done", extra={"export_id": job["id"], "rows": progress["rows"]})
    return "done"


def _pause(job: Item, ctx: Context, progress: dict[str, Any], pending: bytes) -> str:
    """Save what is not uploaded yet and where the rows continue; the queue does the rest."""
    storage.put_scratch(ctx.scratch(UNUPLOADED_ROWS), pending)
    progress["pending"] = True
    step = int(job["step"]) + 1
    # Sent before the checkpoint: if the checkpoint then fails, this invocation fails and
    # its own message comes back to redo the step; the early one waits (NotYet) meanwhile.
    jobs.enqueue(job["org_id"], job["id"], step, delay=CONTINUE_DELAY_SECONDS)
    jobs.checkpoint(
        job,
        {
            "status": "running",
            "progress": json.dumps(progress),
            "rows": progress["rows"],
            "reads": int(job.get("reads") or 0) + ctx.reads,
        },
    )
    return "paused"


def fail(job: Item, reason: str) -> None:
    progress = json.loads(job.get("progress") or "null") or {}
    if progress.get("upload_id"):
        key = jobs.object_key(job["org_id"], job["id"], job["report"])
        storage.abort_upload(key, progress["upload_id"])
    jobs.finish(
        job, {"status": "failed", "error": reason, "finished_at": clock.api_instant(clock.now())}
    )
