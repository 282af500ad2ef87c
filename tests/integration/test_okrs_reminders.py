"""The checkin-reminders sweep under moto, with the request clock frozen on a Wednesday."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from momentum.core import clock
from tests.support.harness import Actor, InProcessApi

WEDNESDAY = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, datetime]]:
    moment = {"now": WEDNESDAY}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    return moment


def goal(api: InProcessApi, actor: Actor, title: str, **fields: Any) -> dict[str, Any]:
    body = {
        "kind": "objective",
        "title": title,
        "start_date": "2026-10-01",
        "due_date": "2026-12-31",
        **fields,
    }
    return api.post(actor, "/v1/goals", body).ok()


def emails_to(api: InProcessApi, address: str) -> list[dict[str, Any]]:
    return [mail for mail in api.outbox() if address in mail["to"]]


def test_owners_are_reminded_at_their_own_local_hour_exactly_once(
    api: InProcessApi, frozen: dict[str, datetime]
) -> None:
    admin = api.new_org("Acme", time_zone="UTC")
    tokyo = api.add_user(admin, "Taro Tanaka", time_zone="Asia/Tokyo")
    new_york = api.add_user(admin, "Nora York", time_zone="America/New_York")
    goal(api, admin, "Open the Osaka office", owner_id=tokyo.user_id)
    goal(api, admin, "Win the Boston account", owner_id=new_york.user_id)

    assert api.run_sweep("checkin-reminders", "2026-11-22T23:59:00Z")["due"] == 0
    # Monday 09:00 in Tokyo is Sunday 24:00 UTC
    first = api.run_sweep("checkin-reminders", "2026-11-23T00:00:00Z")
    assert first["reminders"] == 1
    [mail] = api.outbox()
    assert mail["to"] == [tokyo.email]
    assert "Open the Osaka office" in mail["text"]
    assert "Boston" not in mail["text"]
    assert "Check-in reminder emails" in mail["text"]  # how to turn it off
    assert api.run_sweep("checkin-reminders", "2026-11-23T00:00:00Z")["reminders"] == 0
    assert api.run_sweep("checkin-reminders", "2026-11-23T13:59:00Z")["reminders"] == 0
    # Monday 09:00 in New York (EST) is 14:00 UTC
    assert api.run_sweep("checkin-reminders", "2026-11-23T14:00:00Z")["reminders"] == 1
    assert len(emails_to(api, new_york.email)) == 1
    for instant in ("2026-11-23T00:00:00Z", "2026-11-23T14:00:00Z", "2026-11-25T10:00:00Z"):
        assert api.run_sweep("checkin-reminders", instant)["reminders"] == 0
    assert len(api.outbox()) == 2
    # the next week is a new period: reminded again
    assert api.run_sweep("checkin-reminders", "2026-11-30T00:00:00Z")["reminders"] == 1
    assert len(emails_to(api, tokyo.email)) == 2


def test_one_message_lists_every_goal_without_a_check_in_this_period(
    api: InProcessApi, frozen: dict[str, datetime]
) -> None:
    admin = api.new_org()
    api.patch(
        admin,
        "/v1/org/settings",
        {
            "checkin_reminders": {
                "cadence": "weekly",
                "weekday": "friday",
                "hour": 9,
                "channels": ["email"],
            }
        },
    ).ok()
    owner = api.add_user(admin, "Olive Owner")
    checked = goal(api, admin, "Checked in this week", owner_id=owner.user_id)
    goal(api, admin, "Forgotten one", owner_id=owner.user_id)
    goal(api, admin, "Forgotten two", owner_id=owner.user_id)
    closed = goal(api, admin, "Closed one", owner_id=owner.user_id)
    api.patch(admin, f"/v1/goals/{closed['id']}", {"closed": True}).ok()
    api.post(owner, f"/v1/goals/{checked['id']}/check-ins", {"status": "on_track"}).ok()

    result = api.run_sweep("checkin-reminders", "2026-11-20T09:00:00Z")
    assert result["reminders"] == 1
    [mail] = api.outbox()
    assert "Forgotten one" in mail["text"]
    assert "Forgotten two" in mail["text"]
    assert "Checked in this week" not in mail["text"]
    assert "Closed one" not in mail["text"]
    assert "2 goals" in mail["subject"]
    assert api.run_sweep("checkin-reminders", "2026-11-20T09:00:00Z")["reminders"] == 0

    # next Friday: last week's check-in no longer counts
    assert api.run_sweep("checkin-reminders", "2026-11-27T09:00:00Z")["reminders"] == 1
    latest = api.outbox()[0]
    assert "Checked in this week" in latest["text"]
    assert "Closed one" not in latest["text"]


def test_opted_out_owners_get_slack_only_when_the_org_uses_slack(
    api: InProcessApi, frozen: dict[str, datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    posted: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "momentum.notify.service.post_slack", lambda url, text: posted.append((url, text)) or "ok"
    )
    admin = api.new_org()
    api.patch(
        admin,
        "/v1/org/settings",
        {
            "checkin_reminders": {
                "cadence": "weekly",
                "weekday": "monday",
                "hour": 9,
                "channels": ["email", "slack"],
            },
            "slack": {"webhook_url": "https://hooks.slack.com/services/T0/B0/x"},
        },
    ).ok()
    owner = api.add_user(admin, "Quiet Quinn")
    api.patch(owner, "/v1/me/settings", {"notifications": {"checkin_reminder_email": False}}).ok()
    goal(api, admin, "Ship quietly", owner_id=owner.user_id)
    assert api.run_sweep("checkin-reminders", "2026-11-23T09:00:00Z")["reminders"] == 1
    assert api.outbox() == []
    [(url, text)] = posted
    assert url.endswith("/x")
    assert "Quiet Quinn" in text
    assert "Ship quietly" in text
    api.run_sweep("checkin-reminders", "2026-11-23T09:00:00Z")
    assert len(posted) == 1


def test_a_monthly_cadence_reminds_on_the_first_weekday_of_the_month(
    api: InProcessApi, frozen: dict[str, datetime]
) -> None:
    admin = api.new_org()
    api.patch(
        admin,
        "/v1/org/settings",
        {
            "checkin_reminders": {
                "cadence": "monthly",
                "weekday": "tuesday",
                "hour": 8,
                "channels": ["email"],
            }
        },
    ).ok()
    goal(api, admin, "Monthly goal")
    # November's first Tuesday has passed: December's is the 1st
    assert api.run_sweep("checkin-reminders", "2026-11-24T08:00:00Z")["due"] == 0
    assert api.run_sweep("checkin-reminders", "2026-12-01T08:00:00Z")["reminders"] == 1
    assert api.run_sweep("checkin-reminders", "2026-12-08T08:00:00Z")["reminders"] == 0


def test_a_reminder_names_goals_in_progress_and_slack_never_names_private_ones(
    api: InProcessApi, frozen: dict[str, datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    posted: list[str] = []
    monkeypatch.setattr(
        "momentum.notify.service.post_slack", lambda url, text: posted.append(text) or "ok"
    )
    admin = api.new_org()
    api.patch(
        admin,
        "/v1/org/settings",
        {
            "checkin_reminders": {"channels": ["email", "slack"]},
            "slack": {"webhook_url": "https://hooks.slack.com/services/T0/B0/x"},
        },
    ).ok()
    owner = api.add_user(admin, "Olive Owner")
    goal(api, owner, "Ship <!channel> & <https://evil.test|click here>")
    goal(api, owner, "Secret merger", visibility="private")
    goal(api, owner, "Overdue but open", start_date="2026-01-01", due_date="2026-11-01")
    goal(api, owner, "Starts in January", start_date="2027-01-04", due_date="2027-03-31")
    closed = goal(api, owner, "Closed already")
    api.patch(owner, f"/v1/goals/{closed['id']}", {"closed": True}).ok()

    assert api.run_sweep("checkin-reminders", "2026-11-23T09:00:00Z")["reminders"] == 1
    [mail] = api.outbox()
    # the owner's own email names every goal in progress, overdue ones included
    assert "Secret merger" in mail["text"]
    assert "Overdue but open (0%, not started, due 2026-11-01, overdue)" in mail["text"]
    assert "Starts in January" not in mail["text"]
    assert "Closed already" not in mail["text"]
    assert "3 goals" in mail["subject"]

    [text] = posted
    assert "Secret merger" not in text
    assert "1 private goal (not named in a shared channel)" in text
    assert "3 goals without a check-in" in text
    assert "Overdue but open" in text
    assert "Starts in January" not in text
    # user text can neither mention the whole channel nor forge a link
    assert "<!channel>" not in text and "<https://evil.test" not in text
    assert "Ship &lt;!channel&gt; &amp; &lt;https://evil.test|click here&gt;" in text
