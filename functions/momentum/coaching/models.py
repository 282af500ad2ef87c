"""Coaching as the API shows it: templates, engagements, sessions, progress, report."""

from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)

from momentum.coaching.rules import (
    EngagementStatus,
    EngagementType,
    ProgressStatus,
    ReferenceKind,
    SessionStatus,
)
from momentum.core.models import Strict, View

Name = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=4000)]
Id = Annotated[str, Field(min_length=1, max_length=64)]
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _plausible(day: date) -> date:
    # Far-off years would overflow date arithmetic (reference + threshold) later on.
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"dates must be between {FIRST_YEAR} and {LAST_YEAR}")
    return day


Day = Annotated[date, AfterValidator(_plausible)]


def _plausible_instant(moment: datetime) -> datetime:
    _plausible(moment.date())
    return moment


Instant = Annotated[AwareDatetime, AfterValidator(_plausible_instant)]


# --- templates ------------------------------------------------------------------------


class ProgressTrackingRequest(Strict):
    """Tracking off, or a threshold in days or in weeks (stored as days)."""

    enabled: StrictBool = False
    threshold_days: Annotated[StrictInt, Field(ge=1, le=730)] | None = None
    threshold_weeks: Annotated[StrictInt, Field(ge=1, le=104)] | None = None
    notify_off_track: StrictBool = True

    @model_validator(mode="after")
    def _one_threshold(self) -> Self:
        if self.threshold_days is not None and self.threshold_weeks is not None:
            raise ValueError("give threshold_days or threshold_weeks, not both")
        if self.enabled and self.days() is None:
            raise ValueError("tracking needs threshold_days or threshold_weeks")
        return self

    def days(self) -> int | None:
        if self.threshold_weeks is not None:
            return self.threshold_weeks * 7
        return self.threshold_days


class ProgressTrackingPatch(Strict):
    """Only the fields sent change; a threshold in days or in weeks replaces the current one."""

    enabled: StrictBool | None = None
    threshold_days: Annotated[StrictInt, Field(ge=1, le=730)] | None = None
    threshold_weeks: Annotated[StrictInt, Field(ge=1, le=104)] | None = None
    notify_off_track: StrictBool | None = None

    @model_validator(mode="after")
    def _one_threshold(self) -> Self:
        if self.threshold_days is not None and self.threshold_weeks is not None:
            raise ValueError("give threshold_days or threshold_weeks, not both")
        return self

    def days(self) -> int | None:
        if self.threshold_weeks is not None:
            return self.threshold_weeks * 7
        return self.threshold_days


class ProgressTracking(View):
    enabled: bool
    threshold_days: int | None = None
    notify_off_track: bool


class TemplateCreate(Strict):
    name: Name
    type: EngagementType
    description: Description = ""
    progress_tracking: ProgressTrackingRequest = ProgressTrackingRequest()


class TemplatePatch(Strict):
    name: Name | None = None
    description: Description | None = None
    progress_tracking: ProgressTrackingPatch | None = None


class Template(View):
    id: str
    name: str
    type: EngagementType
    description: str
    progress_tracking: ProgressTracking
    created_at: str
    version: int


# --- engagements ----------------------------------------------------------------------


class EngagementCreate(Strict):
    template_id: Id
    coachee_id: Id
    coach_id: Id | None = None  # none yet for coach matching
    owner_id: Id | None = None  # default: the caller
    company_id: Id | None = None  # default: the coachee's company
    location_id: Id | None = None  # default: the coachee's location


class EngagementPatch(Strict):
    coach_id: Id | None = None
    owner_id: Id | None = None
    progress_tracking: ProgressTrackingPatch | None = None


class Reference(View):
    kind: ReferenceKind
    date: date


class ProgressView(View):
    """Every answer explains itself: what the reference was, the threshold, the due-by."""

    status: ProgressStatus
    off_track_since: date | None = None
    reference: Reference | None = None
    due_by: date | None = None
    threshold_days: int | None = None


class Engagement(View):
    id: str
    template_id: str
    template_name: str
    type: EngagementType
    status: EngagementStatus
    coachee_id: str
    coach_id: str | None = None
    owner_id: str
    company_id: str | None = None
    location_id: str | None = None
    time_zone: str
    activated_at: str | None = None
    coach_selected_on: date | None = None
    progress_tracking: ProgressTracking
    progress: ProgressView
    created_at: str
    version: int


class _SessionTime(Strict):
    """A session is on a day, or at a time (ISO 8601 with offset), never both."""

    date: Day | None = None
    start: Instant | None = Field(
        default=None, description="when it is scheduled, e.g. 2026-12-03T15:00:00+01:00"
    )

    @model_validator(mode="after")
    def _one_time(self) -> Self:
        if self.date is not None and self.start is not None:
            raise ValueError("give date or start, not both")
        return self


class SessionCreate(_SessionTime):
    status: SessionStatus = "scheduled"

    @model_validator(mode="after")
    def _some_time(self) -> Self:
        if self.date is None and self.start is None:
            raise ValueError("give the session's date or start")
        return self


class SessionPatch(_SessionTime):
    status: SessionStatus | None = None


class Session(View):
    id: str
    date: date  # the day in the engagement's time zone
    start: str | None = None
    status: SessionStatus
    created_at: str
    created_by: str


class DiscoveryCallCreate(Strict):
    date: Day
    coach_id: Id | None = None  # the candidate coach met on the call


class DiscoveryCall(View):
    id: str
    date: date
    coach_id: str | None = None
    created_at: str
    created_by: str


class CoachSelection(Strict):
    coach_id: Id
    date: Day | None = None  # default: today in the engagement's time zone


class EngagementDetail(Engagement):
    sessions: list[Session]
    discovery_calls: list[DiscoveryCall]


# --- report ---------------------------------------------------------------------------


class ReportRow(View):
    id: str
    template_name: str
    type: EngagementType
    status: EngagementStatus
    coachee_id: str
    coachee_name: str | None = None
    coach_id: str | None = None
    coach_name: str | None = None
    owner_id: str
    company_id: str | None = None
    location_id: str | None = None
    activated_at: str | None = None
    progress: ProgressStatus
    off_track_since: date | None = None
    reference_kind: ReferenceKind | None = None
    reference_date: date | None = None
    threshold_days: int | None = None
    due_by: date | None = None


class Report(View):
    items: list[ReportRow]
    next_cursor: str | None = None


ProgressFilter = Literal["on_track", "off_track", "not_tracking"]
ReportFormat = Literal["json", "csv"]
