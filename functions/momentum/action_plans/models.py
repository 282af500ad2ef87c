"""Engage action plans as the API shows them (API.md "Engage action plans")."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StrictInt

from momentum.core.models import Strict, View

PlanStatus = Literal["not_started", "in_progress", "done"]
OkrMode = Literal["objective", "key_result", "none"]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=5000)]
Id = Annotated[str, Field(min_length=1, max_length=64)]


class Source(Strict):
    """Where the plan came from: a survey, and the question or driver it answers."""

    survey_id: Annotated[str, Field(max_length=64)] | None = None
    question: Annotated[str, Field(max_length=500)] | None = None
    driver: Annotated[str, Field(max_length=200)] | None = None


class OkrChoice(Strict):
    """`objective`: a new objective; `key_result`: a key result under `objective_id`, any
    open objective the caller may view (GET /v1/goals/search marks them `can_contribute`);
    `none`: no goal (link one later by PATCH)."""

    mode: OkrMode = "objective"
    objective_id: Id | None = None


class ActionPlanCreate(Strict):
    title: Title
    description: Description = ""
    due_date: date
    assignee_id: Id | None = None  # default: the caller
    status: PlanStatus = "not_started"
    source: Source | None = None
    okr: OkrChoice = OkrChoice()


class ActionPlanPatch(Strict):
    """Fields left out keep their value; `okr` links a goal to a plan that has none."""

    title: Title | None = None
    description: Description | None = None
    due_date: date | None = None
    assignee_id: Id | None = None
    status: PlanStatus | None = None
    source: Source | None = None
    okr: OkrChoice | None = None
    version: Annotated[StrictInt, Field(ge=1, le=2**31)] | None = None


class GoalLinks(View):
    web: str
    login: str


class LinkedGoal(View):
    id: str
    kind: Literal["objective", "key_result"]
    title: str
    owner_id: str = Field(description="The person the goal belongs to (the plan's assignee).")
    assignee_id: str = Field(
        deprecated=True,
        description="Deprecated alias of `owner_id`, kept for one release; read `owner_id`.",
    )
    due_date: date
    status: Literal["linked", "deleted"]
    links: GoalLinks


class ActionPlan(View):
    id: str
    title: str
    description: str
    due_date: date
    assignee_id: str
    status: PlanStatus
    owner_id: str
    source: Source | None = None
    linked_goal: LinkedGoal | None = None
    version: int
    created_at: str
    updated_at: str


class ActionPlanCreated(View):
    message: str
    action_plan: ActionPlan
    linked_goal: LinkedGoal | None = None


class UpdateCreate(Strict):
    body: Annotated[str, Field(min_length=1, max_length=5000)]


class PlanUpdate(View):
    id: str
    plan_id: str
    author_id: str
    body: str
    created_at: str
