"""The account's plan tree, one level at a time: create, edit, move, delete a node.

Plans, objectives and actions share one shape (a title, descriptions, show to customer,
a position among siblings under a parent), so one set of use cases serves the three
levels (accounts/plans.py names them). Every write reads the account's collection once
(one Query) and writes in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from momentum.accounts import keys, repository, rules
from momentum.accounts.keys import NodeKind
from momentum.accounts.models import (
    Counts,
)
from momentum.accounts.service import (
    load_tree,
    record,
    require_editor,
    stale,
    structure_changed,
    structure_unchanged,
)
from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.problems import Conflict, Invalid, NotFound, field_error
from momentum.frame.principal import Principal
from momentum.store import activity, transactions
from momentum.store.codec import Item

# Fields a PATCH may not clear with null.
REQUIRED_FIELDS = ("title", "show_customer", "status")


class Level(msgspec.Struct, frozen=True):
    kind: NodeKind
    noun: str
    parent_field: str | None  # the field naming the parent, None for plans
    cap: int


PLAN = Level("PLAN", "plan", None, rules.MAX_PLANS_PER_ACCOUNT)
OBJECTIVE = Level("OBJECTIVE", "objective", "plan_id", rules.MAX_OBJECTIVES_PER_PLAN)
ACTION = Level("ACTION", "action", "objective_id", rules.MAX_ACTIONS_PER_OBJECTIVE)
PARENT = {"OBJECTIVE": PLAN, "ACTION": OBJECTIVE}


def _children(tree: rules.Tree, level: Level, parent_id: str | None) -> list[Item]:
    if level is PLAN:
        return tree.plans
    groups = tree.objectives_of if level is OBJECTIVE else tree.actions_of
    return groups.get(parent_id or "", [])


def _find(tree: rules.Tree, level: Level, node_id: str) -> Item | None:
    if not is_id(node_id):
        return None
    finder = {"PLAN": tree.plan, "OBJECTIVE": tree.objective, "ACTION": tree.action}[level.kind]
    return finder(node_id)


def _parent_still_there(principal: Principal, account_id: str, level: Level, parent_id: str) -> Any:
    parent = PARENT[level.kind]
    return transactions.check(
        keys.node_key(principal.org_id, account_id, parent.kind, parent_id),
        "attribute_exists(pk)",
        on_condition_failed=lambda: Conflict(f"The {parent.noun} was deleted meanwhile."),
    )


def _node_key(principal: Principal, account_id: str, level: Level, node_id: str) -> dict[str, str]:
    return keys.node_key(principal.org_id, account_id, level.kind, node_id)


def create_node(
    principal: Principal, account_id: str, level: Level, parent_id: str | None, body: dict[str, Any]
) -> tuple[rules.Tree, Item]:
    require_editor(principal, account_id)
    tree = load_tree(principal, account_id)
    if level.parent_field and (
        parent_id is None or _find(tree, PARENT[level.kind], parent_id) is None
    ):
        raise NotFound(f"{PARENT[level.kind].noun.capitalize()} not found.")
    siblings = _children(tree, level, parent_id)
    if len(siblings) >= level.cap:
        holder = PARENT[level.kind].noun if level.parent_field else "account"
        raise Conflict(f"One {holder} holds at most {level.cap} {level.noun}s.")
    now = clock.api_instant(clock.now())
    item_body = {
        **body,
        "id": new_id(),
        "position": rules.last_position(siblings),
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "created_by": principal.user_id,
    }
    if level.parent_field:
        item_body[level.parent_field] = parent_id
    item = repository.node_item(principal.org_id, account_id, level.kind, item_body)
    ops = [
        transactions.put_new(item),
        structure_changed(principal, account_id),
        record(
            principal,
            account_id,
            f"{level.noun}_created",
            changes={f"{level.noun}_id": {"before": None, "after": item["id"]}},
            summary=f"{level.noun.capitalize()} {item['title']!r} created",
        ),
    ]
    if level.parent_field and parent_id:
        ops.append(_parent_still_there(principal, account_id, level, parent_id))
    transactions.write(ops)
    return tree, item


def patch_node(
    principal: Principal,
    account_id: str,
    level: Level,
    node_id: str,
    changes: dict[str, Any],
    *,
    fields_set: set[str],
    after_id: str | None,
    new_parent_id: str | None,
    version: int | None,
    view: Callable[[rules.Tree, Item], Any],
    refine: Callable[[Item, dict[str, Any]], dict[str, Any]] | None = None,
) -> tuple[rules.Tree, Item]:
    require_editor(principal, account_id)
    tree = load_tree(principal, account_id)
    current = _find(tree, level, node_id)
    if current is None:
        raise NotFound(f"{level.noun.capitalize()} not found.")
    if version is not None and version != current["version"]:
        raise stale(view(tree, current))
    if refine is not None:
        changes = refine(current, changes)
    for name in REQUIRED_FIELDS:
        if name in changes and changes[name] is None:
            raise Invalid(f"{name} cannot be null.", errors=[field_error(name, "required")])
    parent_id = current.get(level.parent_field) if level.parent_field else None
    target_parent = new_parent_id or parent_id
    reparent = target_parent != parent_id
    if reparent and _find(tree, PARENT[level.kind], target_parent or "") is None:
        assert level.parent_field is not None
        raise Invalid(
            f"No such {PARENT[level.kind].noun} in this account.",
            errors=[field_error(level.parent_field, "unknown")],
        )
    updated = {**current, **changes, "updated_at": clock.api_instant(clock.now())}
    extra_ops: list[transactions.Op] = []
    if reparent:
        assert level.parent_field is not None
        assert target_parent is not None
        updated[level.parent_field] = target_parent
        extra_ops += [
            structure_changed(principal, account_id),
            _parent_still_there(principal, account_id, level, target_parent),
        ]
    if "after_id" in fields_set or reparent:
        siblings = [s for s in _children(tree, level, target_parent) if s["id"] != node_id]
        if reparent and len(siblings) >= level.cap:
            raise Conflict(
                f"That {PARENT[level.kind].noun} already holds {level.cap} {level.noun}s."
            )
        updated["position"], renumbering = _placement(siblings, node_id, after_id, fields_set)
        extra_ops += [
            transactions.update(
                _node_key(principal, account_id, level, sid),
                # A version bump, so a concurrent edit of the sibling cannot undo the move.
                "SET #p = :p ADD #v :one",
                condition="attribute_exists(pk)",
                names={"#p": "position", "#v": "version"},
                values={":p": position, ":one": 1},
            )
            for sid, position in renumbering.items()
        ]
    audited = [
        *changes,
        "position",
        *([level.parent_field] if reparent and level.parent_field else []),
    ]
    audit = activity.changed_fields(current, {k: updated.get(k) for k in audited})
    transactions.write(
        [
            transactions.put_versioned(
                repository.node_item(principal.org_id, account_id, level.kind, updated),
                current["version"],
            ),
            record(
                principal,
                account_id,
                f"{level.noun}_updated",
                changes=audit,
                summary=f"{level.noun.capitalize()} {updated['title']!r} updated",
            ),
            *extra_ops,
        ]
    )
    updated["version"] = current["version"] + 1
    return tree, updated


def _placement(
    siblings: list[Item], node_id: str, after_id: str | None, fields_set: set[str]
) -> tuple[float, dict[str, float]]:
    if "after_id" not in fields_set:
        return rules.last_position(siblings), {}
    if after_id is not None and after_id not in {s["id"] for s in siblings}:
        raise Invalid(
            "after_id must be a sibling of the moved item.",
            errors=[field_error("after_id", "not a sibling")],
        )
    return rules.placement(siblings, node_id, after_id)


def delete_node(principal: Principal, account_id: str, level: Level, node_id: str) -> Counts:
    """Deletes the item with everything under it in one transaction and counts them."""
    require_editor(principal, account_id)
    tree = load_tree(principal, account_id)
    current = _find(tree, level, node_id)
    if current is None or tree.account is None:
        raise NotFound(f"{level.noun.capitalize()} not found.")
    objectives = tree.objectives_of.get(node_id, []) if level is PLAN else []
    under = [o["id"] for o in objectives] + ([node_id] if level is OBJECTIVE else [])
    actions = [a for oid in under for a in tree.actions_of.get(oid, [])]
    ops = [
        transactions.delete(
            _node_key(principal, account_id, level, node_id),
            condition="attribute_exists(pk)",
            on_condition_failed=lambda: NotFound(f"{level.noun.capitalize()} not found."),
        ),
        *[
            transactions.delete(_node_key(principal, account_id, OBJECTIVE, o["id"]))
            for o in objectives
        ],
        *[transactions.delete(_node_key(principal, account_id, ACTION, a["id"])) for a in actions],
    ]
    if level is not ACTION:
        ops.append(structure_unchanged(principal, tree.account))
    counts = Counts(
        plans=int(level is PLAN),
        objectives=len(objectives) + int(level is OBJECTIVE),
        actions=len(actions) + int(level is ACTION),
    )
    ops.append(
        record(
            principal,
            account_id,
            f"{level.noun}_deleted",
            changes={f"{level.noun}_id": {"before": node_id, "after": None}},
            summary=f"{level.noun.capitalize()} {current['title']!r} deleted "
            f"({counts.objectives} objectives, {counts.actions} actions)",
        )
    )
    if len(ops) > transactions.MAX_TRANSACTION_ITEMS:
        raise Conflict(
            f"This {level.noun} holds {len(objectives)} objectives and {len(actions)} actions; "
            f"one delete removes at most {transactions.MAX_TRANSACTION_ITEMS - 3} items. "
            "Delete some of its objectives first."
        )
    transactions.write(ops)
    return counts


def requested_changes(patch: Any, *exclude: str) -> dict[str, Any]:
    """The fields the client sent; nested values whole (a metric is replaced, not merged)."""
    full = patch.model_dump()
    skipped = {"version", "after_id", *exclude}
    return {name: full[name] for name in patch.model_fields_set if name not in skipped}
