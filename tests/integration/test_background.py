"""Background work (issue 17 point 4): a manager change and a series delete answer in at
most three DynamoDB round trips, and the worker then leaves the data exactly as the
synchronous change did: every chain as the tree says, goals following their owners, the
series' meetings gone. Replaying a job changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from bench.counting import DynamoCounter

from momentum.core import clock
from momentum.frame import background
from momentum.handlers import background as worker
from momentum.identity import reorganising
from tests.support.harness import Actor, InProcessApi, LambdaContext
from tests.support.one_on_ones import START, Clock, at, people

WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


def _everything(api: InProcessApi) -> list[dict[str, Any]]:
    """The whole table (a test may scan: it is the oracle, not the product)."""
    items: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        page = api.dynamodb().scan(
            TableName=api.table(), **({"ExclusiveStartKey": start} if start else {})
        )
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


def _users(api: InProcessApi, org_id: str) -> dict[str, dict[str, Any]]:
    from momentum.store.codec import deserialize

    found = [deserialize(raw) for raw in _everything(api)]
    return {i["id"]: i for i in found if i.get("type") == "user" and org_id in i["pk"]}


def _chain_from_tree(users: dict[str, dict[str, Any]], user_id: str) -> list[str]:
    chain, manager = [], users[user_id].get("manager_id")
    while manager:
        chain.append(manager)
        manager = users[manager].get("manager_id")
    return chain


def _replay(api: InProcessApi, kind: str, payload: dict[str, Any], ordering_key: str) -> None:
    """Deliver the job's first message again, as SQS may after a crash or a duplicate."""
    from infra.local.queues import _sqs_event

    body = background.message_body(kind, payload, ordering_key)
    message = {"MessageId": "replayed", "ReceiptHandle": "r", "Body": body}
    result = worker.handler(_sqs_event("q/momentum-background.fifo", [message]), LambdaContext())
    assert result == {"batchItemFailures": []}
    api.run_background()  # a continuation it enqueued, if any


def _objective(api: InProcessApi, owner: Actor, title: str) -> str:
    due = (clock.now().date() + timedelta(days=60)).isoformat()
    body = {"kind": "objective", "title": title, "visibility": "private", "due_date": due}
    return str(api.post(owner, "/v1/goals", body).ok()["id"])


@pytest.fixture
def org(api: InProcessApi) -> dict[str, Any]:
    """Old and new boss; a lead with 50 people below (5 sub-leads of 9 each)."""
    admin = api.new_org("Reorg")
    old_boss = api.add_user(admin, "Olga Old", manager_id=admin.user_id)
    new_boss = api.add_user(admin, "Nina New", manager_id=admin.user_id)
    lead = api.add_user(admin, "Lee Lead", manager_id=old_boss.user_id)
    below: list[Actor] = []
    for s in range(5):
        sub = api.add_user(admin, f"Sub Lead {s}", manager_id=lead.user_id)
        below.append(sub)
        below += [api.add_user(admin, f"Dev {s}-{d}", manager_id=sub.user_id) for d in range(9)]
    return {"admin": admin, "old": old_boss, "new": new_boss, "lead": lead, "below": below}


def test_manager_change_answers_in_three_round_trips_and_the_job_moves_the_subtree(
    api: InProcessApi, org: dict[str, Any]
) -> None:
    admin, old, new, lead, below = org["admin"], org["old"], org["new"], org["lead"], org["below"]
    deep = below[-1]
    deep_goal, lead_goal = (
        _objective(api, deep, "Deep private goal"),
        _objective(api, lead, "Lead's"),
    )
    assert api.get(old, f"/v1/goals/{deep_goal}").status == 200
    assert api.get(new, f"/v1/goals/{deep_goal}").status == 404
    api.get(admin, "/v1/me").ok()  # a warm container: the caller is cached
    with DynamoCounter() as counter:
        moved = api.patch(admin, f"/v1/users/{lead.user_id}", {"manager_id": new.user_id}).ok()
    assert counter.calls <= 3, counter.operations
    assert moved["manager_id"] == new.user_id and moved["reorganising"] is True
    # Pending: a move under someone whose chain is still the old one waits for the job.
    outsider = api.add_user(admin, "Otto Outsider")
    refused = api.patch(admin, f"/v1/users/{outsider.user_id}", {"manager_id": deep.user_id})
    assert refused.status == 409 and lead.user_id in refused.json["reorganising"]

    assert api.run_background() >= 1
    users = _users(api, admin.org_id)
    for user_id, user in users.items():
        assert user.get("manager_chain", []) == _chain_from_tree(users, user_id), user["name"]
    assert users[deep.user_id]["manager_chain"][-3:] == [lead.user_id, new.user_id, admin.user_id]
    assert api.get(admin, f"/v1/users/{lead.user_id}").ok()["reorganising"] is False
    for goal in (deep_goal, lead_goal):
        assert api.get(new, f"/v1/goals/{goal}").status == 200
        assert api.get(old, f"/v1/goals/{goal}").status == 404
    assert api.patch(admin, f"/v1/users/{outsider.user_id}", {"manager_id": deep.user_id}).ok()


def test_a_replayed_or_resumed_reorganisation_changes_nothing(
    api: InProcessApi, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, new, lead = org["admin"], org["new"], org["lead"]
    api.patch(admin, f"/v1/users/{lead.user_id}", {"manager_id": new.user_id}).ok()
    job = _users(api, admin.org_id)[lead.user_id]["reorganisation"]

    monkeypatch.setattr(reorganising, "PAGE", 2)
    delivered = api.run_background(
        LambdaContext(remaining_ms=1_000)
    )  # every step outlives its budget
    assert delivered > 5  # the walk went on through its continuations
    users = _users(api, admin.org_id)
    for user_id, user in users.items():
        assert user.get("manager_chain", []) == _chain_from_tree(users, user_id)
    settled = _everything(api)
    payload = {"org_id": admin.org_id, "user_id": lead.user_id, "job": job}
    _replay(api, reorganising.KIND, payload, reorganising.ordering_key(admin.org_id))
    assert _everything(api) == settled


def test_series_delete_answers_in_three_round_trips_and_the_job_removes_its_meetings(
    api: InProcessApi, set_now: Clock
) -> None:
    _, mia, eli, _ = people(api)
    body = {
        "with_user_id": eli.user_id,
        "title": "Weekdays",
        "start": at(START),
        "end": at(START, minutes=15),
        "recurrence": WEEKDAYS,
    }
    made = api.post(mia, "/v1/one-on-ones", body).ok()
    series_id, meeting_ids = made["series"]["id"], [m["id"] for m in made["series"]["meetings"]]
    assert len(meeting_ids) > 20
    api.post(eli, f"/v1/meetings/{meeting_ids[3]}/agenda-topics", {"text": "Later topic"}).ok()
    before = _everything(api)
    api.get(mia, "/v1/one-on-ones?tab=upcoming").ok()  # warm
    with DynamoCounter() as counter:
        assert api.delete(mia, f"/v1/one-on-ones/{series_id}").status == 204
    assert counter.calls <= 3, counter.operations
    assert api.get(mia, f"/v1/one-on-ones/{series_id}").status == 404
    listed = api.get(eli, "/v1/one-on-ones?tab=upcoming").ok()["items"]
    assert series_id not in [row["id"] for row in listed]

    assert api.run_background() >= 1
    left = _everything(api)
    mentions = [i for i in left if any(x in str(i) for x in [series_id, *meeting_ids])]
    # only the activity log and the send ledger (the invitation sent) remember them
    assert {i.get("type", {}).get("S") for i in mentions} <= {"activity", "ledger"}
    assert not [i for i in mentions if i["type"]["S"] != "activity" and "due_pk" in i]
    assert api.get(eli, f"/v1/meetings/{meeting_ids[3]}").status == 404
    assert len(left) < len(before)
    api.post(mia, "/v1/one-on-ones", body).ok()  # the pair is free again at once
    settled = _everything(api)
    payload = {
        "org_id": mia.org_id,
        "series_id": series_id,
        "actor_id": mia.user_id,
        "at": clock.api_instant(clock.now()),
    }
    _replay(api, "one_on_ones.delete_series", payload, f"series#{mia.org_id}#{series_id}")
    assert _everything(api) == settled


def test_a_loop_cannot_be_made_through_a_chain_still_being_moved(api: InProcessApi) -> None:
    admin = api.new_org("Loops")
    root = api.add_user(admin, "Rita Root")
    ann = api.add_user(admin, "Ann Other Root")
    bob = api.add_user(admin, "Bob Branch", manager_id=root.user_id)
    cy = api.add_user(admin, "Cy Below", manager_id=bob.user_id)
    api.patch(admin, f"/v1/users/{bob.user_id}", {"manager_id": ann.user_id}).ok()
    # Cy's stored chain is still [Bob, Rita]: it would not show that Ann is above Cy now.
    looping = api.patch(admin, f"/v1/users/{ann.user_id}", {"manager_id": cy.user_id})
    assert looping.status == 409 and looping.json["reorganising"] == [bob.user_id]
    api.run_background()
    assert api.patch(admin, f"/v1/users/{ann.user_id}", {"manager_id": cy.user_id}).status == 409
    assert api.get(admin, f"/v1/users/{ann.user_id}").ok()["manager_id"] is None
