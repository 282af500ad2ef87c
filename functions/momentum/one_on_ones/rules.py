"""Pure 1:1 rules: recurrence, the materialisation horizon, agenda order, links, and the
instants sweeps fall due at. No I/O, no clock: every instant is passed in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cached_property
from itertools import islice
from typing import Any
from urllib.parse import quote, urlsplit

import msgspec
from dateutil.rrule import rrule, rrulestr

from momentum.core.problems import Conflict, Invalid, field_error

HORIZON = timedelta(weeks=8)  # series meetings exist at least this far ahead...
MIN_AHEAD = 6  # ...and at least this many of them,
MAX_AHEAD = 26  # but never more than this many (a transaction holds ~25 meetings)
CHUNK = 24  # meetings materialised per transaction
ROLLOVER_DELAY = timedelta(hours=3)
REMINDER_LEAD = timedelta(hours=1)
SUMMARY_TIME = time(18, 0)  # Sunday, recipient's local time
MAX_PAST_START = timedelta(days=30)
MAX_DURATION = timedelta(hours=12)
MAX_COUNT = 1000
# UNTIL is at most 2100: seven meetings a week until then is under 28,000 occurrences.
MAX_EXPANSION = 28_000
MAX_AGENDA_ENTRIES = 100  # per kind and meeting, for what users add (rollover may exceed it)

# --- recurrence ----------------------------------------------------------------------


class RecurrenceError(ValueError):
    pass


_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "COUNT", "UNTIL", "WKST"}
_WEEKDAY = re.compile(r"^(MO|TU|WE|TH|FR|SA|SU)$")
_NTH_WEEKDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{8})(T(\d{6})(Z)?)?$")
CADENCES = "weekly (every 1, 2 or 3 weeks), several days a week, or monthly"


def _int(value: str, low: int, high: int, name: str, *, zero: bool = True) -> int:
    try:
        number = int(value)
    except ValueError as error:
        raise RecurrenceError(f"{name} must be a number") from error
    if not low <= number <= high or (number == 0 and not zero):
        nonzero = "" if zero else " and not 0"
        raise RecurrenceError(f"{name} must be between {low} and {high}{nonzero}")
    return number


def _until_utc(value: str, zone: tzinfo) -> str:
    """UNTIL as UTC (dateutil needs it so); a date or local time is read in the owner's zone."""
    match = _UNTIL.match(value)
    if not match:
        raise RecurrenceError("UNTIL must look like 20261231 or 20261231T170000Z")
    day, clock_part, utc = match.group(1), match.group(3), match.group(4)
    try:
        moment = datetime.strptime(day + (clock_part or "235959"), "%Y%m%d%H%M%S")
    except ValueError as error:
        raise RecurrenceError("UNTIL is not a valid date") from error
    if not 2000 <= moment.year <= 2100:
        raise RecurrenceError("UNTIL must be between the years 2000 and 2100")
    moment = moment.replace(tzinfo=UTC) if utc else moment.replace(tzinfo=zone)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _check_monthly(parts: dict[str, str], interval: int) -> None:
    """Only shapes that give a meeting at least every few months: dateutil reads a rule that
    never matches (BYMONTHDAY=31 with BYDAY=2MO) by walking month by month to year 9999,
    and BYMONTHDAY=0 as no restriction at all (a meeting every day)."""
    if interval != 1:
        raise RecurrenceError("INTERVAL of a monthly rule must be 1 (it repeats every month)")
    if "BYMONTHDAY" in parts:
        if "BYDAY" in parts or "BYSETPOS" in parts:
            raise RecurrenceError("BYMONTHDAY cannot be combined with BYDAY or BYSETPOS")
        _int(parts["BYMONTHDAY"], -31, 31, "BYMONTHDAY", zero=False)
    days = parts["BYDAY"].split(",") if "BYDAY" in parts else []
    if any(not _NTH_WEEKDAY.match(day) for day in days) or len(set(days)) != len(days):
        raise RecurrenceError("BYDAY of a monthly rule looks like 1MO or -1FR")
    if "BYSETPOS" in parts:
        if not days or any(not _WEEKDAY.match(day) for day in days):
            raise RecurrenceError("BYSETPOS picks among plain BYDAY weekdays like MO,TU")
        _int(parts["BYSETPOS"], -5, 5, "BYSETPOS", zero=False)


def normalise_recurrence(text: str, first_start: datetime, zone: tzinfo) -> str:
    """The RRULE body as stored, or RecurrenceError naming the part that is not supported."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts: dict[str, str] = {}
    for chunk in filter(None, body.split(";")):
        name, sep, value = chunk.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not value or name not in _PARTS or name in parts:
            raise RecurrenceError(f"'{chunk}' is not a supported RRULE part")
        parts[name] = value
    freq = parts.get("FREQ")
    interval = _int(parts.get("INTERVAL", "1"), 1, 3, "INTERVAL")
    if freq == "WEEKLY":
        days = parts.get("BYDAY", "").split(",") if "BYDAY" in parts else []
        if any(not _WEEKDAY.match(day) for day in days) or len(set(days)) != len(days):
            raise RecurrenceError("BYDAY of a weekly rule lists weekdays like MO,TH")
        if "BYMONTHDAY" in parts or "BYSETPOS" in parts:
            raise RecurrenceError("BYMONTHDAY and BYSETPOS are for monthly rules")
    elif freq == "MONTHLY":
        _check_monthly(parts, interval)
    else:
        raise RecurrenceError(f"FREQ: a 1:1 series repeats {CADENCES}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError("give COUNT or UNTIL, not both")
    if "COUNT" in parts:
        _int(parts["COUNT"], 1, MAX_COUNT, "COUNT")
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_utc(parts["UNTIL"], zone)
    if "WKST" in parts and not _WEEKDAY.match(parts["WKST"]):
        raise RecurrenceError("WKST is a weekday like MO")
    normalised = ";".join(f"{name}={value}" for name, value in parts.items())
    recurrence = Recurrence(normalised, first_start.astimezone(zone), timedelta(0))
    try:
        first = next(recurrence.occurrences(), None)
    except (ValueError, TypeError, OverflowError) as error:
        raise RecurrenceError("the rule cannot be expanded into dates") from error
    if first is None:
        raise RecurrenceError("the rule produces no meeting")
    return normalised


# dict=True gives instances a __dict__ (Structs have slots only), where _rrule is cached.
class Recurrence(msgspec.Struct, frozen=True, dict=True):
    """A series' rule with DTSTART in the owner's zone, so wall-clock time survives DST."""

    rule: str
    first_start: datetime  # aware, in the owner's zone
    duration: timedelta

    @cached_property
    def _rrule(self) -> rrule:
        parsed = rrulestr(self.rule, dtstart=self.first_start)
        assert isinstance(parsed, rrule)
        return parsed

    def occurrences(
        self, after: datetime | None = None, until: datetime | None = None
    ) -> Iterator[datetime]:
        """Occurrence starts (UTC) strictly after `after` (from the first if None)."""
        rule = self._rrule
        found = (
            rule.xafter(after.astimezone(self.first_start.tzinfo), inc=False)
            if after is not None
            else iter(rule)
        )
        for occurrence in found:
            if until is not None and occurrence > until:
                return
            yield occurrence.astimezone(UTC)

    def last_end(self) -> datetime | None:
        """The end of the last meeting of a finite rule; None if it repeats for ever."""
        if "COUNT=" not in self.rule and "UNTIL=" not in self.rule:
            return None
        last = None
        for last in islice(self.occurrences(), MAX_EXPANSION):  # noqa: B007
            pass
        return None if last is None else last + self.duration


class Extension(msgspec.Struct):
    starts: list[datetime] = msgspec.field(default_factory=list)  # occurrences to materialise
    look_again_at: datetime | None = None  # when the horizon next needs the series
    more: bool = False  # the chunk filled up: call again right away


def plan_extension(
    recurrence: Recurrence, through: datetime | None, now: datetime, limit: int = CHUNK
) -> Extension:
    """Which occurrences after `through` to materialise so that meetings exist HORIZON
    ahead, and at least MIN_AHEAD (at most MAX_AHEAD) of them lie after `now`."""
    upcoming: list[datetime] = []
    if through is not None and through > now:
        upcoming = list(islice(recurrence.occurrences(now, through), MAX_AHEAD))
    plan = Extension()
    next_start: datetime | None = None
    capped = False
    for occurrence in recurrence.occurrences(through):
        future = occurrence > now
        if future and len(upcoming) >= MAX_AHEAD:
            next_start, capped = occurrence, True
            break
        if future and occurrence > now + HORIZON and len(upcoming) >= MIN_AHEAD:
            next_start = occurrence
            break
        if len(plan.starts) >= limit:
            next_start, plan.more = occurrence, True
            break
        plan.starts.append(occurrence)
        if future:
            upcoming.append(occurrence)
    if next_start is not None and not plan.more:
        due = next_start - HORIZON
        if len(upcoming) >= MIN_AHEAD:
            due = min(due, upcoming[-MIN_AHEAD])
        if capped and upcoming:
            due = max(due, upcoming[0])
        plan.look_again_at = max(due, now + timedelta(minutes=1))
    return plan


# --- meeting times ---------------------------------------------------------------------


def check_meeting_times(start: datetime, end: datetime, now: datetime) -> None:
    errors = []
    if end <= start:
        errors.append(field_error("end", "must be after start"))
    elif end - start > MAX_DURATION:
        errors.append(field_error("end", "a 1:1 lasts at most 12 hours"))
    if not 2000 <= start.year <= 2100:
        errors.append(field_error("start", "must be between the years 2000 and 2100"))
    if errors:
        raise Invalid("The meeting times are not valid.", errors=errors)


def check_series_start(start: datetime, now: datetime) -> None:
    if start < now - MAX_PAST_START:
        raise Invalid(
            "A series can start at most 30 days ago.",
            errors=[field_error("start", "more than 30 days in the past")],
        )


def rollover_due(end: datetime) -> datetime:
    return end + ROLLOVER_DELAY


def reminder_due(start: datetime) -> datetime:
    return start - REMINDER_LEAD


# --- agenda order: fractional positions (a move rewrites one entry) ----------------------

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def position_after(position: str | None, first: str = "i") -> str:
    """A position after `position`; appends grow it by one digit every 35 entries."""
    if not position:
        return first
    head = DIGITS.index(position[0])
    if head < len(DIGITS) - 1:
        return DIGITS[head + 1]
    return position[0] + position_after(position[1:], first="1")


def position_between(low: str | None, high: str | None) -> str:
    """A position strictly between two (None = open end). Positions never end in '0'."""
    if high is None:
        return position_after(low)
    return _midpoint(low or "", high)


def _midpoint(low: str, high: str | None) -> str:
    if high is not None:
        shared = 0
        while shared < len(high) and (low[shared] if shared < len(low) else "0") == high[shared]:
            shared += 1
        if shared > 0:
            return high[:shared] + _midpoint(low[shared:], high[shared:])
    low_digit = DIGITS.index(low[0]) if low else 0
    high_digit = DIGITS.index(high[0]) if high else len(DIGITS)
    if high_digit - low_digit > 1:
        return DIGITS[(low_digit + high_digit) // 2]
    if high is not None and len(high) > 1:
        return high[0]
    return DIGITS[low_digit] + _midpoint(low[1:], None)


def ordered(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Agenda entries in list order: by position, ties by id (creation order)."""
    return sorted(entries, key=lambda entry: (str(entry.get("position")), str(entry.get("id"))))


# --- agenda text: plain text, or one http(s) link ----------------------------------------

_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_UNSAFE_SCHEME = re.compile(r"^\s*(javascript|data|vbscript|file):", re.IGNORECASE)
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?$")
# RFC 3986 characters a link may keep as they are; everything else (quotes, spaces,
# angle brackets, backslashes, non-ASCII) is percent-encoded so no page can misread it.
_LINK_SAFE = "-._~:/?#[]@!$&()*+,;=%"


def safe_link(url: str) -> str | None:
    """The link percent-encoded for any page or attribute, or None unless it is http(s)."""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or not _HOST.match(host):
        return None
    return quote(url.strip(), safe=_LINK_SAFE)


def agenda_text(text: str) -> tuple[str, str | None]:
    """(text, url): a single http(s) URL is returned as a link; other schemes are refused."""
    cleaned = text.strip()
    if not cleaned:
        raise Invalid("The text is empty.", errors=[field_error("text", "must not be blank")])
    is_single_token = not any(ch.isspace() for ch in cleaned)
    if _UNSAFE_SCHEME.match(cleaned) or (is_single_token and _URL_LIKE.match(cleaned)):
        link = safe_link(cleaned) if is_single_token else None
        if link is None:
            raise Invalid(
                "A link must be a single http(s) URL.",
                errors=[field_error("text", "only http:// and https:// links are allowed")],
            )
        return cleaned, link
    return cleaned, None


# --- permissions and lifecycle -------------------------------------------------------------


def is_participant(item: dict[str, object], user_id: str) -> bool:
    participants = item.get("participant_ids")
    return isinstance(participants, list) and user_id in participants


def check_deletable_meeting(meeting: dict[str, object], now: datetime) -> None:
    if _instant(meeting["start"]) <= now:
        raise Conflict("This 1:1 has already started; a past 1:1 cannot be deleted, only archived.")


def check_archivable_meeting(meeting: dict[str, object], now: datetime) -> None:
    if _instant(meeting["end"]) > now:
        raise Conflict("Only a past 1:1 can be archived; this one has not ended yet.")


def _instant(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


# --- weekly summary ------------------------------------------------------------------------


def next_summary_at(after: datetime, zone: tzinfo) -> datetime:
    """The first Sunday 18:00 in `zone` strictly after `after` (DST-correct)."""
    local_day = after.astimezone(zone).date()
    sunday = local_day + timedelta(days=(6 - local_day.weekday()) % 7)
    candidate = datetime.combine(sunday, SUMMARY_TIME, tzinfo=zone)
    if candidate <= after:
        candidate = datetime.combine(sunday + timedelta(days=7), SUMMARY_TIME, tzinfo=zone)
    return candidate.astimezone(UTC)


def summary_week(at: datetime, zone: tzinfo) -> tuple[date, datetime, datetime]:
    """(Sunday, Monday 00:00, next Monday 00:00) of the local week whose summary is the
    latest one due at `at`: a late run sends the last week's, never a backlog."""
    local_day = at.astimezone(zone).date()
    sunday = local_day - timedelta(days=(local_day.weekday() + 1) % 7)
    if datetime.combine(sunday, SUMMARY_TIME, tzinfo=zone) > at:
        sunday -= timedelta(days=7)
    monday = sunday - timedelta(days=6)
    start = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(sunday + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return sunday, start, end
