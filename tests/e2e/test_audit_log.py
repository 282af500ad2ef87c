"""e2e: the audit log pages through 500 entries of two actors and exports them."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.harness import Api

pytestmark = pytest.mark.e2e


def test_the_audit_log_pages_and_exports_500_entries_of_two_actors(stack: Api) -> None:
    admin = stack.new_org("Audited")
    bob = stack.add_user(admin, "Bob Auditor")
    time.sleep(1.1)  # the range starts on a whole second after Bob's creation
    start = datetime.now(UTC)
    for round_number in range(250):
        zone = "Europe/Paris" if round_number % 2 else "Europe/Berlin"
        stack.patch(admin, "/v1/me/settings", {"time_zone": zone}).ok()
        stack.patch(bob, "/v1/me/settings", {"time_zone": zone}).ok()
    window = (
        f"from={start.strftime('%Y-%m-%dT%H:%M:%SZ')}"
        f"&to={(datetime.now(UTC) + timedelta(seconds=1)).strftime('%Y-%m-%dT%H:%M:%SZ')}"
    )
    entries: list[dict[str, object]] = []
    cursor = ""
    for _ in range(40):
        page = stack.get(admin, f"/v1/audit-log?{window}&limit=100{cursor}").ok()
        entries += page["items"]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert len(entries) == 500
    assert len({entry["id"] for entry in entries}) == 500
    assert {entry["actor_id"] for entry in entries} == {admin.user_id, bob.user_id}
    only_bob = stack.get(admin, f"/v1/audit-log?{window}&actor_id={bob.user_id}&limit=100")
    assert {entry["actor_id"] for entry in only_bob.ok()["items"]} == {bob.user_id}

    exported = stack.get(admin, f"/v1/audit-log?{window}&format=csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 500
    assert {row["action"] for row in rows} == {"settings_updated"}
    lines = stack.get(admin, f"/v1/audit-log?{window}&format=jsonl").text.splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(e["id"] for e in entries)

    assert stack.get(bob, f"/v1/audit-log?{window}").status == 403
    assert stack.get(bob, f"/v1/audit-log?{window}&format=csv").status == 403
