"""The background worker's contract (core/background.py, handlers/background.py): a job is
queued once per request, a failed step holds back the rest of its group (order), other
groups go on, a malformed message is dropped, and a manager change whose enqueue was lost
is queued again when the PATCH is retried."""

from __future__ import annotations

from typing import Any

import pytest

from momentum import catalog
from momentum.core import aws
from momentum.core.config import settings
from momentum.frame import background
from momentum.frame.sweeps import Budget
from momentum.handlers import background as worker
from tests.support.harness import InProcessApi, LambdaContext

RAN: list[str] = []


def _note(payload: dict[str, Any], budget: Budget) -> dict[str, Any] | None:
    if payload.get("boom"):
        raise RuntimeError("a defect")
    RAN.append(str(payload["n"]))
    return None


@pytest.fixture
def test_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    RAN.clear()
    jobs = {**catalog.BACKGROUND_JOBS, "test.note": f"{__name__}:_note"}
    monkeypatch.setattr(catalog, "BACKGROUND_JOBS", jobs)


def _queued() -> list[dict[str, Any]]:
    answer = aws.client("sqs").receive_message(
        QueueUrl=settings().background_queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
    )
    return list(answer.get("Messages", []))


def _record(body: str, group: str, n: int) -> dict[str, Any]:
    return {"messageId": f"m{n}", "body": body, "attributes": {"MessageGroupId": group}}


def test_a_job_asked_for_twice_is_queued_once_and_unknown_kinds_are_refused(
    api: InProcessApi, test_jobs: None
) -> None:
    background.enqueue("test.note", {"n": 1}, ordering_key="g")
    background.enqueue("test.note", {"n": 1}, ordering_key="g")
    background.enqueue("test.note", {"n": 2}, ordering_key="g")
    assert len(_queued()) == 2
    with pytest.raises(background.UnknownJob):
        background.enqueue("test.nothing", {}, ordering_key="g")


def test_a_failed_step_holds_back_its_group_only(api: InProcessApi, test_jobs: None) -> None:
    def body(**payload: Any) -> str:
        return background.message_body("test.note", payload, "a" if "a" in payload else "b")

    records = [
        _record(body(a=1, n=1, boom=True), "a", 1),
        _record(body(a=1, n=2), "a", 2),  # behind the failure: retried with it, in order
        _record(body(n=3), "b", 3),
        _record("not json", "b", 4),  # dropped: no redelivery could make it work
        _record(background.message_body("test.nothing", {}, "b"), "b", 5),
    ]
    result = worker.handler({"Records": records}, LambdaContext())
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}
    assert RAN == ["3"]


def test_a_retried_manager_change_requeues_a_lost_job(api: InProcessApi) -> None:
    admin = api.new_org("Lost")
    boss = api.add_user(admin, "Bea Boss")
    lead = api.add_user(admin, "Lee Lead")
    dev = api.add_user(admin, "Dee Dev", manager_id=lead.user_id)
    api.patch(admin, f"/v1/users/{lead.user_id}", {"manager_id": boss.user_id}).ok()
    aws.client("sqs").purge_queue(QueueUrl=settings().background_queue_url)  # the send was lost
    again = api.patch(admin, f"/v1/users/{lead.user_id}", {"manager_id": boss.user_id}).ok()
    assert again["reorganising"] is True
    assert api.run_background() == 1
    assert api.get(admin, f"/v1/users/{lead.user_id}").ok()["reorganising"] is False
    from momentum.identity import service

    assert service.user_item(admin.org_id, dev.user_id)["manager_chain"] == [
        lead.user_id,
        boss.user_id,
    ]
