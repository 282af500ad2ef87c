"""Engage action plan routes (API.md "Engage action plans")."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from momentum.action_plans import service
from momentum.action_plans.models import (
    ActionPlan,
    ActionPlanCreate,
    ActionPlanCreated,
    ActionPlanPatch,
    PlanUpdate,
    UpdateCreate,
)
from momentum.core.pages import DEFAULT_LIMIT, Cursor, Limit, Page
from momentum.frame.api import no_content
from momentum.frame.idempotency import create_once
from momentum.frame.principal import current_principal

router = Router()
TAGS = ["Engage action plans"]
Id = Annotated[str, Path(max_length=64)]


@router.post("/v1/action-plans", tags=TAGS)
def create_plan(request: Annotated[ActionPlanCreate, Body()]) -> Response[ActionPlanCreated]:
    return create_once(router, request, lambda: service.create_plan(current_principal(), request))


@router.get("/v1/action-plans", tags=TAGS)
def list_plans(
    owner_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ActionPlan]:
    items, next_cursor = service.list_plans(current_principal(), owner_id, limit, cursor)
    return Page[ActionPlan](items=items, next_cursor=next_cursor)


@router.get("/v1/action-plans/<plan_id>", tags=TAGS)
def get_plan(plan_id: Id) -> ActionPlan:
    return service.get_plan(current_principal(), plan_id)


@router.patch("/v1/action-plans/<plan_id>", tags=TAGS)
def patch_plan(plan_id: Id, patch: Annotated[ActionPlanPatch, Body()]) -> ActionPlan:
    return service.patch_plan(current_principal(), plan_id, patch)


@router.delete("/v1/action-plans/<plan_id>", tags=TAGS)
def delete_plan(plan_id: Id) -> Response[Any]:
    service.delete_plan(current_principal(), plan_id)
    return no_content()


@router.post("/v1/action-plans/<plan_id>/updates", tags=TAGS)
def post_update(plan_id: Id, request: Annotated[UpdateCreate, Body()]) -> Response[PlanUpdate]:
    return create_once(
        router, request, lambda: service.post_update(current_principal(), plan_id, request)
    )


@router.get("/v1/action-plans/<plan_id>/updates", tags=TAGS)
def list_updates(
    plan_id: Id, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[PlanUpdate]:
    items, next_cursor = service.list_updates(current_principal(), plan_id, limit, cursor)
    return Page[PlanUpdate](items=items, next_cursor=next_cursor)
