"""Objectives, key results and check-ins as the API shows them (API.md "OKRs")."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt

from momentum.core.models import Strict, View

Kind = Literal["objective", "key_result"]
Visibility = Literal["public", "private"]
Status = Literal["on_track", "behind", "at_risk", "not_started"]
ProgressMode = Literal["rollup", "manual", "custom_kpi"]
Confidence = Literal["low", "medium", "high"]
MetricType = Literal["percent", "number", "currency", "milestone", "custom_kpi"]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=5000)]
Note = Annotated[str, Field(max_length=5000)]
Unit = Annotated[str, Field(max_length=20)]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Number = Annotated[StrictFloat, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]
Weight = Annotated[StrictFloat, Field(ge=0, le=1000, allow_inf_nan=False)]


class MetricIn(Strict):
    """Start and target default to 0 → 100 (percent); a milestone is 0 (not done) → 1 (done)."""

    type: MetricType = "percent"
    start: Number | None = None
    target: Number | None = None
    current: Number | None = None
    unit: Unit | None = None


class MetricPatch(Strict):
    """The current value changes only through check-ins."""

    start: Number | None = None
    target: Number | None = None
    unit: Unit | None = None


class GoalCreate(Strict):
    kind: Kind
    title: Title
    description: Description = ""
    owner_id: Id | None = None  # default: the caller
    parent_id: Id | None = None
    visibility: Visibility = "public"
    cycle_id: Id | None = None  # default: the open cycle of the dates, else the current one
    start_date: date | None = None  # default: the cycle's start
    due_date: date | None = None  # default: the cycle's end
    weight: Weight = 1.0
    progress_mode: ProgressMode | None = None  # default: rollup (objective), manual (KR)
    metric: MetricIn = MetricIn()


class GoalPatch(Strict):
    """Fields left out keep their value. `parent_id` aligns the goal under any open
    objective the caller may view; `parent_id: null` makes an objective top level (the
    parent's owner, their managers and admins may send only that, to detach it);
    `closed` closes or reopens. `version`, if sent, must be the one last read."""

    title: Title | None = None
    description: Description | None = None
    owner_id: Id | None = None
    parent_id: Id | None = None
    visibility: Visibility | None = None
    start_date: date | None = None
    due_date: date | None = None
    weight: Weight | None = None
    progress_mode: ProgressMode | None = None
    metric: MetricPatch | None = None
    closed: StrictBool | None = None
    cycle_id: Id | None = None
    version: Annotated[StrictInt, Field(ge=1, le=2**31)] | None = None


class Metric(View):
    type: MetricType
    start: float
    target: float
    current: float
    unit: str | None = None


class Links(View):
    web: str
    login: str


class Goal(View):
    id: str
    kind: Kind
    title: str
    description: str
    owner_id: str
    owner_name: str | None = None
    parent_id: str | None = None
    visibility: Visibility
    start_date: date
    due_date: date
    weight: float
    progress_mode: ProgressMode
    metric: Metric
    progress: float
    status: Status
    closed: bool
    cycle_id: str | None = None
    cycle_closed: bool = False
    confidence: Confidence | None = Field(default=None, description="Of the latest check-in.")
    final_score: float | None = Field(
        default=None, description="Set when the goal's cycle closes: its progress, 0-1."
    )
    carried_from: str | None = None
    carried_to: str | None = None
    children_ids: list[str] = Field(
        default=[],
        description="Its children (in a list: the first 100; `child_count` says how many).",
    )
    child_count: int = 0
    links: Links
    version: int
    created_at: str
    updated_at: str


class ExplainedChild(View):
    id: str
    kind: Kind
    title: str | None = None  # None: a private child the reader may not view
    weight: float
    progress: float
    status: Status
    closed: bool


class Explanation(View):
    source: Literal["rollup", "own"]
    formula: str | None = None
    status_rule: str | None = None
    children: list[ExplainedChild]
    total_weight: float | None = None
    weighted_sum: float | None = None
    text: str
    result: dict[str, float | str]


class GoalDetail(Goal):
    """One goal as GET /v1/goals/{id} answers it: with its children and explanation."""

    children: list[ExplainedChild] = []
    explanation: Explanation


class CheckInCreate(Strict):
    """`value` is the metric's new current value (the percent, for a percent metric; 1 or
    0 for a milestone). Without a value the check-in is a note and a status."""

    note: Note = ""
    value: Number | None = None
    status: Status
    confidence: Confidence | None = None


class CheckIn(View):
    id: str
    goal_id: str
    author_id: str
    created_at: str
    note: str
    value: float | None = None
    previous_value: float | None = None
    status: Status
    confidence: Confidence | None = None
    progress: float


class GoalHit(View):
    id: str
    kind: Kind
    title: str
    owner_id: str
    owner_name: str
    visibility: Visibility
    start_date: date
    due_date: date
    closed: bool
    links: Links
    can_contribute: bool = Field(
        description="Whether the caller may align a goal under this one (an open objective "
        "they may view), e.g. add the key result of an action plan to it."
    )


class GoalSearch(View):
    mine: list[GoalHit]
    public: list[GoalHit]
