"""The progress rule of SPEC §5, case by case and as properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from momentum.coaching import rules
from momentum.coaching.rules import Progress, ProgressFacts, Tracking
from momentum.core.problems import Conflict

START = date(2026, 3, 2)
THREE_WEEKS = Tracking(enabled=True, threshold_days=21, notify_off_track=True)


def facts(
    status: rules.EngagementStatus = "active",
    *,
    kind: rules.EngagementType = "one_on_one",
    tracking: Tracking = THREE_WEEKS,
    started: date | None = START,
    clock: rules.ClockStartKind = "activation",
) -> ProgressFacts:
    return ProgressFacts(kind, status, tracking, started, clock)


def on(
    day: date,
    f: ProgressFacts | None = None,
    sessions: tuple[date, ...] = (),
    calls: tuple[date, ...] = (),
    selected: date | None = None,
) -> Progress:
    return rules.progress(f or facts(), sessions, calls, selected, day)


def test_a_draft_engagement_that_was_never_activated_is_not_tracking() -> None:
    assert on(START + timedelta(days=90), facts("draft", started=None)) == rules.NOT_TRACKING


def test_tracking_off_is_not_tracking_whatever_happens() -> None:
    off = Tracking(enabled=False, threshold_days=21, notify_off_track=True)
    assert on(START + timedelta(days=90), facts(tracking=off)) == rules.NOT_TRACKING


@pytest.mark.parametrize("status", ["completed", "inactive", "draft"])
def test_only_active_or_matching_engagements_are_tracked(status: rules.EngagementStatus) -> None:
    assert on(START + timedelta(days=90), facts(status)).status == "not_tracking"


def test_the_threshold_boundary_a_day_before_and_the_day_of() -> None:
    day_before = on(START + timedelta(days=20))
    assert day_before == Progress(
        "on_track", None, "activation", START, 21, START + timedelta(days=21)
    )
    day_of = on(START + timedelta(days=21))
    assert day_of.status == "off_track"
    assert day_of.off_track_since == START + timedelta(days=21)
    assert (day_of.reference_kind, day_of.reference_date) == ("activation", START)


def test_a_future_scheduled_session_keeps_it_on_track_and_is_the_reference() -> None:
    today = START + timedelta(days=40)
    upcoming = today + timedelta(days=3)
    progress = on(today, sessions=(START + timedelta(days=1), upcoming))
    assert progress.status == "on_track"
    assert (progress.reference_kind, progress.reference_date) == ("session", upcoming)
    assert progress.due_by == upcoming + timedelta(days=21)


def test_a_cancelled_session_never_counts_as_activity() -> None:
    assert not rules.counts_as_activity("cancelled")
    assert rules.counts_as_activity("scheduled") and rules.counts_as_activity("completed")


def test_a_location_admin_without_named_locations_administers_their_own() -> None:
    admin = frozenset({"location_admin"})
    assert rules.administered_locations(admin, (), "paris") == {"paris"}
    assert rules.administered_locations(admin, ("lyon",), "paris") == {"lyon"}
    assert rules.administered_locations(frozenset({"coach"}), (), "paris") == set()
    assert rules.administered_locations(admin, (), None) == set()


def test_coach_matching_counts_a_discovery_call_then_the_coach_selection() -> None:
    matching = facts("coach_matching", kind="coach_matching")
    call = START + timedelta(days=5)
    assert on(call + timedelta(days=20), matching, calls=(call,)).reference_kind == "discovery_call"
    assert on(call + timedelta(days=21), matching, calls=(call,)).status == "off_track"
    selected = call + timedelta(days=10)
    chosen = facts("active", kind="coach_matching")
    progress = on(selected + timedelta(days=20), chosen, calls=(call,), selected=selected)
    assert (progress.status, progress.reference_kind) == ("on_track", "coach_selection")
    assert progress.due_by == selected + timedelta(days=21)


def test_discovery_calls_do_not_count_for_other_engagement_types() -> None:
    call = START + timedelta(days=10)
    assert on(START + timedelta(days=21), calls=(call,)).status == "off_track"


def test_deactivation_stops_tracking_and_reactivation_starts_a_new_clock() -> None:
    assert on(START + timedelta(days=60), facts("inactive")).status == "not_tracking"
    restarted = START + timedelta(days=60)
    old_session = (START + timedelta(days=3),)
    back = facts(started=restarted, clock="reactivation")
    progress = on(restarted + timedelta(days=20), back, sessions=old_session)
    assert (progress.status, progress.reference_kind) == ("on_track", "reactivation")
    assert on(restarted + timedelta(days=21), back, sessions=old_session).status == "off_track"


def test_status_on_flips_a_stored_progress_when_its_due_by_arrives() -> None:
    stored = on(START)
    assert rules.status_on(stored, START + timedelta(days=20)) == stored
    flipped = rules.status_on(stored, START + timedelta(days=21))
    assert flipped == on(START + timedelta(days=21))


def test_lifecycle_transitions() -> None:
    assert rules.activation("draft", "one_on_one", True) == ("active", "activation")
    assert rules.activation("draft", "coach_matching", False) == ("coach_matching", "activation")
    assert rules.activation("inactive", "coach_matching", True) == ("active", "reactivation")
    for status in ("active", "coach_matching", "completed"):
        with pytest.raises(Conflict):
            rules.activation(status, "one_on_one", True)  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        rules.completion("draft")
    with pytest.raises(Conflict):
        rules.deactivation("inactive")
    with pytest.raises(Conflict):
        rules.coach_selection("coach_matching", "one_on_one")


def test_who_sees_progress() -> None:
    scope = rules.Scope("owner", "coachee", "coach", "acme", "paris")

    def viewer(
        uid: str, *roles: str, company: str | None = None, locations: tuple[str, ...] = ()
    ) -> rules.Viewer:
        return rules.Viewer(uid, frozenset(roles), company, frozenset(locations))

    sees = [
        viewer("owner"),
        viewer("coach", "coach"),
        viewer("a", "admin"),
        viewer("b", "admin", company="acme"),
        viewer("c", "location_admin", locations=("paris",)),
    ]
    blind = [
        viewer("coachee", "coachee"),
        viewer("d", "admin", company="globex"),
        viewer("e", "location_admin", locations=("lyon",)),
        viewer("f", "coach"),
    ]
    assert all(rules.sees_progress(v, scope) for v in sees)
    assert not any(rules.sees_progress(v, scope) for v in blind)
    assert rules.may_read(viewer("f", "coach"), scope)
    assert not rules.may_read(viewer("g", "employee"), scope)


def test_who_gets_off_track_emails() -> None:
    def user(status: str, **notifications: bool) -> dict[str, object]:
        return {"status": status, "settings": {"notifications": notifications}}

    assert rules.gets_off_track_email(user("invited"))
    assert rules.gets_off_track_email({"id": "no status yet"})
    assert rules.gets_off_track_email(user("active", engagement_off_track=True))
    assert not rules.gets_off_track_email(user("active", engagement_off_track=False))
    assert not rules.gets_off_track_email(user("internal_record"))
    assert not rules.gets_off_track_email(user("inactive"))


# --- properties -----------------------------------------------------------------------

days = st.integers(min_value=0, max_value=400).map(lambda n: START + timedelta(days=n))
thresholds = st.integers(min_value=1, max_value=120)
engagement_types = st.sampled_from(["one_on_one", "on_demand", "coach_matching"])


@given(
    thresholds,
    st.lists(days, max_size=6),
    st.lists(days, max_size=4),
    st.none() | days,
    days,
    engagement_types,
)
def test_progress_explains_itself(
    threshold: int,
    sessions: list[date],
    calls: list[date],
    selected: date | None,
    today: date,
    kind: rules.EngagementType,
) -> None:
    tracking = Tracking(True, threshold, True)
    f = facts("active", kind=kind, tracking=tracking)
    progress = on(today, f, tuple(sessions), tuple(calls), selected)
    counted = [START, *sessions]
    if kind == "coach_matching":
        counted += [*calls, *([selected] if selected else [])]
    assert progress.reference_date == max(counted)
    assert progress.due_by == max(counted) + timedelta(days=threshold)
    assert progress.threshold_days == threshold
    off = today >= progress.due_by
    assert progress.status == ("off_track" if off else "on_track")
    assert progress.off_track_since == (progress.due_by if off else None)


@given(thresholds, st.lists(days, max_size=6), days, st.integers(1, 60))
def test_a_future_scheduled_session_always_means_on_track(
    threshold: int, sessions: list[date], today: date, ahead: int
) -> None:
    upcoming = today + timedelta(days=ahead)
    progress = on(today, facts(tracking=Tracking(True, threshold, True)), (*sessions, upcoming))
    assert progress.status == "on_track"


@given(thresholds, st.lists(days, max_size=6), days, st.integers(0, 400))
def test_a_stored_progress_re_read_later_equals_a_fresh_computation(
    threshold: int, sessions: list[date], written: date, later: int
) -> None:
    """What the sweep relies on: without changes, progress only depends on the day."""
    f = facts(tracking=Tracking(True, threshold, True))
    stored = on(written, f, tuple(sessions))
    reread_on = written + timedelta(days=later)
    assert rules.status_on(stored, reread_on) == on(reread_on, f, tuple(sessions))


@given(thresholds, st.lists(days, max_size=6), days, days)
def test_a_new_session_never_makes_an_engagement_go_off_track(
    threshold: int, sessions: list[date], new_session: date, today: date
) -> None:
    f = facts(tracking=Tracking(True, threshold, True))
    before = on(today, f, tuple(sessions))
    after = on(today, f, (*sessions, new_session))
    assert not (before.status == "on_track" and after.status == "off_track")
    assert after.due_by is not None
    assert before.due_by is not None
    assert after.due_by >= before.due_by


@given(st.sampled_from(["draft", "completed", "inactive"]), st.lists(days, max_size=4), days)
def test_untracked_statuses_never_show_progress(
    status: rules.EngagementStatus, sessions: list[date], today: date
) -> None:
    assert on(today, facts(status), tuple(sessions)) == rules.NOT_TRACKING
