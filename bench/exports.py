"""Report exports (issue 17): the 1:1 report of 10,000 users over 12 months, written as a
CSV file by the export worker, end to end in moto (DynamoDB, SQS, S3) in-process.

The table is DynamoDB Local (in memory, started here from the jar `make serve` installs;
moto's DynamoDB scans every item for each index query, which at 140,000 items measures
moto), S3, SQS and Cognito are moto in-process; without the jar the table is moto's too.
Seeding goes straight to the table in batches and is timed on its own: 5,000 pairs (each
person in one 1:1), a meeting every two weeks for a year. The export then runs from the
queue until done, in invocations of the worker's own budget; the file is downloaded
through its presigned URL and parsed with the csv module. Wall times show the mechanism
on a laptop, not AWS's speed; items read per row is what carries over.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import tests.conftest  # noqa: F401  (the test environment: table name, fake credentials)
from moto import mock_aws

from momentum.core import aws, clock
from momentum.core.config import settings
from momentum.core.ids import new_id
from momentum.frame import org as org_cache
from momentum.frame import principal as principal_module
from momentum.frame.sweeps import Budget
from momentum.identity import repository as identity_repository
from momentum.one_on_ones import materialise, repository
from momentum.report_exports import worker
from momentum.store import table
from momentum.store.codec import Item
from momentum.store.keys import user_key
from momentum.store.schema import create_table_request

Report = Callable[[str, float, str], None]
USERS = 10_000
EVERY_DAYS = 14
WORKER_SECONDS = 300 - 20  # the worker's timeout less the handler's reserve
CUT_SECONDS = 20  # a second run in invocations this short: the same file, resumed
YEAR_START = datetime(2025, 1, 6, 9, 0, tzinfo=clock.UTC)


def prepare_aws() -> None:
    """Inside mock_aws: the table, the export bucket and queue, as the stack has them."""
    aws.reset_clients()
    principal_module.clear_cache()
    org_cache.clear_cache()
    aws.dynamodb().create_table(**create_table_request(settings().table_name))
    aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
    aws.client("s3").create_bucket(Bucket=settings().export_bucket)
    aws.client("sqs").create_queue(QueueName=settings().export_queue_url.rsplit("/", 1)[-1])


def seed_members(org_id: str, admin_id: str, count: int, **fields: Any) -> list[Item]:
    """`count` members cloned from the org's admin (with `fields` on top), written in
    batches; their user bodies."""
    template = table.get(user_key(org_id, admin_id)) or {}
    bodies = [
        {
            **{k: v for k, v in template.items() if k not in ("pk", "sk")},
            "id": new_id(),
            "name": f"Person {n:05d}",
            "email": f"person{n}@bench.example",
            "roles": ["member"],
            **fields,
        }
        for n in range(count)
    ]
    table.batch_put(identity_repository.user_item(org_id, body) for body in bodies)
    return bodies


def seed_people(org_id: str, admin_id: str, count: int) -> list[str]:
    """The ids of `count` members cloned from the org's admin (seed_members)."""
    return [str(body["id"]) for body in seed_members(org_id, admin_id, count)]


def seed_meetings(
    org_id: str, people: list[str], start: datetime, days: int, every_days: int = EVERY_DAYS
) -> int:
    """A 1:1 every `every_days` for each pair of neighbours in `people`, over `days`:
    every fifth cancelled, counters set. Only the MEETING items (what the report reads)."""
    items: list[Item] = []
    for n in range(0, len(people) - 1, 2):
        series_id = new_id()
        for k, offset in enumerate(range(n % every_days, days, every_days)):
            begins = start + timedelta(days=offset)
            meeting = materialise.new_meeting(
                owner_id=people[n],
                other_id=people[n + 1],
                title="Seeded 1:1",
                start=begins,
                end=begins + timedelta(minutes=30),
                now=start,
                series_id=series_id,
            )
            if k % 5 == 4:
                meeting["state"] = "cancelled"
            item = repository.meeting_item(org_id, meeting)
            item.update(topics_total=3, topics_done=2, items_total=2, items_done=k % 3)
            items.append(item)
    table.batch_put(items)
    return len(items)


def run_queue(budget: Callable[[], Budget] = Budget) -> int:
    """Deliver the export queue's messages to the worker until it is empty; steps run."""
    sqs, url, steps = aws.client("sqs"), settings().export_queue_url, 0
    while True:
        answer = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=0, AttributeNames=["All"]
        )
        messages: list[dict[str, Any]] = answer.get("Messages", [])
        if not messages:
            return steps
        for message in messages:
            attempt = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            worker.handle(json.loads(message["Body"]), budget(), 300, attempt)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            steps += 1


def download(url: str) -> bytes:
    """GET a presigned URL (moto in-process answers it through botocore's HTTP layer)."""
    import requests

    answer = requests.get(url, timeout=30)
    answer.raise_for_status()
    return bytes(answer.content)


@contextmanager
def dynamodb_local() -> Iterator[bool]:
    """DynamoDB Local in memory for the table, if installed; yields whether it runs."""
    from infra.local.services import dynamodb_local_jar, free_port, wait_for_port

    try:
        jar = dynamodb_local_jar()
    except RuntimeError:
        yield False
        return
    port = free_port()
    library = f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}"
    command = ["java", library, "-jar", str(jar), "-inMemory", "-sharedDb", "-port", str(port)]
    process = subprocess.Popen(  # noqa: S603 - java and the jar's path, nothing given
        command, cwd=jar.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, "DynamoDB Local", process, seconds=120)
        yield True
    finally:
        del os.environ["AWS_ENDPOINT_URL_DYNAMODB"]
        process.terminate()
        process.wait(timeout=30)


def bench(report: Report) -> None:
    from tests.support.harness import InProcessApi, fake_sign_in

    worker.CONTINUE_DELAY_SECONDS = 0
    with dynamodb_local() as local:
        passthrough = {"core": {"passthrough": {"services": ["dynamodb"] if local else []}}}
        with mock_aws(config=passthrough):  # type: ignore[arg-type]  # moto's TypedDict
            _run(report, InProcessApi, fake_sign_in, local)


def _run(report: Report, api_class: Any, fake_sign_in: Callable[[], None], local: bool) -> None:
    """Seed, refuse inline, export, download and parse (inside mock_aws)."""
    prepare_aws()
    fake_sign_in()
    api = api_class()
    report("exports: table in DynamoDB Local (1) or moto (0)", float(local), "")
    admin = api.new_org("Exports bench")
    began = time.monotonic()
    people = seed_people(admin.org_id, admin.user_id, USERS)
    meetings = seed_meetings(admin.org_id, people, YEAR_START, 365)
    report("exports: seeding (10,000 users, 12 months of 1:1s)", time.monotonic() - began, "s")
    report("exports: meetings seeded", meetings, "meetings")
    body = {"report": "one-on-ones", "from": "2025-01-01", "to": "2025-12-31"}
    inline = api.get(admin, "/v1/reports/one-on-ones?from=2025-01-01&to=2025-12-31")
    report("exports: inline 1:1 report answers (422 = use an export)", inline.status, "status")
    began = time.monotonic()
    job = api.post(admin, "/v1/report-exports", body).ok()
    steps = run_queue(lambda: Budget(clock.monotonic() + WORKER_SECONDS))
    elapsed = time.monotonic() - began
    done = api.get(admin, f"/v1/report-exports/{job['id']}").ok()
    stored = table.get({"pk": f"ORG#{admin.org_id}#REPORTEXPORT#{job['id']}", "sk": "EXPORT"})
    report("exports: 1:1 export completed (1 = done)", float(done["status"] == "done"), "")
    report("exports: 1:1 export wall time (POST to file complete)", elapsed, "s")
    report("exports: worker invocations", steps, "steps")
    data = download(done["file"]["url"])
    rows = list(csv.reader(io.StringIO(data.decode())))
    report("exports: CSV rows (pairs, header not counted)", len(rows) - 1, "rows")
    report("exports: CSV bytes", len(data), "bytes")
    parsed = len(rows) - 1 == done["file"]["rows"] == USERS // 2
    report("exports: CSV parses, one row per pair (1 = yes)", float(parsed), "")
    reads = int((stored or {}).get("reads") or 0)
    report("exports: items read per CSV row", reads / max(1, len(rows) - 1), "items")
    again = api.post(admin, "/v1/report-exports", body).ok()
    cut_steps = run_queue(lambda: Budget(clock.monotonic() + CUT_SECONDS))
    resumed = api.get(admin, f"/v1/report-exports/{again['id']}").ok()
    report(f"exports: same export in {CUT_SECONDS} s invocations: steps", cut_steps, "steps")
    same = resumed["status"] == "done" and download(resumed["file"]["url"]) == data
    report("exports: resumed export wrote the same file (1 = yes)", float(same), "")
    aws.reset_clients()


if __name__ == "__main__":
    bench(lambda name, value, unit: print(f"{name}: {value:.3f} {unit}"))
