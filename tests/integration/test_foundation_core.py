"""The send ledger, the sweep frame and cursors, against moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from momentum.core import cursors
from momentum.core.problems import BadRequest
from momentum.frame.sweeps import Budget, sweep_due
from momentum.notify.service import Notification, deliver
from momentum.store import table
from momentum.store.keys import due_attributes, ledger_key
from tests.support.harness import InProcessApi

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _note(occurrence: str = "2026-11-23") -> Notification:
    return Notification(
        org_id="01J0ORG",
        kind="test_message",
        recipient_id="U1",
        subject_id="S1",
        occurrence=occurrence,
        subject="Hello Uma",
        why="you asked for it",
        opt_out="Test messages",
        to_email="uma@example.test",
        context={"name": "Uma"},
    )


def test_a_notification_is_sent_once(api: InProcessApi) -> None:
    assert deliver(_note(), NOW) is True
    assert deliver(_note(), NOW + timedelta(hours=1)) is False
    assert deliver(_note("2026-11-30"), NOW) is True
    sent = api.outbox()
    assert len(sent) == 2
    assert "You got this email because you asked for it" in sent[0]["text"]
    assert "Test messages" in sent[0]["html"]


def test_a_crashed_send_is_retried_after_the_lease_not_before(api: InProcessApi) -> None:
    table.put(
        {
            **ledger_key("01J0ORG", "test_message", "U1", "S1", "2026-11-23"),
            "state": "sending",
            "claimed_at": "2026-11-23T08:58:00Z",
        }
    )
    assert deliver(_note(), NOW) is False  # another sender may still be at it
    assert api.outbox() == []
    assert deliver(_note(), NOW + timedelta(minutes=10)) is True
    assert len(api.outbox()) == 1


def test_sweeps_read_only_due_entries(api: InProcessApi) -> None:
    not_due = [
        {
            "pk": f"ORG#o#THING#{i}",
            "sk": "THING",
            **due_attributes("test-sweep", NOW + timedelta(days=1), f"ORG#o#THING#{i}"),
        }
        for i in range(300)
    ]
    due = [
        {
            "pk": f"ORG#o#DUE#{i}",
            "sk": "THING",
            **due_attributes("test-sweep", NOW - timedelta(minutes=i), f"ORG#o#DUE#{i}"),
        }
        for i in range(7)
    ]
    table.batch_put(not_due + due)
    seen: list[str] = []

    def process(item: dict[str, object], now: datetime) -> bool:
        seen.append(str(item["pk"]))
        return True

    summary = sweep_due("test-sweep", NOW, process, Budget())
    assert (summary.due, summary.done, summary.skipped) == (7, 7, 0)
    assert sorted(seen) == sorted(item["pk"] for item in due)


def test_cursors_are_bound_to_their_list() -> None:
    cursor = cursors.encode({"pk": "a", "sk": "b"}, scope="users:org1")
    assert cursors.decode(cursor, scope="users:org1") == {"pk": "a", "sk": "b"}
    for scope, value in (
        ("users:org2", cursor),
        ("users:org1", (cursor or "") + "x"),
        ("users:org1", "garbage"),
    ):
        with pytest.raises(BadRequest):
            cursors.decode(value, scope=scope)
