"""Identity use cases: orgs, users, settings, companies, locations, activity."""

from __future__ import annotations

from momentum.core import clock
from momentum.core import org as org_cache
from momentum.core.ids import is_id
from momentum.core.principal import Principal, forget_cached
from momentum.core.problems import Conflict, NotFound
from momentum.core.text import fold
from momentum.identity import repository, rules
from momentum.identity.models import (
    CheckinReminders,
    Me,
    ModulesSettings,
    OrgSettings,
    OrgSettingsPatch,
    SlackSettingsView,
    User,
    UserSettings,
    UserSettingsPatch,
)
from momentum.store import activity, transactions
from momentum.store.codec import Item

PUBLIC_USER_FIELDS = set(User.model_fields)


def _email_taken() -> Conflict:
    return Conflict("A user with this email already exists in the organisation.")


def _user_view(item: Item) -> User:
    return User.model_validate({k: v for k, v in item.items() if k in PUBLIC_USER_FIELDS})


# --- organisations -------------------------------------------------------------------


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
