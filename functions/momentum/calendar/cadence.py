"""Cadence of a recurring calendar event, read from the rule itself (RFC 5545 RRULE, or a
Graph recurrence pattern turned into one), and its occurrences (python-dateutil).

Pure: no I/O, no clock. Occurrences are expanded from DTSTART in the event's own zone, so
a 10:00 meeting stays at 10:00 local across a DST change (its UTC instant moves).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Literal

import msgspec
from dateutil.rrule import rrule, rruleset, rrulestr

from momentum.calendar.providers.zones import zone_info

Cadence = Literal["weekly", "biweekly", "triweekly", "monthly", "several_per_week"]
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
INTERVAL_CADENCE: dict[int, Cadence] = {1: "weekly", 2: "biweekly", 3: "triweekly"}
_SUPPORTED_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "COUNT", "UNTIL", "WKST"}
_NTH_DAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
_STAMP = re.compile(r"^(\d{8})(T(\d{6})(Z)?)?$")
MAX_EXPANSION = 500  # occurrences looked at in one expansion (a 1:1 in a window is far fewer)


class Unsupported(ValueError):
    """The event cannot become a 1:1 series; `reason` is the stable code shown to users."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class Recurring(msgspec.Struct, frozen=True):
    cadence: Cadence
    rule: str  # RRULE body a 1:1 series accepts: FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;WKST=SU
    days: tuple[str, ...]  # weekdays (weekly kinds) or e.g. ("1MO",) for monthly
    interval: int
    finite: bool  # COUNT or UNTIL: the recurring event ends


def _parts(body: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for chunk in filter(None, body.strip().split(";")):
        name, sep, value = chunk.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not value:
            raise Unsupported("rule_not_understood", f"'{chunk}' is not an RRULE part")
        parts[name] = value
    return parts


def rrule_line(lines: Sequence[str]) -> str:
    """The body of the (single) RRULE line; RDATE-only or multi-rule events are refused."""
    rules = [line for line in lines if line.upper().startswith("RRULE:")]
    if len(rules) != 1:
        raise Unsupported(
            "cadence_not_supported",
            "the event has no single repeating rule" if not rules else "the event has two rules",
        )
    return rules[0][6:]


def _weekday_of(moment: datetime) -> str:
    return WEEKDAYS[moment.weekday()]


def classify(lines: Sequence[str], first_start: datetime) -> Recurring:
    """The cadence of a rule starting at `first_start` (aware, in the event's zone)."""
    parts = _parts(rrule_line(lines))
    unknown = sorted(set(parts) - _SUPPORTED_PARTS)
    if unknown:
        raise Unsupported("cadence_not_supported", f"the rule uses {', '.join(unknown)}")
    freq = parts.pop("FREQ", "")
    try:
        interval = int(parts.pop("INTERVAL", "1"))
    except ValueError as error:
        raise Unsupported("rule_not_understood", "INTERVAL is not a number") from error
    if interval < 1:
        raise Unsupported("rule_not_understood", "INTERVAL must be positive")
    days = tuple(filter(None, parts.pop("BYDAY", "").split(",")))
    if freq == "DAILY":
        freq, days, interval = _daily_as_weekly(days, interval, first_start)
    if freq == "WEEKLY":
        return _weekly(parts, days, interval, first_start)
    if freq == "MONTHLY":
        return _monthly(parts, days, interval)
    raise Unsupported(
        "cadence_not_supported", f"a {freq.lower() or 'missing'} rule is not a 1:1 cadence"
    )


def _daily_as_weekly(
    days: tuple[str, ...], interval: int, first_start: datetime
) -> tuple[str, tuple[str, ...], int]:
    """FREQ=DAILY;BYDAY=MO,TH is several per week; FREQ=DAILY;INTERVAL=14 is biweekly."""
    if days and interval == 1:
        return "WEEKLY", days, 1
    if not days and interval % 7 == 0:
        return "WEEKLY", (_weekday_of(first_start),), interval // 7
    raise Unsupported("cadence_not_supported", f"repeats every {interval} day(s)")


def _tail(parts: dict[str, str]) -> tuple[list[str], bool]:
    """COUNT / UNTIL / WKST as kept in the normalised rule."""
    if "COUNT" in parts and "UNTIL" in parts:
        raise Unsupported("rule_not_understood", "the rule gives both COUNT and UNTIL")
    tail = [f"{name}={parts[name]}" for name in ("COUNT", "UNTIL") if name in parts]
    if "COUNT" in parts and not parts["COUNT"].isdigit():
        raise Unsupported("rule_not_understood", "COUNT is not a number")
    if "UNTIL" in parts and not _STAMP.match(parts["UNTIL"]):
        raise Unsupported("rule_not_understood", "UNTIL is not a date")
    if "WKST" in parts:
        if parts["WKST"] not in WEEKDAYS:
            raise Unsupported("rule_not_understood", "WKST is not a weekday")
        tail.append(f"WKST={parts['WKST']}")
    return tail, "COUNT" in parts or "UNTIL" in parts


def _weekly(
    parts: dict[str, str], days: tuple[str, ...], interval: int, first_start: datetime
) -> Recurring:
    if "BYMONTHDAY" in parts or "BYSETPOS" in parts:
        raise Unsupported("cadence_not_supported", "a weekly rule with month days")
    if any(day not in WEEKDAYS for day in days):
        raise Unsupported("rule_not_understood", "BYDAY of a weekly rule lists weekdays")
    if interval not in INTERVAL_CADENCE:
        raise Unsupported("cadence_not_supported", f"repeats every {interval} weeks")
    days = tuple(sorted(set(days or (_weekday_of(first_start),)), key=WEEKDAYS.index))
    tail, finite = _tail(parts)
    cadence: Cadence = INTERVAL_CADENCE[interval]
    if interval == 1 and len(days) > 1:
        cadence = "several_per_week"
    head = [f"FREQ=WEEKLY;INTERVAL={interval}", f"BYDAY={','.join(days)}"]
    return Recurring(cadence, ";".join(head + tail), days, interval, finite)


def _monthly(parts: dict[str, str], days: tuple[str, ...], interval: int) -> Recurring:
    if interval != 1:
        raise Unsupported("cadence_not_supported", f"repeats every {interval} months")
    head = ["FREQ=MONTHLY;INTERVAL=1"]
    shown: tuple[str, ...] = ()
    if days:
        if len(days) != 1 or not _NTH_DAY.match(days[0]):
            raise Unsupported("cadence_not_supported", "more than one day a month")
        if "BYSETPOS" in parts:
            if days[0][0] in "+-0123456789":
                raise Unsupported("cadence_not_supported", "BYSETPOS with numbered days")
            head.append(f"BYDAY={days[0]};BYSETPOS={parts['BYSETPOS']}")
            shown = (f"{parts['BYSETPOS']}{days[0]}",)
        else:
            if days[0][0] not in "+-0123456789":
                raise Unsupported("cadence_not_supported", "every weekday of the month")
            head.append(f"BYDAY={days[0]}")
            shown = days
    elif "BYMONTHDAY" in parts:
        if "," in parts["BYMONTHDAY"]:
            raise Unsupported("cadence_not_supported", "more than one day a month")
        head.append(f"BYMONTHDAY={parts['BYMONTHDAY']}")
        shown = (parts["BYMONTHDAY"],)
    tail, finite = _tail(parts)
    return Recurring("monthly", ";".join(head + tail), shown, 1, finite)


# --- expansion --------------------------------------------------------------------------


def _stamp(value: str, zone: tzinfo, clock_time: time) -> datetime:
    """An iCalendar DATE or DATE-TIME (UTC with Z, else local to `zone`) as aware UTC."""
    match = _STAMP.match(value.strip())
    if not match:
        raise Unsupported("rule_not_understood", f"'{value}' is not a date")
    day = datetime.strptime(match.group(1), "%Y%m%d")
    if match.group(3):
        moment = datetime.strptime(match.group(1) + match.group(3), "%Y%m%d%H%M%S")
        tz = UTC if match.group(4) else zone
        return moment.replace(tzinfo=tz).astimezone(UTC)
    return datetime.combine(day.date(), clock_time, zone).astimezone(UTC)


def _utc_until(body: str, zone: tzinfo) -> str:
    """dateutil wants UNTIL in UTC when DTSTART is aware; a date means the end of that day."""
    parts = body.split(";")
    for index, part in enumerate(parts):
        if part.upper().startswith("UNTIL="):
            until = _stamp(part[6:], zone, time(23, 59, 59))
            parts[index] = "UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ")
    return ";".join(parts)


def _excluded(lines: Sequence[str], zone: tzinfo, first_start: datetime) -> list[datetime]:
    found: list[datetime] = []
    for line in lines:
        head, _, values = line.partition(":")
        if not head.upper().startswith("EXDATE"):
            continue
        tzid = re.search(r"TZID=([^;:]+)", head)
        # A TZID no one knows falls back to the event's own zone (warned in zones.py).
        line_zone = zone_info(tzid.group(1), getattr(zone, "key", "UTC")) if tzid else zone
        for value in values.split(","):
            found.append(_stamp(value, line_zone, first_start.astimezone(line_zone).time()))
    return found


def ruleset(lines: Sequence[str], first_start: datetime) -> rruleset:
    """The recurrence (RRULE minus EXDATEs) with DTSTART `first_start` (aware, event zone)."""
    zone = first_start.tzinfo
    assert zone is not None
    body = _utc_until(rrule_line(lines), zone)
    try:
        parsed = rrulestr(body, dtstart=first_start)
    except (ValueError, TypeError) as error:
        raise Unsupported(
            "rule_not_understood", "the rule cannot be read as a recurrence"
        ) from error
    assert isinstance(parsed, rrule)
    rules = rruleset()
    rules.rrule(parsed)
    for moment in _excluded(lines, zone, first_start):
        rules.exdate(moment.astimezone(zone))
    return rules


def occurrences(
    lines: Sequence[str], first_start: datetime, after: datetime, before: datetime
) -> list[datetime]:
    """Occurrence starts (UTC) in [after, before), in order."""
    found: list[datetime] = []
    for moment in ruleset(lines, first_start).xafter(after, count=MAX_EXPANSION, inc=True):
        if moment >= before:
            break
        found.append(moment.astimezone(UTC))
    return found


def last_occurrence(lines: Sequence[str], first_start: datetime) -> datetime | None:
    """The last start of a finite rule (None if it repeats for ever or never occurs)."""
    if "COUNT=" not in rrule_line(lines).upper() and "UNTIL=" not in rrule_line(lines).upper():
        return None
    last = None
    for count, moment in enumerate(ruleset(lines, first_start)):
        last = moment
        if count >= 5000:
            break
    return None if last is None else last.astimezone(UTC)


def series_rule(recurring: Recurring, lines: Sequence[str], first_start: datetime) -> str:
    """The rule a 1:1 series starting at a later occurrence keeps: COUNT becomes UNTIL (the
    count would otherwise restart from the series' first meeting)."""
    if "COUNT=" not in recurring.rule:
        return recurring.rule
    last = last_occurrence(lines, first_start) or first_start
    kept = [part for part in recurring.rule.split(";") if not part.startswith("COUNT=")]
    return ";".join([*kept, "UNTIL=" + last.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")])


# --- Microsoft Graph patterns -----------------------------------------------------------

_GRAPH_DAYS = {
    "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH",
    "friday": "FR", "saturday": "SA", "sunday": "SU",
}  # fmt: skip
_GRAPH_INDEX = {"first": "1", "second": "2", "third": "3", "fourth": "4", "last": "-1"}


def _graph_days(pattern: dict[str, Any]) -> list[str]:
    days = pattern.get("daysOfWeek") or []
    if not isinstance(days, list) or any(str(day).lower() not in _GRAPH_DAYS for day in days):
        raise Unsupported("rule_not_understood", "daysOfWeek lists unknown days")
    return [_GRAPH_DAYS[str(day).lower()] for day in days]


def graph_rrule(recurrence: dict[str, Any]) -> list[str]:
    """A Graph `recurrence` ({pattern, range}) as RRULE lines, so one classifier serves both."""
    pattern = recurrence.get("pattern") or {}
    span = recurrence.get("range") or {}
    kind = str(pattern.get("type", ""))
    interval = pattern.get("interval") or 1
    if not isinstance(interval, int) or interval < 1:
        raise Unsupported("rule_not_understood", "interval is not a positive number")
    parts = [f"INTERVAL={interval}"]
    if kind == "daily":
        parts.insert(0, "FREQ=DAILY")
    elif kind == "weekly":
        first_day = _GRAPH_DAYS.get(str(pattern.get("firstDayOfWeek") or "sunday").lower(), "SU")
        parts = ["FREQ=WEEKLY", *parts, f"BYDAY={','.join(_graph_days(pattern))}",
                 f"WKST={first_day}"]  # fmt: skip
    elif kind == "absoluteMonthly":
        parts = ["FREQ=MONTHLY", *parts, f"BYMONTHDAY={int(pattern.get('dayOfMonth') or 1)}"]
    elif kind == "relativeMonthly":
        index = _GRAPH_INDEX.get(str(pattern.get("index") or "first"), "1")
        days = _graph_days(pattern)
        by_day = f"BYDAY={index}{days[0]}" if len(days) == 1 else f"BYDAY={','.join(days)}"
        parts = ["FREQ=MONTHLY", *parts, by_day]
    else:
        raise Unsupported(
            "cadence_not_supported", f"a {kind or 'missing'} pattern is not a 1:1 cadence"
        )
    range_type = span.get("type")
    if range_type == "endDate" and span.get("endDate"):
        zone = zone_info(span.get("recurrenceTimeZone"), "UTC")
        try:
            end_day = date.fromisoformat(str(span["endDate"]))
        except ValueError as error:
            raise Unsupported("rule_not_understood", "endDate is not a date") from error
        until = datetime.combine(end_day, time(23, 59, 59), zone).astimezone(UTC)
        parts.append("UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ"))
    elif range_type == "numbered":
        count = span.get("numberOfOccurrences")
        if not isinstance(count, int) or count < 1:
            raise Unsupported("rule_not_understood", "numberOfOccurrences is not a count")
        parts.append(f"COUNT={count}")
    return ["RRULE:" + ";".join(parts)]


def duration_between(start: datetime, end: datetime) -> timedelta:
    return max(end - start, timedelta(0))
