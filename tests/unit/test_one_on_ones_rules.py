"""Pure 1:1 rules: agenda order, links, recurrence and DST, the horizon, Sunday summaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum.core.problems import Conflict, Invalid
from momentum.one_on_ones import rules

PARIS, NEW_YORK = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")


# --- fractional positions ------------------------------------------------------------------

operations = st.lists(
    st.tuples(st.sampled_from(["append", "before", "after"]), st.integers(0, 10_000)),
    min_size=1,
    max_size=60,
)


@given(operations)
@settings(max_examples=200, deadline=None)
def test_positions_keep_any_sequence_of_inserts_in_order(ops: list[tuple[str, int]]) -> None:
    """A list built by appends and inserts before/after any entry is ordered by position."""
    order: list[str] = []  # positions in intended list order
    for op, pick in ops:
        if op == "append" or not order:
            new = rules.position_after(order[-1] if order else None)
            order.append(new)
            continue
        index = pick % len(order)
        if op == "before":
            low = order[index - 1] if index > 0 else None
            new = rules.position_between(low, order[index])
            order.insert(index, new)
        else:
            high = order[index + 1] if index + 1 < len(order) else None
            new = rules.position_between(order[index], high)
            order.insert(index + 1, new)
    assert order == sorted(order)
    assert len(set(order)) == len(order)
    assert all(not p.endswith("0") for p in order)


def test_appending_keeps_positions_short() -> None:
    position = None
    for _ in range(200):
        position = rules.position_after(position)
    assert position is not None
    assert len(position) <= 8


# --- agenda text -------------------------------------------------------------------------------


def test_a_single_http_url_is_a_link_and_other_schemes_are_refused() -> None:
    assert rules.agenda_text("  https://a.test/x ") == ("https://a.test/x", "https://a.test/x")
    assert rules.agenda_text("see https://a.test") == ("see https://a.test", None)
    assert rules.agenda_text("Note: ask about it") == ("Note: ask about it", None)
    for bad in ("javascript:alert(1)", "ftp://a.test", "http://", "data:text/html,x", " "):
        with pytest.raises(Invalid):
            rules.agenda_text(bad)


# --- recurrence ---------------------------------------------------------------------------------


def starts(rule: str, first: datetime, count: int) -> list[datetime]:
    normalised = rules.normalise_recurrence(rule, first, first.tzinfo or UTC)
    recurrence = rules.Recurrence(normalised, first, timedelta(minutes=30))
    return [moment for moment, _ in zip(recurrence.occurrences(), range(count), strict=False)]


def test_weekly_meetings_keep_local_time_across_dst() -> None:
    found = starts("FREQ=WEEKLY", datetime(2026, 10, 19, 9, 0, tzinfo=PARIS), 3)
    assert [m.astimezone(PARIS).hour for m in found] == [9, 9, 9]
    assert [m.hour for m in found] == [7, 8, 8]  # UTC moves with the clock change


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("FREQ=WEEKLY;INTERVAL=2", ["2026-11-02", "2026-11-16", "2026-11-30"]),
        ("FREQ=WEEKLY;INTERVAL=3", ["2026-11-02", "2026-11-23", "2026-12-14"]),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", ["2026-11-02", "2026-11-04", "2026-11-06"]),
        ("FREQ=MONTHLY;BYDAY=1MO", ["2026-11-02", "2026-12-07", "2027-01-04"]),
        ("FREQ=MONTHLY", ["2026-11-02", "2026-12-02", "2027-01-02"]),
    ],
)
def test_supported_cadences(rule: str, expected: list[str]) -> None:
    found = starts(rule, datetime(2026, 11, 2, 10, 0, tzinfo=UTC), 3)
    assert [m.date().isoformat() for m in found] == expected


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY",
        "FREQ=YEARLY",
        "FREQ=WEEKLY;INTERVAL=4",
        "FREQ=WEEKLY;BYDAY=1MO",
        "FREQ=WEEKLY;BYHOUR=3",
        "FREQ=MONTHLY;INTERVAL=2",
        "FREQ=WEEKLY;COUNT=0",
        "FREQ=WEEKLY;COUNT=2;UNTIL=20270101",
        "FREQ=WEEKLY;UNTIL=20200101",
        "",
        "FREQ",
        "FREQ=WEEKLY;FREQ=WEEKLY",
        "FREQ=WEEKLY;UNTIL=2027",
    ],
)
def test_unsupported_rules_say_why(rule: str) -> None:
    with pytest.raises(rules.RecurrenceError):
        rules.normalise_recurrence(rule, datetime(2026, 11, 2, 10, tzinfo=UTC), UTC)


def test_until_as_a_date_is_read_in_the_owners_zone() -> None:
    rule = rules.normalise_recurrence(
        "RRULE:FREQ=WEEKLY;UNTIL=20261116", datetime(2026, 11, 2, 23, 30, tzinfo=PARIS), PARIS
    )
    assert rule == "FREQ=WEEKLY;UNTIL=20261116T225959Z"
    recurrence = rules.Recurrence(
        rule, datetime(2026, 11, 2, 23, 30, tzinfo=PARIS), timedelta(minutes=30)
    )
    assert len(list(recurrence.occurrences())) == 3
    assert recurrence.last_end() == datetime(2026, 11, 16, 23, 0, tzinfo=UTC)


# --- the horizon ----------------------------------------------------------------------------


@given(
    interval=st.integers(1, 3),
    days=st.sets(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), max_size=7),
    offset_days=st.integers(-20, 200),
)
@settings(max_examples=60, deadline=None)
def test_the_horizon_keeps_enough_meetings_ahead(
    interval: int, days: set[str], offset_days: int
) -> None:
    first = datetime(2026, 11, 2, 9, 0, tzinfo=PARIS)
    rule = f"FREQ=WEEKLY;INTERVAL={interval}" + (f";BYDAY={','.join(sorted(days))}" if days else "")
    recurrence = rules.Recurrence(
        rules.normalise_recurrence(rule, first, PARIS), first, timedelta(minutes=30)
    )
    now = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=offset_days)
    through: datetime | None = None
    materialised: list[datetime] = []
    for _ in range(20):  # the create request, then sweeps until the plan is settled
        plan = rules.plan_extension(recurrence, through, now)
        materialised += plan.starts
        through = materialised[-1] if materialised else through
        if not plan.more:
            break
    assert materialised == sorted(set(materialised))
    ahead = [m for m in materialised if m > now]
    assert len(ahead) >= rules.MIN_AHEAD or ahead[-1] >= now + rules.HORIZON
    assert len(ahead) <= rules.MAX_AHEAD
    assert plan.look_again_at is not None
    assert plan.look_again_at > now
    # Nothing more is due before look_again_at: a plan made then adds what is needed.
    later = rules.plan_extension(recurrence, through, plan.look_again_at - timedelta(seconds=1))
    assert later.starts == []


def test_a_finite_rule_stops_being_extended() -> None:
    first = datetime(2026, 11, 2, 9, tzinfo=UTC)
    recurrence = rules.Recurrence("FREQ=WEEKLY;COUNT=3", first, timedelta(minutes=30))
    plan = rules.plan_extension(recurrence, None, first - timedelta(days=1))
    assert len(plan.starts) == 3
    assert plan.look_again_at is None
    assert not plan.more


# --- lifecycle ----------------------------------------------------------------------------------


def test_only_future_meetings_are_deleted_and_only_past_ones_archived() -> None:
    meeting = {"start": "2026-11-02T10:00:00+00:00", "end": "2026-11-02T10:30:00+00:00"}
    before, during = datetime(2026, 11, 2, 9, tzinfo=UTC), datetime(2026, 11, 2, 10, 15, tzinfo=UTC)
    rules.check_deletable_meeting(meeting, before)
    with pytest.raises(Conflict, match="archived"):
        rules.check_deletable_meeting(meeting, during)
    with pytest.raises(Conflict, match="past"):
        rules.check_archivable_meeting(meeting, during)
    rules.check_archivable_meeting(meeting, datetime(2026, 11, 2, 10, 30, tzinfo=UTC))


# --- Sunday 18:00 local --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "zone", "expected"),
    [
        ("2026-10-14T12:00:00+00:00", PARIS, "2026-10-18T16:00:00+00:00"),  # summer time
        ("2026-10-18T16:00:00+00:00", PARIS, "2026-10-25T17:00:00+00:00"),  # across the change
        ("2026-10-25T22:00:00+00:00", NEW_YORK, "2026-11-01T23:00:00+00:00"),
        ("2026-11-01T12:00:00+00:00", UTC, "2026-11-01T18:00:00+00:00"),  # same Sunday
        ("2026-11-01T18:00:00+00:00", UTC, "2026-11-08T18:00:00+00:00"),
    ],
)
def test_next_summary_is_sunday_18_local(after: str, zone, expected: str) -> None:
    moment = rules.next_summary_at(datetime.fromisoformat(after), zone)
    assert moment.isoformat() == expected
    assert moment.astimezone(zone).weekday() == 6
    assert moment.astimezone(zone).hour == 18


def test_a_summary_covers_the_latest_local_week() -> None:
    sunday, start, end = rules.summary_week(datetime(2026, 10, 25, 17, tzinfo=UTC), PARIS)
    assert sunday.isoformat() == "2026-10-25"
    assert start.isoformat() == "2026-10-18T22:00:00+00:00"  # Monday 00:00 summer time
    assert end.isoformat() == "2026-10-25T23:00:00+00:00"  # next Monday 00:00 winter time
    late, _, _ = rules.summary_week(datetime(2026, 10, 28, 9, tzinfo=UTC), PARIS)
    assert late.isoformat() == "2026-10-25"
    early, _, _ = rules.summary_week(datetime(2026, 10, 25, 16, 59, tzinfo=UTC), PARIS)
    assert early.isoformat() == "2026-10-18"


def test_links_come_back_percent_encoded_and_only_for_http() -> None:
    text, link = rules.agenda_text('https://a.test/x?q="1"&<b>\'')
    assert text == 'https://a.test/x?q="1"&<b>\''
    assert link == "https://a.test/x?q=%221%22&%3Cb%3E%27"
    assert rules.safe_link("https://a.test/ü") == "https://a.test/%C3%BC"
    assert rules.safe_link(link) == link  # encoding twice changes nothing
    for bad in ("JaVaScRiPt:alert(1)", 'http://a"b.test/', "http://a.test/\x00", "mailto:a@b.c"):
        assert rules.safe_link(bad) is None
    for bad in ("JaVaScRiPt:alert(1)", 'http://a"b.test/', "vbscript:x"):
        with pytest.raises(Invalid):
            rules.agenda_text(bad)


@pytest.mark.parametrize(
    ("rule", "part"),
    [
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=31;BYDAY=2MO", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYSETPOS=2", "BYSETPOS"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", "BYSETPOS"),
        ("FREQ=MONTHLY;BYDAY=0MO", "BYDAY"),
        ("FREQ=MONTHLY;INTERVAL=2", "INTERVAL"),
        ("FREQ=WEEKLY;UNTIL=99991231", "UNTIL"),
        ("FREQ=HOURLY", "FREQ"),
    ],
)
def test_unsupported_rule_parts_are_named(rule: str, part: str) -> None:
    with pytest.raises(rules.RecurrenceError, match=part):
        rules.normalise_recurrence(rule, datetime(2026, 11, 2, 10, tzinfo=UTC), UTC)


def test_a_last_weekday_of_the_month_rule_is_still_accepted() -> None:
    first = datetime(2026, 11, 2, 10, tzinfo=UTC)
    found = starts("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", first, 2)
    assert [day.date().isoformat() for day in found] == ["2026-11-30", "2026-12-31"]


def test_the_last_meeting_of_a_long_rule_is_its_real_last_one() -> None:
    first = datetime(2026, 11, 2, 10, tzinfo=UTC)
    rule = rules.normalise_recurrence("FREQ=WEEKLY;UNTIL=20601231", first, UTC)
    last = rules.Recurrence(rule, first, timedelta(minutes=30)).last_end()
    assert last is not None and last.date().isoformat() == "2060-12-27"
