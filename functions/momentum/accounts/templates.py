"""Plan templates and launching them into an account.

A template is one item holding its whole tree; a launch copies the chosen part into the
account, so later template edits change later launches only. A launch is one
transaction: it is checked against the transaction limit before anything is written.
"""

from __future__ import annotations

from typing import Any

from momentum.accounts import keys, repository, rules
from momentum.accounts.models import (
    Counts,
    LaunchAction,
    LaunchObjective,
    LaunchPlan,
    LaunchRequest,
    LaunchSummary,
    PlanTemplate,
    TemplateCreate,
    TemplatePatch,
    TemplatePlanInput,
)
from momentum.accounts.service import (
    load_tree,
    record,
    require_editor,
    require_internal,
    stale,
    structure_changed,
    today,
)
from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.problems import Conflict, Forbidden, Invalid, NotFound, field_error
from momentum.core.text import fold
from momentum.frame.principal import Principal
from momentum.store import activity, transactions
from momentum.store.codec import Item

TEMPLATE_AUTHORS = frozenset({"admin", "manager"})
# Each launch also writes the account's tree version and an activity entry.
LAUNCH_OVERHEAD = 2


def _require_author(principal: Principal) -> None:
    require_internal(principal)
    if not principal.roles & TEMPLATE_AUTHORS:
        raise Forbidden("Only admins and managers write plan templates.")


def _view(item: Item) -> PlanTemplate:
    return PlanTemplate.model_validate(item, from_attributes=False)


def _tree_with_ids(plans: list[TemplatePlanInput]) -> list[dict[str, Any]]:
    """The template tree as stored: every node keeps the id it was sent with or gets one."""
    seen: set[str] = set()
    errors: list[dict[str, str]] = []

    def node_id(given: str | None, path: str) -> str:
        if given is None:
            return new_id()
        if not is_id(given) or given in seen:
            errors.append(field_error(path + ".id", "must be a unique id"))
        seen.add(given)
        return given

    tree = [
        {
            **plan.model_dump(exclude_none=True, exclude={"id", "objectives"}),
            "id": node_id(plan.id, f"plans.{p}"),
            "objectives": [
                {
                    **objective.model_dump(exclude_none=True, exclude={"id", "actions"}),
                    "id": node_id(objective.id, f"plans.{p}.objectives.{o}"),
                    "actions": [
                        {
                            **action.model_dump(exclude_none=True, exclude={"id"}),
                            "id": node_id(action.id, f"plans.{p}.objectives.{o}.actions.{a}"),
                        }
                        for a, action in enumerate(objective.actions)
                    ],
                }
                for o, objective in enumerate(plan.objectives)
            ],
        }
        for p, plan in enumerate(plans)
    ]
    if errors:
        raise Invalid("Template ids must be unique ids.", errors=errors)
    return tree


def create_template(principal: Principal, request: TemplateCreate) -> PlanTemplate:
    _require_author(principal)
    now, template_id = clock.api_instant(clock.now()), new_id()
    body = {
        "id": template_id,
        "name": request.name,
        "description": request.description,
        "plans": _tree_with_ids(request.plans),
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "created_by": principal.user_id,
    }
    body = {k: v for k, v in body.items() if v is not None}
    transactions.write(
        [
            transactions.put_new(repository.template_item(principal.org_id, body)),
            record(
                principal,
                template_id,
                "plan_template_created",
                kind="plan_template",
                changes={"name": {"before": None, "after": request.name}},
            ),
        ]
    )
    return _view(body)


def _template(principal: Principal, template_id: str) -> Item:
    item = repository.template(principal.org_id, template_id) if is_id(template_id) else None
    if item is None:
        raise NotFound("Plan template not found.")
    return item


def get_template(principal: Principal, template_id: str) -> PlanTemplate:
    require_internal(principal)
    return _view(_template(principal, template_id))


def list_templates(
    principal: Principal, limit: int, cursor: str | None
) -> tuple[list[PlanTemplate], str | None]:
    require_internal(principal)
    items, next_cursor = repository.templates_page(principal.org_id, limit, cursor)
    return [_view(item) for item in items], next_cursor


def patch_template(principal: Principal, template_id: str, patch: TemplatePatch) -> PlanTemplate:
    _require_author(principal)
    current = _template(principal, template_id)
    if patch.version is not None and patch.version != current["version"]:
        raise stale(_view(current))
    changes = patch.model_dump(exclude_unset=True, exclude={"version", "plans"})
    if "name" in changes and changes["name"] is None:
        raise Invalid("A template needs a name.", errors=[field_error("name", "required")])
    if patch.plans is not None:
        changes["plans"] = _tree_with_ids(patch.plans)
    updated = {**current, **changes, "updated_at": clock.api_instant(clock.now())}
    updated = {k: v for k, v in updated.items() if v is not None}
    audit = activity.changed_fields(current, {k: v for k, v in changes.items() if k != "plans"})
    if "plans" in changes:
        audit["plans"] = {"before": "…", "after": "…"}  # a whole tree is too big to log twice
    transactions.write(
        [
            transactions.put_versioned(updated, current["version"]),
            record(
                principal, template_id, "plan_template_updated", kind="plan_template", changes=audit
            ),
        ]
    )
    updated["version"] = current["version"] + 1
    return _view(updated)


# --- launching ------------------------------------------------------------------------


def launch(principal: Principal, account_id: str, request: LaunchRequest) -> LaunchSummary:
    """Preview (writes nothing) or launch (one transaction) the chosen part of a template."""
    require_editor(principal, account_id)
    template = (
        repository.template(principal.org_id, request.template_id)
        if is_id(request.template_id)
        else None
    )
    if template is None:
        raise Invalid("Unknown plan template.", errors=[field_error("template_id", "unknown")])
    tree = load_tree(principal, account_id)
    existing: dict[str, str] = {}
    for plan in tree.plans:
        existing.setdefault(fold(plan["title"]), plan["id"])
    chosen, errors = rules.choose_from_template(
        template["plans"], request.objective_ids, request.action_ids, existing
    )
    if errors:
        raise Invalid("The chosen objectives and actions do not fit this template.", errors=errors)
    plans, objectives, actions = rules.launch_size(chosen)
    reused = sum(1 for c in chosen if c.existing_plan_id)
    operations = plans + objectives + actions + reused + LAUNCH_OVERHEAD
    if operations > transactions.MAX_TRANSACTION_ITEMS:
        raise Invalid(
            f"This launch would write {operations - LAUNCH_OVERHEAD + 1} items; one launch writes "
            f"at most {transactions.MAX_TRANSACTION_ITEMS - LAUNCH_OVERHEAD} at once. "
            "Choose fewer objectives and actions and launch the rest separately.",
            errors=[field_error("objective_ids", "too many items for one launch")],
        )
    _check_caps(tree, chosen)
    start = request.start_date or today(principal)
    summary, items = _draft(principal, account_id, tree, chosen, start, write=not request.preview)
    result = LaunchSummary(
        template_id=template["id"],
        template_name=template["name"],
        start_date=start,
        preview=request.preview,
        plans=summary,
        counts=Counts(plans=plans, objectives=objectives, actions=actions),
    )
    if request.preview:
        return result
    ops = [transactions.put_new(item) for item in items]
    ops += [
        transactions.check(
            keys.node_key(principal.org_id, account_id, "PLAN", c.existing_plan_id),
            "attribute_exists(pk)",
            on_condition_failed=lambda: Conflict("A plan of this account was deleted meanwhile."),
        )
        for c in chosen
        if c.existing_plan_id
    ]
    ops += [
        structure_changed(principal, account_id),
        record(
            principal,
            account_id,
            "template_launched",
            changes={"template_id": {"before": None, "after": template["id"]}},
            summary=f"Template {template['name']!r} launched: {plans} plans, "
            f"{objectives} objectives, {actions} actions",
        ),
    ]
    transactions.write(ops)
    return result


def _check_caps(tree: rules.Tree, chosen: list[rules.ChosenPlan]) -> None:
    new_plans = sum(1 for c in chosen if c.existing_plan_id is None)
    if len(tree.plans) + new_plans > rules.MAX_PLANS_PER_ACCOUNT:
        raise Conflict(f"An account holds at most {rules.MAX_PLANS_PER_ACCOUNT} plans.")
    for c in chosen:
        already = len(tree.objectives_of.get(c.existing_plan_id or "", []))
        if already + len(c.objectives) > rules.MAX_OBJECTIVES_PER_PLAN:
            raise Conflict(
                f"The plan {c.plan['title']!r} would hold more than "
                f"{rules.MAX_OBJECTIVES_PER_PLAN} objectives."
            )


def _draft(
    principal: Principal,
    account_id: str,
    tree: rules.Tree,
    chosen: list[rules.ChosenPlan],
    start: Any,
    *,
    write: bool,
) -> tuple[list[LaunchPlan], list[Item]]:
    """The launch summary and, when writing, the items: copies, not references."""
    now = clock.api_instant(clock.now())
    stamp = {"version": 1, "created_at": now, "updated_at": now, "created_by": principal.user_id}
    items: list[Item] = []

    def add(kind: Any, body: dict[str, Any]) -> str | None:
        if not write:
            return None
        body = {**body, "id": new_id(), **stamp}
        items.append(repository.node_item(principal.org_id, account_id, kind, body))
        return str(body["id"])

    def copied(node: Item) -> dict[str, Any]:
        return {k: node.get(k) for k in ("title", "description", "show_customer")}

    summary: list[LaunchPlan] = []
    next_plan_position = rules.last_position(tree.plans)
    for c in chosen:
        plan_id = c.existing_plan_id
        if plan_id is None:
            plan_id = add("PLAN", {**copied(c.plan), "position": next_plan_position})
            next_plan_position += 1
        objective_position = rules.last_position(
            tree.objectives_of.get(c.existing_plan_id or "", [])
        )
        launched_objectives = []
        for chosen_objective in c.objectives:
            objective = chosen_objective.objective
            objective_id = add(
                "OBJECTIVE",
                {**copied(objective), "plan_id": plan_id, "position": objective_position},
            )
            objective_position += 1
            launched_actions = []
            for position, action in enumerate(chosen_objective.actions, start=1):
                due = rules.due_date_from(start, action.get("due_offset_days"))
                action_id = add(
                    "ACTION",
                    {
                        **copied(action),
                        "objective_id": objective_id,
                        "position": float(position),
                        "status": "not_started",
                        "metric": action.get("metric"),
                        "due_date": due.isoformat() if due else None,
                    },
                )
                launched_actions.append(
                    LaunchAction(
                        id=action_id,
                        template_action_id=action["id"],
                        title=action["title"],
                        due_date=due,
                    )
                )
            launched_objectives.append(
                LaunchObjective(
                    id=objective_id,
                    template_objective_id=objective["id"],
                    title=objective["title"],
                    actions=launched_actions,
                )
            )
        summary.append(
            LaunchPlan(
                id=plan_id,
                title=c.plan["title"],
                existing=c.existing_plan_id is not None,
                objectives=launched_objectives,
            )
        )
    return summary, items
