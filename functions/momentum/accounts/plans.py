"""Plans, objectives and actions of an account: the three levels of its plan tree, each
answered with its own view (the shared create/edit/move/delete is accounts/plan_tree.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from momentum.accounts import rules
from momentum.accounts.models import (
    ActionCreate,
    ActionNode,
    ActionPatch,
    Counts,
    ObjectiveCreate,
    ObjectiveNode,
    ObjectivePatch,
    PlanCreate,
    PlanNode,
    PlanPatch,
)
from momentum.accounts.plan_tree import (
    ACTION,
    OBJECTIVE,
    PLAN,
    create_node,
    delete_node,
    patch_node,
    requested_changes,
)
from momentum.accounts.service import owner_snapshot, require_editor, today
from momentum.frame.principal import Principal
from momentum.store.codec import Item

# --- plans --------------------------------------------------------------------------------


def _plan_view(principal: Principal) -> Callable[[rules.Tree, Item], PlanNode]:
    return lambda tree, item: rules.plan_node(tree, item, customer=False, today=today(principal))


def create_plan(principal: Principal, account_id: str, request: PlanCreate) -> PlanNode:
    tree, item = create_node(
        principal, account_id, PLAN, None, request.model_dump(exclude_none=True)
    )
    return _plan_view(principal)(tree, item)


def patch_plan(principal: Principal, account_id: str, plan_id: str, patch: PlanPatch) -> PlanNode:
    view = _plan_view(principal)
    tree, item = patch_node(
        principal,
        account_id,
        PLAN,
        plan_id,
        requested_changes(patch),
        fields_set=patch.model_fields_set,
        after_id=patch.after_id,
        new_parent_id=None,
        version=patch.version,
        view=view,
    )
    return view(tree, item)


def delete_plan(principal: Principal, account_id: str, plan_id: str) -> Counts:
    return delete_node(principal, account_id, PLAN, plan_id)


# --- objectives -------------------------------------------------------------------------


def _objective_view(principal: Principal) -> Callable[[rules.Tree, Item], ObjectiveNode]:
    return lambda tree, item: rules.objective_node(
        tree, item, customer=False, today=today(principal)
    )


def create_objective(
    principal: Principal, account_id: str, plan_id: str, request: ObjectiveCreate
) -> ObjectiveNode:
    tree, item = create_node(
        principal, account_id, OBJECTIVE, plan_id, request.model_dump(exclude_none=True)
    )
    return _objective_view(principal)(tree, item)


def patch_objective(
    principal: Principal, account_id: str, objective_id: str, patch: ObjectivePatch
) -> ObjectiveNode:
    view = _objective_view(principal)
    tree, item = patch_node(
        principal,
        account_id,
        OBJECTIVE,
        objective_id,
        requested_changes(patch, "plan_id"),
        fields_set=patch.model_fields_set,
        after_id=patch.after_id,
        new_parent_id=patch.plan_id,
        version=patch.version,
        view=view,
    )
    return view(tree, item)


def delete_objective(principal: Principal, account_id: str, objective_id: str) -> Counts:
    return delete_node(principal, account_id, OBJECTIVE, objective_id)


# --- actions -----------------------------------------------------------------------------


def _action_fields(principal: Principal, account_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """An action's request fields as stored: owner copied, dates as text."""
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        data["owner"] = owner_snapshot(principal, account_id, owner_id) if owner_id else None
    if "due_date" in data:
        data["due_date"] = data["due_date"].isoformat() if data["due_date"] else None
    return data


def _action_view(principal: Principal) -> Callable[[rules.Tree, Item], ActionNode]:
    return lambda _tree, item: rules.action_node(item, customer=False, today=today(principal))


def create_action(
    principal: Principal, account_id: str, objective_id: str, request: ActionCreate
) -> ActionNode:
    require_editor(principal, account_id)
    body = _action_fields(principal, account_id, request.model_dump(exclude_none=True))
    tree, item = create_node(principal, account_id, ACTION, objective_id, body)
    return _action_view(principal)(tree, item)


def patch_action(
    principal: Principal, account_id: str, action_id: str, patch: ActionPatch
) -> ActionNode:
    require_editor(principal, account_id)
    changes = _action_fields(principal, account_id, requested_changes(patch, "objective_id"))
    view = _action_view(principal)
    tree, item = patch_node(
        principal,
        account_id,
        ACTION,
        action_id,
        changes,
        fields_set=patch.model_fields_set,
        after_id=patch.after_id,
        new_parent_id=patch.objective_id,
        version=patch.version,
        view=view,
        refine=rules.merged_metric,
    )
    return view(tree, item)


def delete_action(principal: Principal, account_id: str, action_id: str) -> Counts:
    return delete_node(principal, account_id, ACTION, action_id)
