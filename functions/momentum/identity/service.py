"""Identity use cases: orgs, users, settings, companies, locations, activity."""

from __future__ import annotations

from typing import Any

from momentum.core import clock
from momentum.core import org as org_cache
from momentum.core.ids import is_id, new_id
from momentum.core.principal import Principal, forget_cached
from momentum.core.problems import Conflict, Invalid, NotFound, field_error
from momentum.core.text import fold
from momentum.identity import keys, repository, rules
from momentum.identity.models import (
    CheckinReminders,
    Me,
    ModulesSettings,
    OrgCreate,
    OrgSettings,
    OrgSettingsPatch,
    SlackSettingsView,
    User,
    UserCreate,
    UserPatch,
    UserSettings,
    UserSettingsPatch,
)
from momentum.store import activity, transactions
from momentum.store.codec import Item

PUBLIC_USER_FIELDS = set(User.model_fields)
NULLABLE_USER_FIELDS = {"manager_id", "company_id", "location_id"}


def _email_taken() -> Conflict:
    return Conflict("A user with this email already exists in the organisation.")


def _user_view(item: Item) -> User:
    return User.model_validate({k: v for k, v in item.items() if k in PUBLIC_USER_FIELDS})


# --- organisations -------------------------------------------------------------------


def create_org(request: OrgCreate) -> tuple[str, str]:
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
    transactions.write(
        [
            transactions.put_new(org_item),
            transactions.put_new(repository.user_item(org_id, admin)),
            transactions.put_new(repository.email_marker(org_id, admin["email"], admin_id)),
            *[transactions.put(m) for m in repository.role_markers(org_id, admin_id, ["admin"])],
        ]
    )
    return org_id, admin_id


def _org_or_404(org_id: str) -> Item:
    item = repository.org(org_id)
    if item is None:
        raise NotFound("Organisation not found.")
    return item


def _org_settings_view(item: Item) -> OrgSettings:
    return OrgSettings(
        org_id=item["org_id"],
        name=item["name"],
        time_zone=item.get("time_zone", "UTC"),
        modules=ModulesSettings.model_validate(item.get("modules") or {}),
        checkin_reminders=CheckinReminders.model_validate(item.get("checkin_reminders") or {}),
        slack=SlackSettingsView(
            configured=bool(item.get("slack_webhook_url")),
            webhook_url=rules.mask_secret_url(item.get("slack_webhook_url")),
        ),
        version=item.get("version", 1),
    )


def org_settings(principal: Principal) -> OrgSettings:
    return _org_settings_view(_org_or_404(principal.org_id))


def patch_org_settings(principal: Principal, patch: OrgSettingsPatch) -> OrgSettings:
    principal.require_admin()
    current = _org_or_404(principal.org_id)
    changes = patch.model_dump(exclude_none=True)
    slack = changes.pop("slack", None)
    updated = rules.merge(current, changes)
    if slack is not None:
        updated["slack_webhook_url"] = slack.get("webhook_url")
        if not updated["slack_webhook_url"]:
            updated.pop("slack_webhook_url")
    # A PATCH of one module leaves the others as they were.
    ModulesSettings.model_validate(updated.get("modules") or {})
    audit = activity.changed_fields(
        {k: current.get(k) for k in changes}, {k: updated.get(k) for k in changes}
    )
    if slack is not None:
        audit["slack"] = {"before": "…", "after": "…"}  # never log the webhook secret
    transactions.write(
        [
            transactions.put_versioned(updated, current.get("version", 1)),
            activity.record(
                org_id=principal.org_id,
                entity_id=principal.org_id,
                entity_kind="org",
                actor_id=principal.user_id,
                action="org_settings_updated",
                at=clock.now(),
                changes=audit,
            ),
        ]
    )
    updated["version"] = current.get("version", 1) + 1
    org_cache.clear_cache()
    return _org_settings_view(updated)


# --- the caller ------------------------------------------------------------------------


def me(principal: Principal) -> Me:
    user_item, org_item = repository.user_and_org(principal.org_id, principal.user_id)
    if user_item is None:
        raise NotFound("User not found.")
    settings = UserSettings.model_validate(user_item.get("settings") or {})
    if settings.time_zone is None:
        settings.time_zone = user_item.get("time_zone") or (org_item or {}).get("time_zone", "UTC")
    return Me(**_user_view(user_item).model_dump(), settings=settings)


def patch_my_settings(principal: Principal, patch: UserSettingsPatch) -> Me:
    current = repository.user(principal.org_id, principal.user_id)
    if current is None:
        raise NotFound("User not found.")
    changes = patch.model_dump(exclude_none=True)
    updated = dict(current)
    updated["settings"] = rules.merge(current.get("settings") or {}, changes)
    if "time_zone" in changes:
        updated["time_zone"] = changes["time_zone"]  # sweeps read the user's zone here
    transactions.write(
        [
            transactions.put_versioned(updated, current.get("version", 1)),
            activity.record(
                org_id=principal.org_id,
                entity_id=principal.user_id,
                entity_kind="user",
                actor_id=principal.user_id,
                action="settings_updated",
                at=clock.now(),
                changes=activity.changed_fields(current.get("settings") or {}, changes),
            ),
        ]
    )
    forget_cached(principal.org_id, principal.user_id)
    return me(principal)


# --- users -----------------------------------------------------------------------------


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


def create_user(principal: Principal, request: UserCreate) -> User:
    principal.require_admin()
    org_item = _org_or_404(principal.org_id)
    manager = _manager(principal.org_id, request.manager_id)
    _check_placement(principal.org_id, request.company_id, request.location_id)
    now, user_id = clock.now(), new_id()
    chain = rules.manager_chain(request.manager_id, (manager or {}).get("manager_chain", []))
    body = _new_user_body(
        user_id, request, time_zone=org_item.get("time_zone", "UTC"), chain=chain, now=now
    )
    transactions.write(
        [
            transactions.put_new(repository.user_item(principal.org_id, body)),
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
        ]
    )
    return _user_view(body)


def get_user(principal: Principal, user_id: str) -> User:
    item = repository.user(principal.org_id, user_id) if is_id(user_id) else None
    if item is None:
        raise NotFound("User not found.")
    return _user_view(item)


def list_users(
    principal: Principal, q: str | None, limit: int, cursor: str | None
) -> tuple[list[User], str | None]:
    prefix = fold(q) if q else None
    if prefix and "@" in prefix:
        found = repository.user_by_email(principal.org_id, prefix)
        return ([_user_view(found)] if found else []), None
    items, next_cursor = repository.directory_page(principal.org_id, prefix, limit, cursor)
    return [_user_view(item) for item in items], next_cursor


def patch_user(principal: Principal, user_id: str, patch: UserPatch) -> User:
    principal.require_admin()
    current = repository.user(principal.org_id, user_id) if is_id(user_id) else None
    if current is None:
        raise NotFound("User not found.")
    changes = patch.model_dump(exclude_unset=True)
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
    _check_placement(principal.org_id, updated.get("company_id"), updated.get("location_id"))
    ops: list[transactions.Op] = []
    reorganised: dict[str, list[str]] = {}
    if "manager_id" in changes and changes["manager_id"] != current.get("manager_id"):
        manager = _manager(principal.org_id, changes["manager_id"])
        manager_chain = (manager or {}).get("manager_chain", [])
        rules.check_no_management_cycle(user_id, changes["manager_id"], manager_chain)
        updated["manager_chain"] = rules.manager_chain(changes["manager_id"], manager_chain)
        reorganised = {
            user_id: updated["manager_chain"],
            **_new_chains_below(principal.org_id, user_id, updated["manager_chain"]),
        }
        ops += [
            transactions.update(
                keys.user_key(principal.org_id, uid), "SET manager_chain = :c", values={":c": chain}
            )
            for uid, chain in reorganised.items()
            if uid != user_id
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
    if len(ops) > transactions.MAX_TRANSACTION_ITEMS:
        raise Conflict("This reorganisation moves too many people at once; move sub-teams first.")
    transactions.write(ops)
    forget_cached(principal.org_id, user_id)
    renamed = changes.get("name") if changes.get("name") != current.get("name") else None
    _tell_goals(principal.org_id, user_id, renamed, reorganised)
    return _user_view(updated)


def _tell_goals(
    org_id: str, user_id: str, new_name: str | None, chains: dict[str, list[str]]
) -> None:
    """Goals keep their owner's name (type-ahead) and manager chain (private goals) on
    them, so they follow renames and reorganisations. Done after the user's own write:
    the OKR context's import is paid only by such changes."""
    if new_name is None and not chains:
        return
    from momentum.okrs import service as okrs

    if new_name is not None:
        okrs.owner_renamed(org_id, user_id, new_name)
    for owner_id, chain in chains.items():
        okrs.owner_reorganised(org_id, owner_id, chain)


def _role_marker_changes(
    org_id: str, user_id: str, before: list[str], after: list[str]
) -> list[transactions.Op]:
    removed = [role for role in before if role not in after]
    added = [role for role in after if role not in before]
    return [
        transactions.delete(keys.role_marker_key(org_id, role, user_id)) for role in removed
    ] + [transactions.put(marker) for marker in repository.role_markers(org_id, user_id, added)]


def _new_chains_below(org_id: str, user_id: str, chain: list[str]) -> dict[str, list[str]]:
    """Everyone below `user_id` with the chain they get above them (bounded by one
    transaction's size: a larger move is refused by the caller)."""
    chains: dict[str, list[str]] = {}
    frontier = [(user_id, chain)]
    while frontier and len(chains) < transactions.MAX_TRANSACTION_ITEMS:
        manager_id, manager_chain = frontier.pop()
        for report in repository.direct_reports(org_id, manager_id):
            chains[report["id"]] = rules.manager_chain(manager_id, manager_chain)
            frontier.append((report["id"], chains[report["id"]]))
    return chains


def users_by_id(org_id: str, user_ids: list[str]) -> dict[str, Item]:
    """User items by id (one round trip for up to 100): names, emails, zones, settings."""
    return repository.users(org_id, [uid for uid in user_ids if uid and is_id(uid)])


def user_item(org_id: str, user_id: str) -> Item | None:
    return repository.user(org_id, user_id) if is_id(user_id) else None


def administrators(org_id: str) -> list[Item]:
    """The org's admins and location admins (user items), from the role index."""
    ids = repository.holders_of(org_id, "admin") + repository.holders_of(org_id, "location_admin")
    return list(users_by_id(org_id, ids).values())


def company_location_ids(principal: Principal, company_id: str) -> set[str]:
    """The ids of a company's locations (404 if the company is unknown)."""
    from momentum.identity import places

    return {location.id for location in places.list_locations(principal, company_id)}


def user_by_email(org_id: str, email: str) -> Item | None:
    """The org's user with this email (case-insensitive), or None."""
    return repository.user_by_email(org_id, email)
