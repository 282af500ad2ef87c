"""Accounts and reading their action plan; who may see and change what.

Internal users (anyone in the org without the `customer` role) read and edit every
account. Customers read only their own accounts (`account_ids`), only what is shown to
customers, without internal fields; another account is 404 and any write is 403 on
their own account (they know it exists) and 404 on any other.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import MISSING

from momentum.accounts import keys, repository, rules
from momentum.accounts.models import Account, AccountCreate, AccountPatch, ActionPlan
from momentum.core import clock, cursors
from momentum.core.ids import is_id, new_id
from momentum.core.membership import is_active
from momentum.core.problems import Conflict, Forbidden, Invalid, NotFound, field_error
from momentum.core.text import fold
from momentum.frame import org as org_settings
from momentum.frame.principal import Principal
from momentum.identity import service as identity
from momentum.store import activity, transactions
from momentum.store.codec import Item

MODULE = "accounts"


# --- who may do what --------------------------------------------------------------------


def is_customer(principal: Principal) -> bool:
    return rules.is_customer(principal.roles)


def require_module(principal: Principal) -> None:
    org_settings.require_module(principal, MODULE)


def require_reader(principal: Principal, account_id: str) -> None:
    """404 for an id the caller may not know about."""
    require_module(principal)
    if not is_id(account_id) or (
        is_customer(principal) and account_id not in principal.account_ids
    ):
        raise NotFound("Account not found.")


def require_editor(principal: Principal, account_id: str) -> None:
    require_reader(principal, account_id)
    if is_customer(principal):
        raise Forbidden("Customer contacts can read their account's plans but not change them.")


def require_internal(principal: Principal) -> None:
    require_module(principal)
    if is_customer(principal):
        raise Forbidden("Only members of the organisation can do this.")


def known_account_ids(org_id: str, account_ids: list[str]) -> set[str]:
    """Which of these ids name accounts of the org (one round trip per 100)."""
    wanted = [aid for aid in account_ids if is_id(aid)]
    return {item["id"] for item in repository.accounts(org_id, wanted)} if wanted else set()


def can_view_activity(principal: Principal, entity_id: str) -> bool:
    """Account and template activity is internal: customers never read it."""
    return not is_customer(principal)


# --- shared write pieces ----------------------------------------------------------------


def record(
    principal: Principal,
    entity_id: str,
    action: str,
    *,
    kind: str = "account",
    changes: dict[str, dict[str, Any]] | None = None,
    summary: str | None = None,
) -> transactions.Op:
    return activity.record(
        org_id=principal.org_id,
        entity_id=entity_id,
        entity_kind=kind,
        actor_id=principal.user_id,
        action=action,
        at=clock.now(),
        changes=changes,
        summary=summary,
    )


def structure_changed(principal: Principal, account_id: str) -> transactions.Op:
    """Bumps the account's tree version: a concurrent cascade delete then fails, not orphans."""
    return transactions.update(
        keys.account_key(principal.org_id, account_id),
        "ADD tree_version :one",
        condition="attribute_exists(pk)",
        values={":one": 1},
        on_condition_failed=lambda: NotFound("Account not found."),
    )


def structure_unchanged(principal: Principal, account: Item) -> transactions.Op:
    return transactions.update(
        keys.account_key(principal.org_id, account["id"]),
        "ADD tree_version :one",
        condition="tree_version = :seen",
        values={":one": 1, ":seen": account.get("tree_version", 0)},
        on_condition_failed=lambda: Conflict(
            "Something was added to or moved in this account meanwhile; reload and try again."
        ),
    )


def stale(current: Any) -> Conflict:
    return Conflict(
        "This was changed by someone else since you read it.",
        extra={"current": current.model_dump(mode="json")},
    )


def load_tree(principal: Principal, account_id: str) -> rules.Tree:
    tree = rules.grouped(repository.collection(principal.org_id, account_id))
    if tree.account is None:
        raise NotFound("Account not found.")
    return tree


def today(principal: Principal) -> date:
    return clock.local_date(clock.now(), principal.time_zone)


def owner_snapshot(principal: Principal, account_id: str, owner_id: str) -> dict[str, str]:
    """The owner's id, name and email, copied onto the action so the tree is one Query."""
    user = identity.user_item(principal.org_id, owner_id)
    # A customer contact may own an action of their own account, not of another one.
    foreign_customer = (
        user is not None
        and rules.is_customer(user.get("roles") or ())
        and account_id not in (user.get("account_ids") or ())
    )
    if not is_active(user) or foreign_customer:
        raise Invalid(
            "The owner must be an active user of this organisation.",
            errors=[field_error("owner_id", "unknown user")],
        )
    return {"id": user["id"], "name": user.get("name", ""), "email": user.get("email", "")}


# --- accounts -------------------------------------------------------------------------


def account_view(item: Item, *, customer: bool) -> Account:
    return Account(
        id=item["id"],
        name=item["name"],
        description=MISSING if customer else item.get("description"),
        owner_id=MISSING if customer else item.get("owner_id"),
        created_at=item["created_at"],
        version=item.get("version", 1),
    )


def _check_account_owner(principal: Principal, owner_id: str | None) -> None:
    if owner_id is None:
        return
    user = identity.user_item(principal.org_id, owner_id)
    if user is None or rules.is_customer(user.get("roles") or ()):
        raise Invalid(
            "The account owner must be a member of this organisation.",
            errors=[field_error("owner_id", "unknown user")],
        )


def create_account(principal: Principal, request: AccountCreate) -> Account:
    require_internal(principal)
    _check_account_owner(principal, request.owner_id)
    now, account_id = clock.api_instant(clock.now()), new_id()
    body = {
        **request.model_dump(exclude_none=True),
        "id": account_id,
        "tree_version": 0,
        "version": 1,
        "created_at": now,
        "created_by": principal.user_id,
    }
    ops = [transactions.put_new(repository.account_item(principal.org_id, body))]
    for position, (title, description) in enumerate(rules.DEFAULT_PLANS, start=1):
        plan = {
            "id": new_id(),
            "title": title,
            "description": description,
            "show_customer": False,
            "position": float(position),
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        ops.append(
            transactions.put_new(repository.node_item(principal.org_id, account_id, "PLAN", plan))
        )
    ops.append(
        record(
            principal,
            account_id,
            "account_created",
            changes={"name": {"before": None, "after": request.name}},
            summary=f"Account {request.name!r} created with its default plans",
        )
    )
    transactions.write(ops)
    return account_view(body, customer=False)


def get_account(principal: Principal, account_id: str) -> Account:
    require_reader(principal, account_id)
    item = repository.account(principal.org_id, account_id)
    if item is None:
        raise NotFound("Account not found.")
    return account_view(item, customer=is_customer(principal))


def patch_account(principal: Principal, account_id: str, patch: AccountPatch) -> Account:
    require_editor(principal, account_id)
    current = repository.account(principal.org_id, account_id)
    if current is None:
        raise NotFound("Account not found.")
    if patch.version is not None and patch.version != current.get("version", 1):
        raise stale(account_view(current, customer=False))
    changes = patch.model_dump(exclude_unset=True, exclude={"version"})
    if "name" in changes and changes["name"] is None:
        raise Invalid("An account needs a name.", errors=[field_error("name", "required")])
    if changes.get("owner_id"):
        _check_account_owner(principal, changes["owner_id"])
    updated = repository.account_item(principal.org_id, {**current, **changes})
    # Only the changed fields are set: a whole-item put would rewind `tree_version`.
    fields = {k: updated.get(k) for k in [*changes, "gsi1sk"]}
    transactions.write(
        [
            repository.account_update(
                principal.org_id, account_id, fields, current.get("version", 1)
            ),
            record(
                principal,
                account_id,
                "account_updated",
                changes=activity.changed_fields(current, changes),
            ),
        ]
    )
    updated["version"] = current.get("version", 1) + 1
    return account_view(updated, customer=False)


def list_accounts(
    principal: Principal, q: str | None, limit: int, cursor: str | None
) -> tuple[list[Account], str | None]:
    require_module(principal)
    prefix = fold(q) if q else None
    if not is_customer(principal):
        items, next_cursor = repository.accounts_page(principal.org_id, prefix, limit, cursor)
        return [account_view(i, customer=False) for i in items], next_cursor
    # A customer's accounts are a short list on their user: fetch, sort, page by offset.
    scope = f"customer-accounts:{principal.org_id}:{principal.user_id}:{prefix or ''}"
    position = cursors.decode(cursor, scope=scope) or {"offset": 0}
    offset = position.get("offset")
    if not isinstance(offset, int) or offset < 0:
        offset = 0
    mine = sorted(
        (
            item
            for item in repository.accounts(principal.org_id, list(principal.account_ids))
            if not prefix or fold(item["name"]).startswith(prefix)
        ),
        key=lambda item: (fold(item["name"]), item["id"]),
    )
    page = mine[offset : offset + limit]
    more = offset + limit < len(mine)
    next_cursor = cursors.encode({"offset": offset + limit}, scope=scope) if more else None
    return [account_view(i, customer=True) for i in page], next_cursor


# --- the action plan ---------------------------------------------------------------------


def action_plan(principal: Principal, account_id: str) -> ActionPlan:
    """The whole tree in one Query, with flags computed over what the caller may see."""
    require_reader(principal, account_id)
    tree = load_tree(principal, account_id)
    assert tree.account is not None
    customer, local_today = is_customer(principal), today(principal)
    plans = rules.plan_nodes(tree, customer=customer, today=local_today)
    return ActionPlan(
        account=account_view(tree.account, customer=customer),
        today=local_today,
        overdue_actions=rules.overdue_count(plans),
        plans=plans,
    )
