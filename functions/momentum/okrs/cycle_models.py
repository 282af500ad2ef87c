"""OKR cycles and goal history as the API shows them (API.md "Additions")."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from momentum.core.models import Strict, View
from momentum.okrs.models import Confidence, Id, Status

CycleKind = Literal["quarter", "year", "custom"]
CycleState = Literal["open", "closed"]
HistorySource = Literal["check_in", "rollup", "carried_over"]


class CycleCreate(Strict):
    """A custom cycle. Cycles nest or stay apart: a new one may hold others or sit inside
    one (a year holding quarters), never partly overlap one (409)."""

    name: Annotated[str, Field(min_length=1, max_length=100)]
    start_date: date
    end_date: date
    kind: CycleKind = "custom"


class CycleClose(Strict):
    """`carry_over`: unfinished goals of the cycle to copy into the next one (`into`, by
    default the next cycle of the same kind); a carried goal keeps its alignment where
    its parent is carried too (or lives in a cycle still open)."""

    carry_over: Annotated[list[Id], Field(max_length=200)] = []
    into: Id | None = None


class Cycle(View):
    id: str
    name: str
    kind: CycleKind
    start_date: date
    end_date: date
    state: CycleState
    current: bool = Field(description="Whether today (in the caller's time zone) is in it.")
    closed_at: str | None = None
    closed_by: str | None = None
    created_at: str


class CycleList(View):
    items: list[Cycle]


class ScoredGoal(View):
    id: str
    title: str
    final_score: float = Field(description="The goal's progress when its cycle closed, 0-1.")
    status: Status
    carried_to: str | None = None


class CycleClosed(View):
    cycle: Cycle
    goals: list[ScoredGoal]
    carried_into: str | None = None


class HistoryPoint(View):
    at: str
    progress: float
    status: Status
    confidence: Confidence | None = None
    source: HistorySource


class History(View):
    points: list[HistoryPoint]
    next_cursor: str | None = None
