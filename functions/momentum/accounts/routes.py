"""Account action plan routes (API.md "Account action plans")."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from momentum.accounts import plans, service, templates
from momentum.accounts.models import (
    Account,
    AccountCreate,
    AccountPatch,
    ActionCreate,
    ActionNode,
    ActionPatch,
    ActionPlan,
    Counts,
    LaunchRequest,
    LaunchSummary,
    ObjectiveCreate,
    ObjectiveNode,
    ObjectivePatch,
    PlanCreate,
    PlanNode,
    PlanPatch,
    PlanTemplate,
    TemplateCreate,
    TemplatePatch,
)
from momentum.core.pages import DEFAULT_LIMIT, Cursor, Limit, Page
from momentum.frame.idempotency import create_once
from momentum.frame.principal import current_principal

router = Router()
Id = Annotated[str, Path(max_length=64)]
TAG = ["Account action plans"]


# --- accounts --------------------------------------------------------------------------


@router.post("/v1/accounts", tags=TAG)
def create_account(request: Annotated[AccountCreate, Body()]) -> Response[Account]:
    principal = current_principal()
    return create_once(router, request, lambda: service.create_account(principal, request))


@router.get("/v1/accounts", tags=TAG)
def list_accounts(
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[Account]:
    items, next_cursor = service.list_accounts(current_principal(), q, limit, cursor)
    return Page[Account](items=items, next_cursor=next_cursor)


@router.get("/v1/accounts/<account_id>", tags=TAG)
def get_account(account_id: Id) -> Account:
    return service.get_account(current_principal(), account_id)


@router.patch("/v1/accounts/<account_id>", tags=TAG)
def patch_account(account_id: Id, patch: Annotated[AccountPatch, Body()]) -> Account:
    return service.patch_account(current_principal(), account_id, patch)


@router.get("/v1/accounts/<account_id>/action-plan", tags=TAG)
def get_action_plan(account_id: Id) -> ActionPlan:
    return service.action_plan(current_principal(), account_id)


# --- plans, objectives, actions -----------------------------------------------------------


@router.post("/v1/accounts/<account_id>/plans", tags=TAG)
def create_plan(account_id: Id, request: Annotated[PlanCreate, Body()]) -> Response[PlanNode]:
    principal = current_principal()
    return create_once(router, request, lambda: plans.create_plan(principal, account_id, request))


@router.patch("/v1/accounts/<account_id>/plans/<plan_id>", tags=TAG)
def patch_plan(account_id: Id, plan_id: Id, patch: Annotated[PlanPatch, Body()]) -> PlanNode:
    return plans.patch_plan(current_principal(), account_id, plan_id, patch)


@router.delete("/v1/accounts/<account_id>/plans/<plan_id>", tags=TAG)
def delete_plan(account_id: Id, plan_id: Id) -> Counts:
    return plans.delete_plan(current_principal(), account_id, plan_id)


@router.post("/v1/accounts/<account_id>/plans/<plan_id>/objectives", tags=TAG)
def create_objective(
    account_id: Id, plan_id: Id, request: Annotated[ObjectiveCreate, Body()]
) -> Response[ObjectiveNode]:
    principal = current_principal()
    return create_once(
        router, request, lambda: plans.create_objective(principal, account_id, plan_id, request)
    )


@router.patch("/v1/accounts/<account_id>/objectives/<objective_id>", tags=TAG)
def patch_objective(
    account_id: Id, objective_id: Id, patch: Annotated[ObjectivePatch, Body()]
) -> ObjectiveNode:
    return plans.patch_objective(current_principal(), account_id, objective_id, patch)


@router.delete("/v1/accounts/<account_id>/objectives/<objective_id>", tags=TAG)
def delete_objective(account_id: Id, objective_id: Id) -> Counts:
    return plans.delete_objective(current_principal(), account_id, objective_id)


@router.post("/v1/accounts/<account_id>/objectives/<objective_id>/actions", tags=TAG)
def create_action(
    account_id: Id, objective_id: Id, request: Annotated[ActionCreate, Body()]
) -> Response[ActionNode]:
    principal = current_principal()
    return create_once(
        router, request, lambda: plans.create_action(principal, account_id, objective_id, request)
    )


@router.patch("/v1/accounts/<account_id>/actions/<action_id>", tags=TAG)
def patch_action(
    account_id: Id, action_id: Id, patch: Annotated[ActionPatch, Body()]
) -> ActionNode:
    return plans.patch_action(current_principal(), account_id, action_id, patch)


@router.delete("/v1/accounts/<account_id>/actions/<action_id>", tags=TAG)
def delete_action(account_id: Id, action_id: Id) -> Counts:
    return plans.delete_action(current_principal(), account_id, action_id)


# --- templates and launches ----------------------------------------------------------------


@router.post("/v1/plan-templates", tags=TAG)
def create_template(request: Annotated[TemplateCreate, Body()]) -> Response[PlanTemplate]:
    principal = current_principal()
    return create_once(router, request, lambda: templates.create_template(principal, request))


@router.get("/v1/plan-templates", tags=TAG)
def list_templates(limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[PlanTemplate]:
    items, next_cursor = templates.list_templates(current_principal(), limit, cursor)
    return Page[PlanTemplate](items=items, next_cursor=next_cursor)


@router.get("/v1/plan-templates/<template_id>", tags=TAG)
def get_template(template_id: Id) -> PlanTemplate:
    return templates.get_template(current_principal(), template_id)


@router.patch("/v1/plan-templates/<template_id>", tags=TAG)
def patch_template(template_id: Id, patch: Annotated[TemplatePatch, Body()]) -> PlanTemplate:
    return templates.patch_template(current_principal(), template_id, patch)


@router.post(
    "/v1/accounts/<account_id>/launch-template",
    tags=TAG,
    responses={
        200: {"description": "The preview: nothing written"},
        201: {"description": "Launched"},
    },
)
def launch_template(
    account_id: Id, request: Annotated[LaunchRequest, Body()]
) -> Response[LaunchSummary]:
    """Launch a plan template on the account.

    `preview: true` answers 200 with what a launch would write, and writes nothing; a
    launch answers 201."""
    principal = current_principal()
    if request.preview:
        summary = templates.launch(principal, account_id, request)
        return Response(status_code=200, content_type="application/json", body=summary)
    return create_once(router, request, lambda: templates.launch(principal, account_id, request))
