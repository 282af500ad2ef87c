"""1:1 requests and answers as the API shows them (API.md "1:1s")."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    StrictBool,
    StrictInt,
)

from momentum.core.models import Strict, View

Id = Annotated[str, Field(min_length=1, max_length=64)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
AgendaText = Annotated[str, Field(min_length=1, max_length=1000)]
NotesBody = Annotated[str, Field(max_length=20_000)]
Rule = Annotated[str, Field(min_length=1, max_length=300)]
MeetingState = Literal["scheduled", "cancelled"]


def _plausible(moment: datetime) -> datetime:
    # Far-off years would overflow when converted to UTC; no 1:1 is planned that way.
    if not 2000 <= moment.year <= 2100:
        raise ValueError("must be between the years 2000 and 2100")
    return moment


Instant = Annotated[AwareDatetime, AfterValidator(_plausible)]


# --- requests ----------------------------------------------------------------------------


class OneOnOneCreate(Strict):
    with_user_id: Id
    title: Title
    start: Instant
    end: Instant
    recurrence: Rule | None = Field(
        default=None, description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    )


class SeriesPatch(Strict):
    title: Title | None = None
    start: Instant | None = Field(default=None, description="new time of future meetings")
    end: Instant | None = None
    recurrence: Rule | None = None


def _plausible_day(day: date) -> date:
    if not 2000 <= day.year <= 2100:
        raise ValueError("must be between the years 2000 and 2100")
    return day


class SeriesEnd(Strict):
    after: Annotated[date, AfterValidator(_plausible_day)] = Field(
        description="the last day of the series (YYYY-MM-DD, in the series' time zone)"
    )


class MeetingPatch(Strict):
    title: Title | None = None
    start: Instant | None = None
    end: Instant | None = None
    state: MeetingState | None = None


class AgendaEntryCreate(Strict):
    text: AgendaText


class Move(Strict):
    after_id: Id | None = None
    before_id: Id | None = None


class AgendaEntryPatch(Strict):
    text: AgendaText | None = None
    completed: StrictBool | None = None
    move: Move | None = None


class SharedNotesPut(Strict):
    body: NotesBody
    version: Annotated[StrictInt, Field(ge=0, le=1_000_000_000)] = Field(
        description="the version you read (0 if there were no notes yet)"
    )


class PrivateNotesPut(Strict):
    body: NotesBody


# --- answers -----------------------------------------------------------------------------


class AgendaEntry(View):
    id: str
    text: str
    url: str | None = None
    completed: bool = False
    author_id: str
    carried_from: str | None = None
    carry_count: int = 0
    created_at: str
    completed_at: str | None = None


class SharedNotes(View):
    body: str = ""
    version: int = 0


class PrivateNotes(View):
    body: str = ""


class CalendarLink(View):
    provider: str
    event_id: str
    original_start: str | None = None
    ended: bool | None = None


class MeetingSummary(View):
    id: str
    series_id: str | None = None
    title: str
    start: str
    end: str
    owner_id: str
    participant_ids: list[str]
    state: MeetingState = "scheduled"
    archived: bool = False
    calendar: CalendarLink | None = None
    overridden: list[Literal["title", "start", "end"]] = Field(
        default=[], description="fields changed in Momentum that the calendar has not changed since"
    )


class Meeting(MeetingSummary):
    agenda_topics: list[AgendaEntry] = []
    action_items: list[AgendaEntry] = []
    shared_notes: SharedNotes = SharedNotes()
    private_notes: PrivateNotes | None = Field(
        default=None, description="the caller's own; null when hidden by hide_private_notes"
    )


class Series(View):
    id: str
    title: str
    owner_id: str
    participant_ids: list[str]
    recurrence: str
    time_zone: str
    start: str = Field(description="first meeting's start")
    end: str = Field(description="first meeting's end")
    ends_at: str | None = Field(default=None, description="end of the last meeting, if finite")
    archived: bool = False
    calendar: CalendarLink | None = None
    overridden: list[Literal["title", "start", "end"]] = Field(
        default=[], description="fields changed in Momentum that the calendar has not changed since"
    )
    meetings: list[MeetingSummary] = []
    waiting_topics: list[AgendaEntry] = Field(
        default=[], description="unfinished topics waiting for the next meeting"
    )
    waiting_action_items: list[AgendaEntry] = []


class CreateAnswer(View):
    series: Series | None = None
    meeting: Meeting | None = None


class OneOnOneRow(View):
    kind: Literal["series", "meeting"]
    id: str
    title: str
    owner_id: str
    participant_ids: list[str]
    with_user_id: str
    start: str
    end: str | None = Field(default=None, description="null for a series that repeats for ever")
    recurrence: str | None = None
    series_id: str | None = None
    state: MeetingState = "scheduled"
    archived: bool = False


class PairReport(View):
    user_ids: list[str]
    user_names: list[str]
    meetings_held: int
    meetings_cancelled: int
    topics_created: int
    topics_completed: int
    action_items_created: int
    action_items_completed: int


class Report(View):
    from_date: date
    to_date: date
    pairs: list[PairReport]
