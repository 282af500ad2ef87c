"""Members: the use cases that make, change and place users, each with its Cognito user.

Separate from identity.service, which other contexts read users through, so only the
identity function's code reaches the Cognito admin calls (and holds their permission).
"""

from __future__ import annotations

from typing import Any

from momentum.core import clock, domain_events
from momentum.core.domain_events import AccountsKnown, UserRenamed
from momentum.core.ids import is_id, new_id
from momentum.core.membership import is_active
from momentum.core.problems import Invalid, NotFound, field_error
from momentum.frame.principal import Principal, forget_cached
from momentum.identity import keys, reorganising, repository, rules, sign_in
from momentum.identity.models import User, UserCreate, UserPatch, UserSettings
from momentum.identity.org_models import CheckinReminders, ModulesSettings, OrgCreate
from momentum.identity.service import _email_taken, org_or_404, user_view
from momentum.store import activity, transactions
from momentum.store.codec import Item

NULLABLE_USER_FIELDS = {"manager_id", "company_id", "location_id"}


def create_org(request: OrgCreate, *, invite: bool = True) -> tuple[str, str]:
    """A new org with its first admin (local mode and onboarding). Returns (org, admin)."""
    org_id, admin_id, now = new_id(), new_id(), clock.now()
    org_item = {
        **keys.org_key(org_id),
        "type": "org",
        "org_id": org_id,
        "name": request.name,
        "time_zone": request.time_zone,
        "modules": ModulesSettings().model_dump(),
        "checkin_reminders": CheckinReminders().model_dump(),
        "version": 1,
        "created_at": clock.api_instant(now),
    }
    admin = _new_user_body(
        admin_id,
        UserCreate(email=request.admin_email, name=request.admin_name, roles=["admin"]),
        time_zone=request.time_zone,
        chain=[],
        now=now,
    )
    admin["sign_in_sub"] = sub = sign_in.create_member(org_id, admin["email"], invite=invite)
    _write_with_member(
        sub,
        [
            transactions.put_new(org_item),
            transactions.put_new(repository.user_item(org_id, admin)),
            transactions.put_new(sign_in.sign_in_item(org_id, sub, admin_id)),
            transactions.put_new(repository.email_marker(org_id, admin["email"], admin_id)),
            *[transactions.put(m) for m in repository.role_markers(org_id, admin_id, ["admin"])],
        ],
    )
    return org_id, admin_id


def _write_with_member(sub: str, ops: list[transactions.Op]) -> None:
    """The user's items, or no Cognito user either: a refused write removes it again."""
    try:
        transactions.write(ops)
    except Exception:
        sign_in.remove_member(sub)
        raise


def _new_user_body(
    user_id: str, request: UserCreate, *, time_zone: str, chain: list[str], now: Any
) -> dict[str, Any]:
    body = request.model_dump(exclude_none=True)
    body.update(
        id=user_id,
        email=request.email.lower(),
        time_zone=request.time_zone or time_zone,
        manager_chain=chain,
        settings=UserSettings().model_dump(exclude_none=True),
        version=1,
        created_at=clock.api_instant(now),
    )
    return body


def _manager(org_id: str, manager_id: str | None) -> Item | None:
    if manager_id is None:
        return None
    manager = repository.user(org_id, manager_id) if is_id(manager_id) else None
    if manager is None:
        raise Invalid(
            "The manager is not a user of this organisation.",
            errors=[field_error("manager_id", "unknown user")],
        )
    return manager


def _check_placement(org_id: str, company_id: str | None, location_id: str | None) -> None:
    if company_id and repository.company(org_id, company_id) is None:
        raise Invalid("Unknown company.", errors=[field_error("company_id", "unknown company")])
    if location_id and (
        not company_id or repository.location(org_id, company_id, location_id) is None
    ):
        raise Invalid(
            "The location must be one of the user's company's locations.",
            errors=[field_error("location_id", "unknown location for this company")],
        )


def _check_accounts(org_id: str, account_ids: list[str] | None) -> None:
    """A customer's accounts must be the org's (the accounts context answers, and is
    imported only when some are named)."""
    if not account_ids:
        return
    known: set[str] = set().union(*domain_events.ask(AccountsKnown(org_id, account_ids)))
    unknown = [i for i, aid in enumerate(account_ids) if aid not in known]
    if unknown:
        raise Invalid(
            "These are not accounts of this organisation.",
            errors=[field_error(f"account_ids.{i}", "unknown account") for i in unknown],
        )


def create_user(principal: Principal, request: UserCreate) -> User:
    principal.require_admin()
    org_item = org_or_404(principal.org_id)
    manager = _manager(principal.org_id, request.manager_id)
    _check_placement(principal.org_id, request.company_id, request.location_id)
    _check_accounts(principal.org_id, request.account_ids)
    now, user_id = clock.now(), new_id()
    chain = rules.manager_chain(request.manager_id, (manager or {}).get("manager_chain", []))
    body = _new_user_body(
        user_id, request, time_zone=org_item.get("time_zone", "UTC"), chain=chain, now=now
    )
    signs_in = is_active(body)  # whose Cognito user may sign in
    body["sign_in_sub"] = sub = sign_in.create_member(
        principal.org_id, body["email"], invite=signs_in
    )
    if not signs_in:
        sign_in.disable(sub)
    _write_with_member(
        sub,
        [
            transactions.put_new(repository.user_item(principal.org_id, body)),
            transactions.put_new(sign_in.sign_in_item(principal.org_id, sub, user_id)),
            transactions.put_new(
                repository.email_marker(principal.org_id, body["email"], user_id),
                on_condition_failed=_email_taken,
            ),
            *[
                transactions.put(marker)
                for marker in repository.role_markers(
                    principal.org_id, user_id, list(body["roles"])
                )
            ],
            activity.record(
                org_id=principal.org_id,
                entity_id=user_id,
                entity_kind="user",
                actor_id=principal.user_id,
                action="user_created",
                at=now,
                changes={k: {"before": None, "after": body.get(k)} for k in ("name", "roles")},
            ),
        ],
    )
    return user_view(body)


def patch_user(principal: Principal, user_id: str, patch: UserPatch) -> User:
    principal.require_admin()
    changes = patch.model_dump(exclude_unset=True)
    current, manager = _user_and_manager(principal.org_id, user_id, changes)
    not_nullable = [
        name
        for name, value in changes.items()
        if value is None and name not in NULLABLE_USER_FIELDS
    ]
    if not_nullable:
        raise Invalid(
            "These fields cannot be cleared.",
            errors=[field_error(name, "may not be null") for name in not_nullable],
        )
    updated = {**current, **changes}
    if "company_id" in changes or "location_id" in changes:  # kept placements stay valid
        _check_placement(principal.org_id, updated.get("company_id"), updated.get("location_id"))
    _check_accounts(principal.org_id, changes.get("account_ids"))
    ops: list[transactions.Op] = []
    job_id = _reorganisation(principal.org_id, user_id, current, changes, manager, updated)
    if "email" in changes:
        changes["email"] = updated["email"] = changes["email"].lower()
    if "email" in changes and changes["email"] != current.get("email"):
        ops += [
            transactions.delete(keys.email_marker_key(principal.org_id, current["email"])),
            transactions.put_new(
                repository.email_marker(principal.org_id, changes["email"], user_id),
                on_condition_failed=_email_taken,
            ),
        ]
    if "roles" in changes:
        ops += _role_marker_changes(
            principal.org_id, user_id, current.get("roles") or [], changes["roles"]
        )
    audit = activity.changed_fields(current, changes)
    ops = [
        transactions.put_versioned(
            repository.user_item(principal.org_id, updated), current.get("version", 1)
        ),
        activity.record(
            org_id=principal.org_id,
            entity_id=user_id,
            entity_kind="user",
            actor_id=principal.user_id,
            action="user_updated",
            at=clock.now(),
            changes=audit,
        ),
        *ops,
    ]
    _write_followed_by_sign_in(current, updated, ops)
    forget_cached(principal.org_id, user_id)
    if job_id is not None:
        reorganising.start(principal.org_id, user_id, job_id)
    if changes.get("name") is not None and changes.get("name") != current.get("name"):
        _tell_goals_renamed(principal.org_id, user_id, changes["name"])
    return user_view(updated)


def _user_and_manager(
    org_id: str, user_id: str, changes: dict[str, Any]
) -> tuple[Item, Item | None]:
    """The user, and the new manager if the patch names one: one round trip for both."""
    manager_id = changes.get("manager_id")
    if not is_id(user_id):
        raise NotFound("User not found.")
    wanted = [user_id] + ([manager_id] if manager_id and is_id(manager_id) else [])
    found = repository.users(org_id, wanted)
    if user_id not in found:
        raise NotFound("User not found.")
    if manager_id is not None and manager_id not in found:
        raise Invalid(
            "The manager is not a user of this organisation.",
            errors=[field_error("manager_id", "unknown user")],
        )
    return found[user_id], found.get(manager_id) if manager_id else None


def _reorganisation(
    org_id: str,
    user_id: str,
    current: Item,
    changes: dict[str, Any],
    manager: Item | None,
    updated: Item,
) -> str | None:
    """A new manager: the user's own chain now, a job for everyone below. Returns the
    job's id (also the marker on the user), or None when the manager stays. A PATCH that
    repeats a move still marked pending queues its job again (the same message: SQS drops
    it if it is still queued), so a request that failed after its write heals on retry."""
    if "manager_id" not in changes:
        return None
    if changes["manager_id"] == current.get("manager_id"):
        pending = current.get(reorganising.MARKER)
        return str(pending) if pending else None
    manager_chain = list((manager or {}).get("manager_chain") or [])
    ancestors = repository.users(org_id, manager_chain) if manager_chain else {}
    reorganising.check_chain_settled(manager, ancestors)  # first: a stale chain proves nothing
    rules.check_no_management_cycle(user_id, changes["manager_id"], manager_chain)
    updated["manager_chain"] = rules.manager_chain(changes["manager_id"], manager_chain)
    updated[reorganising.MARKER] = job_id = reorganising.new_job_id()
    return job_id


def _write_followed_by_sign_in(current: Item, updated: Item, ops: list[transactions.Op]) -> None:
    """Cognito follows the user: a new email becomes the sign-in name (changed first, so a
    refusal because another member signs in with it changes nothing), deactivation
    disables the pool user and signs it out everywhere, reactivation enables it."""
    sub = current.get("sign_in_sub")
    new_email = updated["email"] if sub and updated["email"] != current["email"] else None
    if sub and new_email:
        sign_in.change_email(sub, new_email)
    try:
        transactions.write(ops)
    except Exception:
        if sub and new_email:
            sign_in.change_email(sub, current["email"])
        raise
    if not sub:
        return
    was, now = is_active(current), is_active(updated)
    if was and not now:
        sign_in.disable(sub)
    elif now and not was:
        sign_in.enable(sub)


def _tell_goals_renamed(org_id: str, user_id: str, new_name: str) -> None:
    """Goals keep their owner's name (type-ahead), so they follow renames: told after the
    user's own write, as a domain event (the OKR context subscribes; see momentum.wiring).
    A manager change reaches goals through the reorganisation job."""
    domain_events.publish(UserRenamed(org_id, user_id, new_name))


def _role_marker_changes(
    org_id: str, user_id: str, before: list[str], after: list[str]
) -> list[transactions.Op]:
    removed = [role for role in before if role not in after]
    added = [role for role in after if role not in before]
    return [
        transactions.delete(keys.role_marker_key(org_id, role, user_id)) for role in removed
    ] + [transactions.put(marker) for marker in repository.role_markers(org_id, user_id, added)]
