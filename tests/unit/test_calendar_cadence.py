"""Cadence classification and DST-correct expansion of calendar recurrences."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from momentum.calendar import cadence
from momentum.calendar.cadence import Unsupported
from momentum.one_on_ones import rules as one_on_one_rules

NEW_YORK = ZoneInfo("America/New_York")
# 2026-03-08 is the US spring-forward Sunday; these windows straddle it.
TUESDAY = datetime(2026, 2, 24, 10, 0, tzinfo=NEW_YORK)
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=NEW_YORK)


def local(moments: list[datetime]) -> list[str]:
    return [m.astimezone(NEW_YORK).strftime("%a %m-%d %H:%M") for m in moments]


def test_weekly_keeps_local_time_across_dst() -> None:
    lines = ["RRULE:FREQ=WEEKLY;BYDAY=TU"]
    kind = cadence.classify(lines, TUESDAY)
    assert kind.cadence == "weekly"
    found = cadence.occurrences(lines, TUESDAY, TUESDAY, TUESDAY + timedelta(weeks=4))
    assert local(found) == [
        "Tue 02-24 10:00",
        "Tue 03-03 10:00",
        "Tue 03-10 10:00",
        "Tue 03-17 10:00",
    ]
    assert [m.hour for m in found] == [15, 15, 14, 14]  # UTC moves, wall clock does not


def test_biweekly_tuesday_with_sunday_week_start() -> None:
    lines = ["RRULE:FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=TU"]
    kind = cadence.classify(lines, TUESDAY)
    assert (kind.cadence, kind.interval, kind.days) == ("biweekly", 2, ("TU",))
    found = cadence.occurrences(lines, TUESDAY, TUESDAY, TUESDAY + timedelta(weeks=6))
    assert local(found) == ["Tue 02-24 10:00", "Tue 03-10 10:00", "Tue 03-24 10:00"]


def test_week_start_changes_a_biweekly_multi_day_rule() -> None:
    """The same rule expands differently under WKST=SU and WKST=MO (RFC 5545 example)."""
    start = datetime(2026, 3, 3, 10, 0, tzinfo=NEW_YORK)  # a Tuesday
    sunday = ["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU"]
    monday = ["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=MO"]
    until = start + timedelta(weeks=4)
    assert local(cadence.occurrences(sunday, start, start, until)) == [
        "Tue 03-03 10:00",
        "Sun 03-15 10:00",
        "Tue 03-17 10:00",
        "Sun 03-29 10:00",
    ]
    assert local(cadence.occurrences(monday, start, start, until)) == [
        "Tue 03-03 10:00",
        "Sun 03-08 10:00",
        "Tue 03-17 10:00",
        "Sun 03-22 10:00",
    ]
    assert cadence.classify(sunday, start).rule.endswith("WKST=SU")


def test_triweekly_and_several_per_week() -> None:
    assert cadence.classify(["RRULE:FREQ=WEEKLY;INTERVAL=3"], TUESDAY).cadence == "triweekly"
    kind = cadence.classify(["RRULE:FREQ=WEEKLY;BYDAY=TH,MO"], MONDAY)
    assert (kind.cadence, kind.days) == ("several_per_week", ("MO", "TH"))
    daily = cadence.classify(["RRULE:FREQ=DAILY;BYDAY=MO,TH"], MONDAY)
    assert daily.cadence == "several_per_week"
    assert cadence.classify(["RRULE:FREQ=DAILY;INTERVAL=14"], TUESDAY).rule.startswith(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    )


def test_monthly_first_monday_across_dst() -> None:
    lines = ["RRULE:FREQ=MONTHLY;BYDAY=1MO"]
    kind = cadence.classify(lines, MONDAY)
    assert (kind.cadence, kind.days) == ("monthly", ("1MO",))
    found = cadence.occurrences(lines, MONDAY, MONDAY, MONDAY + timedelta(days=100))
    assert local(found) == [
        "Mon 03-02 09:30",
        "Mon 04-06 09:30",
        "Mon 05-04 09:30",
        "Mon 06-01 09:30",
    ]
    setpos = cadence.classify(["RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1"], MONDAY)
    assert setpos.cadence == "monthly"


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("RRULE:FREQ=DAILY", "cadence_not_supported"),
        ("RRULE:FREQ=YEARLY", "cadence_not_supported"),
        ("RRULE:FREQ=WEEKLY;INTERVAL=4", "cadence_not_supported"),
        ("RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO", "cadence_not_supported"),
        ("RRULE:FREQ=WEEKLY;BYHOUR=9", "cadence_not_supported"),
        ("RRULE:FREQ=WEEKLY;INTERVAL=x", "rule_not_understood"),
        ("RRULE:FREQ=WEEKLY;COUNT=3;UNTIL=20260101", "rule_not_understood"),
        ("RDATE:20260310T100000Z", "cadence_not_supported"),
    ],
)
def test_unsupported_rules_say_why(rule: str, reason: str) -> None:
    with pytest.raises(Unsupported) as raised:
        cadence.classify([rule], TUESDAY)
    assert raised.value.reason == reason


def test_exdate_and_until_are_honoured() -> None:
    lines = [
        "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20260317",
        "EXDATE;TZID=America/New_York:20260303T100000",
    ]
    found = cadence.occurrences(lines, TUESDAY, TUESDAY, TUESDAY + timedelta(weeks=8))
    assert local(found) == ["Tue 02-24 10:00", "Tue 03-10 10:00", "Tue 03-17 10:00"]
    assert cadence.classify(lines, TUESDAY).finite
    assert cadence.last_occurrence(lines, TUESDAY) == datetime(2026, 3, 17, 14, 0, tzinfo=UTC)


def test_series_rule_turns_count_into_until_and_is_accepted_by_one_on_ones() -> None:
    lines = ["RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4;WKST=SU"]
    kind = cadence.classify(lines, TUESDAY)
    rule = cadence.series_rule(kind, lines, TUESDAY)
    assert "COUNT" not in rule and "UNTIL=20260317T140000Z" in rule
    later = TUESDAY + timedelta(weeks=2)
    assert one_on_one_rules.normalise_recurrence(rule, later, NEW_YORK)


def test_graph_patterns_become_rules() -> None:
    weekly = {
        "pattern": {
            "type": "weekly",
            "interval": 2,
            "daysOfWeek": ["tuesday"],
            "firstDayOfWeek": "sunday",
        },
        "range": {"type": "noEnd", "recurrenceTimeZone": "Eastern Standard Time"},
    }
    kind = cadence.classify(cadence.graph_rrule(weekly), TUESDAY)
    assert (kind.cadence, kind.rule) == ("biweekly", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;WKST=SU")
    first_monday = {
        "pattern": {
            "type": "relativeMonthly",
            "interval": 1,
            "index": "first",
            "daysOfWeek": ["monday"],
        },
        "range": {
            "type": "endDate",
            "endDate": "2026-06-30",
            "recurrenceTimeZone": "Eastern Standard Time",
        },
    }
    lines = cadence.graph_rrule(first_monday)
    assert cadence.classify(lines, MONDAY).cadence == "monthly"
    assert local(cadence.occurrences(lines, MONDAY, MONDAY, MONDAY + timedelta(days=400)))[-1] == (
        "Mon 06-01 09:30"
    )
    numbered = {
        "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday", "thursday"]},
        "range": {"type": "numbered", "numberOfOccurrences": 3},
    }
    found = cadence.occurrences(
        cadence.graph_rrule(numbered), MONDAY, MONDAY, MONDAY + timedelta(weeks=8)
    )
    assert local(found) == ["Mon 03-02 09:30", "Thu 03-05 09:30", "Mon 03-09 09:30"]
    with pytest.raises(Unsupported):
        cadence.graph_rrule({"pattern": {"type": "absoluteYearly", "interval": 1}})


@given(
    weeks=st.integers(min_value=1, max_value=3),
    day=st.integers(min_value=0, max_value=400),
    hour=st.integers(min_value=6, max_value=20),
    zone=st.sampled_from(["America/New_York", "Europe/Paris", "Australia/Sydney"]),
)
def test_weekly_occurrences_keep_weekday_and_wall_clock(
    weeks: int, day: int, hour: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    start = datetime(2026, 1, 1, hour, 0, tzinfo=tz) + timedelta(days=day)
    lines = [f"RRULE:FREQ=WEEKLY;INTERVAL={weeks}"]
    found = cadence.occurrences(lines, start, start, start + timedelta(weeks=30))
    assert found and found[0] == start.astimezone(UTC)
    for earlier, later in itertools.pairwise(found):
        a, b = earlier.astimezone(tz), later.astimezone(tz)
        assert (b.date() - a.date()).days == 7 * weeks
        assert (a.hour, a.minute) == (b.hour, b.minute) == (hour, 0)
