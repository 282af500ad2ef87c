"""OKRs over HTTP against the local stack: the integration scenarios, unchanged, plus the
check-in reminders at real instants (the stack's clock cannot be frozen)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.integration import test_okrs as okrs
from tests.integration import test_okrs_search as search
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e


def test_a_check_in_rolls_up_through_three_levels(stack: HttpApi) -> None:
    okrs.test_a_key_result_check_in_rolls_up_through_a_three_level_chain(stack)


def test_a_custom_kpi_objective_is_never_rolled_up(stack: HttpApi) -> None:
    okrs.test_a_custom_kpi_objective_is_never_rolled_up(stack)


def test_re_parent_and_delete_recompute_both_parents(stack: HttpApi) -> None:
    okrs.test_re_parent_and_delete_recompute_old_and_new_parents(stack)
    okrs.test_an_objective_moves_with_its_subtree_and_cycles_are_refused(stack)


def test_a_private_goal_is_hidden_from_peers(stack: HttpApi) -> None:
    okrs.test_a_private_goal_is_seen_by_its_owner_managers_and_admins_only(stack)


def test_links_and_bad_input(stack: HttpApi) -> None:
    assert okrs.check_links(stack).startswith("http")
    okrs.test_bad_goal_input_is_answered_with_problems(stack)


def test_type_ahead(stack: HttpApi) -> None:
    search.test_type_ahead_matches_title_or_owner_word_prefixes(stack)
    search.test_the_public_group_is_bounded_by_one_year_from_the_plan_date(stack)


def _next_local_monday_nine(zone: str, after: datetime) -> datetime:
    day = after.astimezone(ZoneInfo(zone)).date()
    while True:
        moment = datetime.combine(day, time(9), tzinfo=ZoneInfo(zone)).astimezone(UTC)
        if day.weekday() == 0 and moment > after:
            return moment
        day += timedelta(days=1)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_tokyo_and_new_york_owners_are_reminded_at_their_local_hour(stack: HttpApi) -> None:
    admin = stack.new_org("Reminders")
    tokyo = stack.add_user(admin, "Taro Tanaka", time_zone="Asia/Tokyo")
    new_york = stack.add_user(admin, "Nora York", time_zone="America/New_York")
    for owner, title in ((tokyo, "Open the Osaka office"), (new_york, "Win Boston")):
        stack.post(
            admin,
            "/v1/goals",
            {
                "kind": "objective",
                "title": title,
                "owner_id": owner.user_id,
                "due_date": "2099-12-31",
            },
        ).ok()
    created = datetime.now(UTC)
    due = {
        tokyo.email: _next_local_monday_nine("Asia/Tokyo", created),
        new_york.email: _next_local_monday_nine("America/New_York", created),
    }

    def mails(address: str) -> list[dict[str, object]]:
        return [m for m in stack.outbox() if address in m["to"]]  # type: ignore[operator]

    for address, moment in sorted(due.items(), key=lambda pair: pair[1]):
        stack.run_sweep("checkin-reminders", _iso(moment - timedelta(minutes=1)))
        assert mails(address) == []
        stack.run_sweep("checkin-reminders", _iso(moment))
        assert len(mails(address)) == 1
        stack.run_sweep("checkin-reminders", _iso(moment))  # a replay sends nothing new
        assert len(mails(address)) == 1
    assert "Open the Osaka office" in str(mails(tokyo.email)[0]["text"])
    assert "Win Boston" in str(mails(new_york.email)[0]["text"])


def test_a_reminder_names_only_goals_in_progress(stack: HttpApi) -> None:
    admin = stack.new_org("In progress")
    owner = stack.add_user(admin, "Ines Progress")
    marker = admin.org_id[-8:]
    for title, start, due in (
        (f"Running {marker}", "2026-01-01", "2099-12-31"),
        (f"Overdue {marker}", "2026-01-01", "2026-02-01"),
        (f"Far future {marker}", "2098-01-01", "2099-12-31"),
    ):
        stack.post(
            owner,
            "/v1/goals",
            {"kind": "objective", "title": title, "start_date": start, "due_date": due},
        ).ok()
    moment = _next_local_monday_nine("UTC", datetime.now(UTC))
    stack.run_sweep("checkin-reminders", _iso(moment))
    [mail] = [m for m in stack.outbox() if owner.email in m["to"]]
    assert f"Running {marker}" in str(mail["text"])
    assert f"Overdue {marker}" in str(mail["text"])  # open goals past due are still named
    assert f"Far future {marker}" not in str(mail["text"])
    assert "2 goals" in str(mail["subject"])
