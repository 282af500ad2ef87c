"""Accounts, their action plans (plans → objectives → actions) and plan templates.

Internal fields (`internal_description`, owners' emails, the account's own notes) are
MISSING, not null, in a customer's answer: projected out, so they are absent from the JSON.
"""

from datetime import date
from typing import Annotated, Any, Literal, Self

from pydantic import (
    MISSING,
    BeforeValidator,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)

from momentum.core.models import Strict, View

ActionStatus = Literal["not_started", "in_progress", "on_hold", "done"]


def _date_text(value: Any) -> Any:
    # Pydantic's lax mode would read a JSON number as a Unix timestamp.
    if isinstance(value, str | date):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


Title = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
Description = Annotated[str, Field(max_length=4000)]
Id = Annotated[str, Field(min_length=1, max_length=64)]
CalendarDate = Annotated[
    date, BeforeValidator(_date_text), Field(ge=date(1900, 1, 1), le=date(2999, 12, 31))
]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-1e12, le=1e12)]
Unit = Annotated[str, Field(max_length=20)]
OffsetDays = Annotated[StrictInt, Field(ge=0, le=3650)]


# --- requests ------------------------------------------------------------------------


class AccountCreate(Strict):
    name: Title
    description: Description | None = None
    owner_id: Id | None = None


class AccountPatch(Strict):
    name: Title | None = None
    description: Description | None = None
    owner_id: Id | None = None
    version: StrictInt | None = None


class MetricInput(Strict):
    start: Number = 0.0
    target: Number
    current: Number = 0.0
    unit: Unit = ""


class MetricPatch(Strict):
    """Only the fields sent change; a new metric needs a target."""

    start: Number | None = None
    target: Number | None = None
    current: Number | None = None
    unit: Unit | None = None


class PlanCreate(Strict):
    title: Title
    description: Description | None = None
    internal_description: Description | None = None
    show_customer: StrictBool = False


class PlanPatch(Strict):
    """`after_id` moves the plan just after that sibling; null moves it first."""

    title: Title | None = None
    description: Description | None = None
    internal_description: Description | None = None
    show_customer: StrictBool | None = None
    after_id: Id | None = None
    version: StrictInt | None = None


class ObjectiveCreate(PlanCreate):
    pass


class ObjectivePatch(PlanPatch):
    """`plan_id` moves the objective (with its actions) to another plan of the account."""

    plan_id: Id | None = None


class ActionCreate(Strict):
    title: Title
    description: Description | None = None
    internal_description: Description | None = None
    owner_id: Id | None = None
    due_date: CalendarDate | None = None
    status: ActionStatus = "not_started"
    metric: MetricInput | None = None
    show_customer: StrictBool = False


class ActionPatch(Strict):
    title: Title | None = None
    description: Description | None = None
    internal_description: Description | None = None
    owner_id: Id | None = None
    due_date: CalendarDate | None = None
    status: ActionStatus | None = None
    metric: MetricPatch | None = None  # null removes the metric
    show_customer: StrictBool | None = None
    after_id: Id | None = None
    objective_id: Id | None = None
    version: StrictInt | None = None


# --- answers -------------------------------------------------------------------------


class Account(View):
    id: str
    name: str
    description: str | MISSING | None = MISSING
    owner_id: str | MISSING | None = MISSING
    created_at: str
    version: int


class Owner(View):
    id: str
    name: str
    email: str | MISSING = MISSING


class Metric(View):
    start: float
    target: float
    current: float
    unit: str
    progress: float  # percent of the way from start to target, 0-100


class ActionNode(View):
    id: str
    objective_id: str
    title: str
    description: str | None = None
    internal_description: str | MISSING | None = MISSING
    owner: Owner | None = None
    due_date: date | None = None
    status: ActionStatus
    metric: Metric | None = None
    show_customer: bool
    overdue: bool
    position: float
    version: int


class ObjectiveNode(View):
    id: str
    plan_id: str
    title: str
    description: str | None = None
    internal_description: str | MISSING | None = MISSING
    show_customer: bool
    missing_actions: bool
    position: float
    version: int
    actions: list[ActionNode]


class PlanNode(View):
    id: str
    title: str
    description: str | None = None
    internal_description: str | MISSING | None = MISSING
    show_customer: bool
    missing_objective: bool
    position: float
    version: int
    objectives: list[ObjectiveNode]


class ActionPlan(View):
    account: Account
    today: date  # in the caller's time zone: what `overdue` was computed against
    overdue_actions: int
    plans: list[PlanNode]


class Counts(View):
    plans: int
    objectives: int
    actions: int


# --- templates -----------------------------------------------------------------------

MAX_TEMPLATE_NODES = 300


class TemplateActionInput(Strict):
    id: Id | None = None  # kept when given, so edits keep the ids launches pick from
    title: Title
    description: Description | None = None
    due_offset_days: OffsetDays | None = None
    metric: MetricInput | None = None
    show_customer: StrictBool = False


class TemplateObjectiveInput(Strict):
    id: Id | None = None
    title: Title
    description: Description | None = None
    show_customer: StrictBool = False
    actions: Annotated[list[TemplateActionInput], Field(max_length=50)] = []


class TemplatePlanInput(Strict):
    id: Id | None = None
    title: Title
    description: Description | None = None
    show_customer: StrictBool = False
    objectives: Annotated[list[TemplateObjectiveInput], Field(min_length=1, max_length=50)]


def _count_nodes(plans: list[TemplatePlanInput] | None) -> list[TemplatePlanInput] | None:
    if plans is not None:
        nodes = sum(1 + len(o.actions) for p in plans for o in p.objectives) + len(plans)
        if nodes > MAX_TEMPLATE_NODES:
            raise ValueError(f"a template holds at most {MAX_TEMPLATE_NODES} items; got {nodes}")
    return plans


class TemplateCreate(Strict):
    name: Title
    description: Description | None = None
    plans: Annotated[list[TemplatePlanInput], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        _count_nodes(self.plans)
        return self


class TemplatePatch(Strict):
    """`plans` replaces the whole tree; nodes sent with their `id` keep it."""

    name: Title | None = None
    description: Description | None = None
    plans: Annotated[list[TemplatePlanInput], Field(min_length=1, max_length=20)] | None = None
    version: StrictInt | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        _count_nodes(self.plans)
        return self


class TemplateAction(View):
    id: str
    title: str
    description: str | None = None
    due_offset_days: int | None = None
    metric: MetricInput | None = None
    show_customer: bool


class TemplateObjective(View):
    id: str
    title: str
    description: str | None = None
    show_customer: bool
    actions: list[TemplateAction]


class TemplatePlan(View):
    id: str
    title: str
    description: str | None = None
    show_customer: bool
    objectives: list[TemplateObjective]


class PlanTemplate(View):
    id: str
    name: str
    description: str | None = None
    plans: list[TemplatePlan]
    created_at: str
    updated_at: str
    version: int


class LaunchRequest(Strict):
    template_id: Id
    objective_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_TEMPLATE_NODES)]
    action_ids: Annotated[list[Id], Field(max_length=MAX_TEMPLATE_NODES)] = []
    start_date: CalendarDate | None = None  # default: today in the caller's time zone
    preview: StrictBool = False


class LaunchAction(View):
    id: str | None  # null in a preview: nothing was written
    template_action_id: str
    title: str
    due_date: date | None


class LaunchObjective(View):
    id: str | None
    template_objective_id: str
    title: str
    actions: list[LaunchAction]


class LaunchPlan(View):
    id: str | None
    title: str
    existing: bool  # the objectives join the account's plan of the same title
    objectives: list[LaunchObjective]


class LaunchSummary(View):
    template_id: str
    template_name: str
    start_date: date
    preview: bool
    plans: list[LaunchPlan]
    counts: Counts  # what the launch creates (or would create, in a preview)
