"""The audit log (`GET /v1/audit-log`) through the integrations handler, under moto."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from momentum.store import activity, transactions
from tests.support.harness import Actor, InProcessApi


def _seed(admin: Actor, actor_id: str, kind: str, at: datetime, action: str = "noted") -> None:
    transactions.write(
        [
            activity.record(
                org_id=admin.org_id,
                entity_id=admin.org_id,
                entity_kind=kind,
                actor_id=actor_id,
                action=action,
                at=at,
            )
        ]
    )


def _all_pages(api: InProcessApi, admin: Actor, query: str) -> list[dict[str, object]]:
    seen: list[dict[str, object]] = []
    cursor = ""
    for _ in range(50):
        page = api.get(admin, f"/v1/audit-log?{query}&limit=7{cursor}").ok()
        seen += page["items"]
        if not page["next_cursor"]:
            return seen
        cursor = f"&cursor={page['next_cursor']}"
    raise AssertionError("the audit log never ended")


def test_pages_cross_months_newest_first_within_the_range(api: InProcessApi) -> None:
    admin = api.new_org()
    start = datetime(2026, 9, 28, 12, tzinfo=UTC)
    for day in range(12):  # 28 Sep .. 9 Oct: two months
        _seed(admin, "actor-a" if day % 2 else "actor-b", "goal", start + timedelta(days=day))
    _seed(admin, "actor-a", "goal", datetime(2026, 9, 1, tzinfo=UTC))  # before the range
    entries = _all_pages(api, admin, "from=2026-09-28T00:00:00Z&to=2026-10-09T23:00:00Z")
    times = [entry["at"] for entry in entries]
    assert len(times) == 12
    assert times == sorted(times, reverse=True)
    only_a = _all_pages(
        api, admin, "from=2026-09-28T00:00:00Z&to=2026-10-09T23:00:00Z&actor_id=actor-a"
    )
    assert len(only_a) == 6
    assert {entry["actor_id"] for entry in only_a} == {"actor-a"}


def test_filters_by_entity_kind_and_sees_real_changes(api: InProcessApi) -> None:
    admin = api.new_org()
    bob = api.add_user(admin, "Bob Builder")
    api.patch(admin, f"/v1/users/{bob.user_id}", {"name": "Robert Builder"}).ok()
    entries = api.get(admin, "/v1/audit-log?entity_kind=user").ok()["items"]
    assert [entry["action"] for entry in entries] == ["user_updated", "user_created"]
    assert entries[0]["changes"]["name"] == {"before": "Bob Builder", "after": "Robert Builder"}
    assert entries[0]["actor_id"] == admin.user_id


def test_exports_csv_and_jsonl_that_parse(api: InProcessApi) -> None:
    admin = api.new_org()
    at = datetime(2026, 10, 5, 9, tzinfo=UTC)
    for minute in range(5):
        _seed(admin, admin.user_id, "goal", at + timedelta(minutes=minute), action="=HYPERLINK")
    window = "from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z"
    as_csv = api.get(admin, f"/v1/audit-log?{window}&format=csv")
    assert as_csv.status == 200
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == 5
    assert rows[0]["action"] == "'=HYPERLINK"  # never a live formula in a spreadsheet
    as_jsonl = api.get(admin, f"/v1/audit-log?{window}&format=jsonl&limit=3")
    lines = [json.loads(line) for line in as_jsonl.text.splitlines()]
    assert len(lines) == 3
    assert as_jsonl.headers["Next-Cursor"]


def test_only_admins_read_it_and_bad_input_is_4xx(api: InProcessApi) -> None:
    admin = api.new_org()
    bob = api.add_user(admin, "Bob Builder")
    assert api.get(bob, "/v1/audit-log").status == 403
    assert api.get(admin, "/v1/audit-log?from=yesterday").status == 400
    assert (
        api.get(admin, "/v1/audit-log?from=2025-01-01T00:00:00Z&to=2026-06-01T00:00:00Z").status
        == 400
    )
    assert api.get(admin, "/v1/audit-log?cursor=forged.cursor").status == 400
    assert api.get(admin, "/v1/audit-log?limit=500").status == 400
    other = api.new_org("Globex")
    _seed(other, other.user_id, "goal", datetime.now(UTC))
    seen = {entry["entity_id"] for entry in api.get(admin, "/v1/audit-log").ok()["items"]}
    assert bob.user_id in seen
    assert other.org_id not in seen


def test_a_page_is_one_query_on_the_audit_index(api: InProcessApi) -> None:
    from bench.counting import DynamoCounter

    admin = api.new_org()
    at = datetime(2026, 10, 5, 9, tzinfo=UTC)
    for minute in range(30):
        _seed(admin, admin.user_id, "goal", at + timedelta(minutes=minute))
    window = "from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z&limit=20"
    api.get(admin, f"/v1/audit-log?{window}").ok()  # a warm container: the caller is cached
    with DynamoCounter() as counter:
        page = api.get(admin, f"/v1/audit-log?{window}").ok()
    assert len(page["items"]) == 20
    assert counter.operations.count("Query") == 1
    assert counter.items_read == 20
