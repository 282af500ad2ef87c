"""OKR routes (API.md "OKRs")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from momentum.core.pages import DEFAULT_LIMIT, Cursor, Limit, Page
from momentum.frame.api import no_content
from momentum.frame.idempotency import create_once
from momentum.frame.principal import current_principal
from momentum.okrs import closing, cycles, history, service
from momentum.okrs.cycle_models import (
    Cycle,
    CycleClose,
    CycleClosed,
    CycleCreate,
    CycleList,
    History,
)
from momentum.okrs.models import (
    CheckIn,
    CheckInCreate,
    Goal,
    GoalCreate,
    GoalDetail,
    GoalPatch,
    GoalSearch,
    Kind,
    Status,
)

router = Router()
TAGS = ["Goals"]
Id = Annotated[str, Path(max_length=64)]
OptionalId = Annotated[str | None, Query(max_length=64)]
CycleChoice = Annotated[
    str | None,
    Query(
        max_length=64,
        description='A cycle id, or "all"; by default the current cycles (containing today).',
    ),
]


@router.post("/v1/goals", tags=TAGS)
def create_goal(request: Annotated[GoalCreate, Body()]) -> Response[GoalDetail]:
    return create_once(router, request, lambda: service.create_goal(current_principal(), request))


@router.get("/v1/goals", tags=TAGS)
def list_goals(
    owner_id: OptionalId = None,
    parent_id: OptionalId = None,
    status: Annotated[Status | None, Query()] = None,
    cycle_id: CycleChoice = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[Goal]:
    items, next_cursor = service.list_goals(
        current_principal(),
        owner_id=owner_id,
        parent_id=parent_id,
        status=status,
        cycle_id=cycle_id,
        limit=limit,
        cursor=cursor,
    )
    return Page[Goal](items=items, next_cursor=next_cursor)


# Registered before /v1/goals/<goal_id> so "search" is never taken for an id.
@router.get("/v1/goals/search", tags=TAGS)
def search_goals(
    q: Annotated[str, Query(max_length=200)] = "",
    on: Annotated[date | None, Query()] = None,
    kind: Annotated[Kind | Literal["any"] | None, Query()] = None,
    cycle_id: CycleChoice = None,
) -> GoalSearch:
    return service.search(current_principal(), q, on, kind, cycle_id)


@router.get("/v1/goals/<goal_id>", tags=TAGS)
def get_goal(goal_id: Id) -> GoalDetail:
    return service.get_goal(current_principal(), goal_id)


@router.patch("/v1/goals/<goal_id>", tags=TAGS)
def patch_goal(goal_id: Id, patch: Annotated[GoalPatch, Body()]) -> GoalDetail:
    return service.patch_goal(current_principal(), goal_id, patch)


@router.delete("/v1/goals/<goal_id>", tags=TAGS)
def delete_goal(goal_id: Id) -> Response[Any]:
    service.delete_goal(current_principal(), goal_id)
    return no_content()


@router.post("/v1/goals/<goal_id>/check-ins", tags=TAGS)
def check_in(goal_id: Id, request: Annotated[CheckInCreate, Body()]) -> Response[CheckIn]:
    return create_once(
        router, request, lambda: service.check_in(current_principal(), goal_id, request)
    )


@router.get("/v1/goals/<goal_id>/check-ins", tags=TAGS)
def list_checkins(
    goal_id: Id, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[CheckIn]:
    items, next_cursor = service.list_checkins(current_principal(), goal_id, limit, cursor)
    return Page[CheckIn](items=items, next_cursor=next_cursor)


@router.get("/v1/goals/<goal_id>/history", tags=TAGS)
def goal_history(goal_id: Id, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> History:
    return history.history(current_principal(), goal_id, limit, cursor)


@router.post("/v1/cycles", tags=TAGS)
def create_cycle(request: Annotated[CycleCreate, Body()]) -> Response[Cycle]:
    return create_once(router, request, lambda: cycles.create_cycle(current_principal(), request))


@router.get("/v1/cycles", tags=TAGS)
def list_cycles(current: Annotated[bool, Query()] = False) -> CycleList:
    return CycleList(items=cycles.list_cycles(current_principal(), current_only=current))


@router.post("/v1/cycles/<cycle_id>/close", tags=TAGS)
def close_cycle(cycle_id: Id, request: Annotated[CycleClose, Body()]) -> CycleClosed:
    return closing.close_cycle(current_principal(), cycle_id, request)
