"""Sweeps fanned out over the due index's shards to parallel workers, and email at the
account's pace, against moto: each due item is worked exactly once however the shards
are spread over workers and continuations, and a throttled send is a retry, not a failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from infra.local.queues import QueuePoller

from momentum.core import aws
from momentum.core.clock import parse_instant
from momentum.core.config import settings
from momentum.handlers import sweeps
from momentum.notify import email, ledger
from momentum.notify.service import Notification, deliver, tally
from momentum.store import table
from momentum.store.keys import delivery_problems_partition, due_attributes, due_shard, ledger_key
from momentum.store.schema import GSI_BY_OWNER
from tests.support import events
from tests.support.harness import InProcessApi, LambdaContext

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _in_process(function: Any, event: dict[str, Any]) -> Any:
    """The worker's handler, called in this process (moto), as its container would."""
    assert function.name == "sweep-worker"
    return sweeps.work_handler(event, LambdaContext())


def _drain() -> int:
    """Deliver the queued shards to the sweep workers, several at once."""
    return QueuePoller(invoke=_in_process, queues=("SWEEP_QUEUE_URL",)).drain()


ORGS = [f"01JORG{n:02d}" for n in range(6)]
PER_ORG = 15


@pytest.fixture
def queued(api: InProcessApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The sweep workers' queue, as the stack configures it."""
    url = aws.client("sqs").create_queue(QueueName="momentum-sweep-work")["QueueUrl"]
    monkeypatch.setenv("SWEEP_QUEUE_URL", url)
    settings.cache_clear()
    yield url
    monkeypatch.delenv("SWEEP_QUEUE_URL")
    settings.cache_clear()


def _retry_waiting(org_id: str, n: int) -> dict[str, Any]:
    """A failed email awaiting its second attempt, due at NOW (what delivery-retries works)."""
    key = ledger_key(org_id, "test_message", f"U{n}", "S1", "2026-11-23")
    parts = {"subject": f"Hello {n}", "html": "<p>Hello</p>", "text": "Hello"}
    return {
        **key,
        "type": "ledger",
        "state": "retrying",
        "attempts": 1,
        "org_id": org_id,
        "channel": "email",
        "kind": "test_message",
        "recipient_id": f"U{n}",
        "to_email": f"user{n}@{org_id.lower()}.example",
        "payload": ledger.pack(parts),
        **due_attributes(ledger.RETRY_SWEEP, NOW - timedelta(minutes=n % 7), key["pk"]),
    }


_LIVE = LambdaContext(remaining_ms=300_000)


def _key(item: dict[str, Any]) -> dict[str, str]:
    return {"pk": item["pk"], "sk": item["sk"]}


def _seed_retries() -> list[dict[str, Any]]:
    items = [_retry_waiting(org_id, n) for org_id in ORGS for n in range(PER_ORG)]
    table.batch_put(items)
    return items


def _queued_work(url: str) -> list[dict[str, Any]]:
    """The queued messages' bodies, left on the queue for the workers."""
    sqs = aws.client("sqs")
    seen: list[dict[str, Any]] = []
    handles: list[str] = []
    while True:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60)
        if not answer.get("Messages"):
            break
        seen += [json.loads(m["Body"]) for m in answer["Messages"]]
        handles += [m["ReceiptHandle"] for m in answer["Messages"]]
    for handle in handles:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    return seen


def _sent_to(api: InProcessApi) -> list[str]:
    return sorted(address for message in api.outbox() for address in message["to"])


def test_a_run_hands_each_due_shard_to_its_own_worker_and_works_each_item_once(
    api: InProcessApi, queued: str
) -> None:
    items = _seed_retries()
    shards = {due_shard(item["pk"]) for item in items}
    assert len(shards) > 10  # the orgs' items really are spread

    answer = sweeps.handler(events.scheduled(ledger.RETRY_SWEEP, "2026-11-23T09:00:00Z"), _LIVE)
    assert answer["shards_due"] == len(shards)
    work = _queued_work(queued)
    assert sorted(w["shards"][0] for w in work) == sorted(shards)
    assert all(len(w["shards"]) == 1 and parse_instant(w["time"]) == NOW for w in work)

    _drain()
    assert _sent_to(api) == sorted(item["to_email"] for item in items)
    states = {(table.get(_key(item), consistent=True) or {}).get("state") for item in items}
    assert states == {"sent"}

    # A replay of the same instant finds nothing due, queues nothing and sends nothing.
    replay = sweeps.handler(events.scheduled(ledger.RETRY_SWEEP, "2026-11-23T09:00:00Z"), _LIVE)
    assert replay["shards_due"] == 0
    assert _drain() == 0
    assert len(api.outbox()) == len(items)


def test_workers_handed_the_same_shard_twice_still_send_once(
    api: InProcessApi, queued: str
) -> None:
    items = _seed_retries()
    for _ in range(2):  # an overlapping run, or SQS delivering a message twice
        sweeps.hand_out(ledger.RETRY_SWEEP, NOW, sorted({due_shard(i["pk"]) for i in items}))
    _drain()
    assert _sent_to(api) == sorted(item["to_email"] for item in items)


def test_a_run_out_of_time_continues_every_unfinished_shard_in_parallel(
    api: InProcessApi, queued: str
) -> None:
    items = _seed_retries()
    event = events.scheduled(ledger.RETRY_SWEEP, "2026-11-23T09:00:00Z", inline=True)
    # 30 s left is all reserve: the run stops after its first page of the first shard.
    first = sweeps.handler(event, LambdaContext(remaining_ms=30_000))
    assert first["more"] is True
    assert 0 < first["done"] < len(items)
    left = [i for i in items if (table.get(_key(i), consistent=True) or {})["state"] != "sent"]
    assert len(left) == len(items) - first["done"]
    work = _queued_work(queued)
    # one message for each shard with work left, each for its own worker
    assert sorted(w["shards"][0] for w in work) == sorted({due_shard(i["pk"]) for i in left})
    assert all(len(w["shards"]) == 1 for w in work)

    _drain()
    assert _sent_to(api) == sorted(item["to_email"] for item in items)


class _Throttling:
    """SES answering TooManyRequestsException to the next `left` sends."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, left: int) -> None:
        self.left, self.calls = left, 0
        client = aws.client("sesv2")
        real_send = client.send_email

        def send_email(**params: Any) -> Any:
            self.calls += 1
            if self.left > 0:
                self.left -= 1
                error = {"Code": "TooManyRequestsException", "Message": "Maximum sending rate"}
                raise ClientError({"Error": error}, "SendEmail")
            return real_send(**params)

        monkeypatch.setattr(client, "send_email", send_email)
        monkeypatch.setattr(email, "THROTTLE_WAITS", (0.0, 0.0, 0.0))


def _note() -> Notification:
    return Notification(
        org_id="01J0ORG",
        kind="test_message",
        recipient_id="U1",
        subject_id="S1",
        occurrence="2026-11-23",
        subject="Hello Uma",
        why="you asked for it",
        to_email="uma@example.test",
        context={"name": "Uma"},
    )


def test_a_briefly_throttled_send_is_retried_in_place(
    api: InProcessApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    ses = _Throttling(monkeypatch, left=2)
    assert deliver(_note(), NOW) is True
    assert ses.calls == 3 and len(api.outbox()) == 1


def test_a_throttled_send_is_retried_soon_without_counting_or_parking(
    api: InProcessApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    ses = _Throttling(monkeypatch, left=1_000)
    failed_before = tally.failed
    assert deliver(_note(), NOW) is False
    key = ledger_key("01J0ORG", "test_message", "U1", "S1", "2026-11-23")
    # Throttled on every try, again and again: never an attempt spent, never parked.
    for minute in range(1, ledger.ATTEMPTS + 1):
        item = table.get(key, consistent=True) or {}
        assert (item["state"], item["attempts"]) == ("retrying", 0)
        assert "reason" not in item and "gsi1pk" not in item
        summary = sweeps.run(ledger.RETRY_SWEEP, NOW + timedelta(minutes=minute), None)
        assert summary["failed"] == 0
    assert tally.failed == failed_before
    assert table.query(delivery_problems_partition("01J0ORG"), index=GSI_BY_OWNER).items == []

    ses.left = 0  # the account's pace allows it again
    summary = sweeps.run(ledger.RETRY_SWEEP, NOW + timedelta(minutes=10), None)
    assert summary["done"] == 1
    assert (table.get(key, consistent=True) or {})["state"] == "sent"
    assert len(api.outbox()) == 1


def test_sends_keep_to_the_share_of_the_quota() -> None:
    moments: list[float] = [0.0]

    def sleep(seconds: float) -> None:
        moments[0] += seconds

    pace = email.SendPace(2.0, now=lambda: moments[0], sleep=sleep)
    for _ in range(12):
        pace.wait_turn()
    # a burst of two, then one every half second: ten more sends take five seconds
    assert moments[0] == pytest.approx(5.0)
    assert email.SendPace(None).wait_turn() == 0.0
