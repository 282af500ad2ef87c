"""A report export over HTTP against the local stack: ask for it, follow the job until the
queue poller has run the worker, download the file through its presigned URL (moto's S3)
and read it as CSV."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta

import httpx
import pytest

from momentum.core import clock
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e


def test_a_one_on_one_report_export_is_a_csv_file_to_download(stack: HttpApi) -> None:
    admin = stack.new_org("Exporting")
    report = stack.add_user(admin, "Rae Report")
    start = (clock.now() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    created = stack.post(
        admin,
        "/v1/one-on-ones",
        {
            "with_user_id": report.user_id,
            "title": "Weekly",
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=30)).isoformat(),
            "recurrence": "FREQ=WEEKLY",
        },
    )
    assert created.status == 201, created.text
    today = clock.today()
    body = {
        "report": "one-on-ones",
        "from": today.isoformat(),
        "to": (today + timedelta(days=60)).isoformat(),
    }
    job = stack.post(admin, "/v1/report-exports", body).ok()
    assert job["status"] == "queued"
    deadline = time.monotonic() + 90
    while True:
        seen = stack.get(admin, f"/v1/report-exports/{job['id']}").ok()
        if seen["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert seen["status"] == "done", seen
    other = stack.new_org("Not exporting")
    assert stack.get(other, f"/v1/report-exports/{job['id']}").status == 404

    download = httpx.get(seen["file"]["url"], timeout=30)
    assert download.status_code == 200, download.text
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rows) == 1 == seen["file"]["rows"]
    assert {rows[0]["user_a_id"], rows[0]["user_b_id"]} == {admin.user_id, report.user_id}
    assert int(rows[0]["meetings_held"]) == 0
