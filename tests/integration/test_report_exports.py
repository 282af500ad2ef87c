"""Report exports (issue 17 point 6): a small report answers inline, one over the bound is
refused with the export request to make instead, and an export job writes the report as
a CSV file that parses, the same file whether or not the job was cut short on the way."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from bench.exports import download, run_queue, seed_meetings, seed_people
from moto.s3 import models as moto_s3

from momentum.core import clock
from momentum.frame import report_bound as bound
from momentum.frame.sweeps import Budget
from momentum.report_exports import sources, storage, worker
from tests.support.harness import Actor, InProcessApi, fake_sign_in

YEAR = {"report": "one-on-ones", "from": "2025-01-01", "to": "2025-12-31"}
REPORT = "/v1/reports/one-on-ones?from=2025-01-01&to=2025-12-31"


class CutShort(Budget, kw_only=True):
    """A budget that runs out after every `left` looks: many short invocations."""

    left: int

    def exhausted(self) -> bool:
        self.left -= 1
        return self.left < 0


@pytest.fixture
def exports_api(api: InProcessApi, monkeypatch: pytest.MonkeyPatch) -> InProcessApi:
    """The test account also has the export bucket and queue; parts are small here, so a
    file of a few KB is several parts of a multipart upload, as MBs are in AWS."""
    from momentum.core import aws
    from momentum.core.config import settings

    aws.client("s3").create_bucket(Bucket=settings().export_bucket)
    aws.client("sqs").create_queue(QueueName=settings().export_queue_url.rsplit("/", 1)[-1])
    monkeypatch.setattr(worker, "CONTINUE_DELAY_SECONDS", 0)
    monkeypatch.setattr(storage, "PART_BYTES", 512)
    monkeypatch.setattr(moto_s3, "S3_UPLOAD_PART_MIN_SIZE", 512)
    monkeypatch.setattr(sources, "ROWS_PER_CHUNK", 4)
    monkeypatch.setattr(sources, "PAGE_ITEMS", 25)
    fake_sign_in()
    return api


def _seeded_org(api: InProcessApi, name: str, people: int) -> tuple[Actor, int]:
    admin = api.new_org(name)
    ids = seed_people(admin.org_id, admin.user_id, people)
    return admin, seed_meetings(admin.org_id, ids, clock.parse_instant("2025-01-06T09:00:00Z"), 350)


def _export(api: InProcessApi, admin: Actor, budget: Any = Budget) -> tuple[dict[str, Any], str]:
    job = api.post(admin, "/v1/report-exports", YEAR).ok()
    assert job["status"] == "queued"
    run_queue(budget)
    done: dict[str, Any] = api.get(admin, f"/v1/report-exports/{job['id']}").ok()
    assert done["status"] == "done", done
    return done, download(done["file"]["url"]).decode()


def test_a_small_report_answers_inline_and_an_export_of_it_is_the_same_csv(
    exports_api: InProcessApi,
) -> None:
    admin, meetings = _seeded_org(exports_api, "Small", 12)
    inline = exports_api.get(admin, REPORT + "&format=csv")
    assert inline.status == 200
    done, text = _export(exports_api, admin)
    assert text == inline.text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6 == done["file"]["rows"]
    held = sum(int(row["meetings_held"]) + int(row["meetings_cancelled"]) for row in rows)
    assert held == meetings
    assert done["file"]["bytes"] == len(text.encode())


def test_a_report_over_the_bound_is_refused_with_the_export_to_ask_for(
    exports_api: InProcessApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, meetings = _seeded_org(exports_api, "Big", 40)
    monkeypatch.setattr("momentum.one_on_ones.report.MAX_INLINE_MEETINGS", meetings - 1)
    refused = exports_api.get(admin, REPORT)
    assert refused.status == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json["type"].endswith("/report-too-large")
    assert refused.json["export"] == {"method": "POST", "path": bound.EXPORTS_PATH, "body": YEAR}
    _, text = _export(exports_api, admin)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["user_a_id", "user_a_name"] and len(rows) == 21


def test_an_export_cut_short_again_and_again_writes_the_same_file(
    exports_api: InProcessApi,
) -> None:
    admin, _ = _seeded_org(exports_api, "Resumed", 40)
    _, straight = _export(exports_api, admin)
    steps_before = run_queue()
    _, resumed = _export(exports_api, admin, lambda: CutShort(left=1))
    assert steps_before == 0
    assert resumed == straight
    assert len(straight.encode()) > 3 * storage.PART_BYTES  # several parts, some pending


def test_another_orgs_admin_finds_no_such_export_and_a_member_may_not_read_it(
    exports_api: InProcessApi,
) -> None:
    admin, _ = _seeded_org(exports_api, "Owner", 4)
    job = exports_api.post(admin, "/v1/report-exports", YEAR).ok()
    run_queue()
    other = exports_api.new_org("Other")
    assert exports_api.get(other, f"/v1/report-exports/{job['id']}").status == 404
    member = exports_api.add_user(admin, "Mo Member")
    assert exports_api.get(member, f"/v1/report-exports/{job['id']}").status == 403
    assert exports_api.post(member, "/v1/report-exports", YEAR).status == 403
    mine = exports_api.get(admin, f"/v1/report-exports/{job['id']}").ok()
    assert f"/exports/{admin.org_id}/{job['id']}/" in mine["file"]["url"]


def test_a_bad_period_is_refused_before_any_job(exports_api: InProcessApi) -> None:
    admin = exports_api.new_org("Bad")
    answer = exports_api.post(
        admin, "/v1/report-exports", {**YEAR, "from": "2025-01-01", "to": "2026-06-30"}
    )
    assert answer.status == 422
    assert exports_api.post(admin, "/v1/report-exports", {"report": "nope"}).status == 422


def _placed_people(api: InProcessApi, admin: Actor) -> tuple[Actor, list[Actor]]:
    company = api.post(admin, "/v1/companies", {"name": "Acme Europe"}).ok()["id"]
    where = {
        "company_id": company,
        "location_id": api.post(
            admin, f"/v1/companies/{company}/locations", {"name": "Paris"}
        ).ok()["id"],
    }
    coach = api.add_user(admin, "Cora Coach", roles=["coach"], **where)
    coachees = [api.add_user(admin, f"Coachee {n}", roles=["coachee"], **where) for n in range(6)]
    return coach, coachees


def test_the_engagements_export_is_the_askers_report_as_a_file(
    exports_api: InProcessApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = exports_api
    admin = api.new_org("Coaching")
    coach, coachees = _placed_people(api, admin)
    template = api.post(
        admin, "/v1/engagement-templates", {"name": "Sprint", "type": "one_on_one"}
    ).ok()["id"]
    for coachee in coachees:
        body = {"template_id": template, "coachee_id": coachee.user_id, "coach_id": coach.user_id}
        api.post(admin, "/v1/engagements", body).ok()
    inline = api.get(coach, "/v1/reports/engagements?format=csv")
    assert inline.status == 200
    monkeypatch.setattr("momentum.coaching.listing.REPORT_PAGE", 2)
    job = api.post(coach, "/v1/report-exports", {"report": "engagements"}).ok()
    run_queue(lambda: CutShort(left=1))
    done = api.get(coach, f"/v1/report-exports/{job['id']}").ok()
    assert done["status"] == "done", done
    text = download(done["file"]["url"]).decode()
    assert text == inline.text
    assert len(list(csv.DictReader(io.StringIO(text)))) == 6
    # The coach's own export: not even the org's admin follows it.
    assert api.get(admin, f"/v1/report-exports/{job['id']}").status == 404
    monkeypatch.setattr("momentum.coaching.listing.MAX_INLINE_ENGAGEMENTS", 5)
    refused = api.get(coach, "/v1/reports/engagements")
    assert refused.status == 422
    assert refused.json["export"]["body"] == {"report": "engagements"}


def test_the_audit_log_export_holds_every_entry_of_the_range(exports_api: InProcessApi) -> None:
    api = exports_api
    admin = api.new_org("Audited")
    for n in range(5):
        api.add_user(admin, f"Audited Person {n}")
    now = clock.now()
    period = {"from": clock.api_instant(now - timedelta(days=1)), "to": clock.api_instant(now)}
    inline = api.get(
        admin,
        f"/v1/audit-log?format=csv&from={period['from']}&to={period['to']}".replace("+", "%2B"),
    )
    assert inline.status == 200
    job = api.post(admin, "/v1/report-exports", {"report": "audit-log", **period}).ok()
    run_queue()
    done = api.get(admin, f"/v1/report-exports/{job['id']}").ok()
    text = download(done["file"]["url"]).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text == inline.text and len(rows) >= 5


def test_duplicate_and_early_messages_never_touch_the_job(exports_api: InProcessApi) -> None:
    admin, _ = _seeded_org(exports_api, "Duplicates", 4)
    job = exports_api.post(admin, "/v1/report-exports", YEAR).ok()
    message = {"org_id": admin.org_id, "export_id": job["id"], "step": 0}
    with pytest.raises(worker.NotYet):
        worker.handle({**message, "step": 1}, Budget(), 300)
    assert worker.handle(message, Budget(), 300) == "done"
    first = exports_api.get(admin, f"/v1/report-exports/{job['id']}").ok()
    assert worker.handle(message, Budget(), 300) == "stale"  # the queue delivered it twice
    assert run_queue() == 1  # the original delivery, dropped as stale too
    again = exports_api.get(admin, f"/v1/report-exports/{job['id']}").ok()
    assert again["file"]["rows"] == first["file"]["rows"] == 2
    assert download(again["file"]["url"]) == download(first["file"]["url"])


def test_a_job_that_keeps_failing_says_so_after_three_attempts(
    exports_api: InProcessApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, _ = _seeded_org(exports_api, "Failing", 4)
    job = exports_api.post(admin, "/v1/report-exports", YEAR).ok()
    message = {"org_id": admin.org_id, "export_id": job["id"], "step": 0}

    def broken(report: str) -> sources.Source:
        raise RuntimeError("the report's store is down")

    monkeypatch.setattr(worker, "source_of", broken)
    for attempt in (1, 2):
        with pytest.raises(RuntimeError):
            worker.handle(message, Budget(), 300, attempt)
        seen = exports_api.get(admin, f"/v1/report-exports/{job['id']}").ok()
        assert seen["status"] == "running"  # retried by the queue, the lease given back
    assert worker.handle(message, Budget(), 300, 3) == "failed"
    failed = exports_api.get(admin, f"/v1/report-exports/{job['id']}").ok()
    assert failed["status"] == "failed" and failed["file"] is None
    assert failed["error"] == "The export could not be written; request it again."
