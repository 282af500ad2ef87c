"""Settings use cases: the org's settings (admins) and the caller's own settings.

Both PATCHes merge with one rule (identity/rules.merge): fields left out keep their
value, nested objects merge field by field, `null` resets a field to its default.
"""

from __future__ import annotations

from momentum.core import clock, outbound
from momentum.core.problems import NotFound
from momentum.frame import org as org_cache
from momentum.frame.principal import Principal, forget_cached
from momentum.identity import repository, rules, service
from momentum.identity.models import Me, UserSettings, UserSettingsPatch
from momentum.identity.org_models import (
    CheckinReminders,
    ModulesSettings,
    OrgSettings,
    OrgSettingsPatch,
    SlackSettingsView,
)
from momentum.store import activity, transactions
from momentum.store.codec import Item

# What `null` resets a settings field to (rules.merge); fields missing here cannot be null.
USER_SETTINGS_DEFAULTS = UserSettings().model_dump(exclude_none=True)
ORG_SETTINGS_DEFAULTS = {
    "modules": ModulesSettings().model_dump(),
    "checkin_reminders": CheckinReminders().model_dump(),
    "fiscal_year_start_month": 1,
}


def _org_settings_view(item: Item) -> OrgSettings:
    return OrgSettings(
        org_id=item["org_id"],
        name=item["name"],
        time_zone=item.get("time_zone", "UTC"),
        modules=ModulesSettings.model_validate(item.get("modules") or {}),
        checkin_reminders=CheckinReminders.model_validate(item.get("checkin_reminders") or {}),
        fiscal_year_start_month=int(item.get("fiscal_year_start_month") or 1),
        slack=SlackSettingsView(
            configured=bool(item.get("slack_webhook_url")),
            webhook_url=rules.mask_secret_url(item.get("slack_webhook_url")),
        ),
        version=item.get("version", 1),
    )


def org_settings(principal: Principal) -> OrgSettings:
    return _org_settings_view(service.org_or_404(principal.org_id))


def patch_org_settings(principal: Principal, patch: OrgSettingsPatch) -> OrgSettings:
    principal.require_admin()
    current = service.org_or_404(principal.org_id)
    changes = patch.model_dump(exclude_unset=True)
    slack_given = "slack" in changes
    slack = changes.pop("slack", None) or {}
    updated = rules.merge(current, changes, ORG_SETTINGS_DEFAULTS)
    if slack_given:
        updated["slack_webhook_url"] = outbound.slack_webhook(slack.get("webhook_url"))
        if not updated["slack_webhook_url"]:
            updated.pop("slack_webhook_url")
    ModulesSettings.model_validate(updated.get("modules") or {})
    CheckinReminders.model_validate(updated.get("checkin_reminders") or {})
    audit = activity.changed_fields(
        {k: current.get(k) for k in changes}, {k: updated.get(k) for k in changes}
    )
    if slack_given:
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
    return Me(**service.user_view(user_item).model_dump(), settings=settings)


def patch_my_settings(principal: Principal, patch: UserSettingsPatch) -> Me:
    current = repository.user(principal.org_id, principal.user_id)
    if current is None:
        raise NotFound("User not found.")
    changes = patch.model_dump(exclude_unset=True)
    updated = dict(current)
    updated["settings"] = rules.merge(
        current.get("settings") or {}, changes, USER_SETTINGS_DEFAULTS
    )
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
                changes=activity.changed_fields(
                    current.get("settings") or {},
                    {k: updated["settings"].get(k) for k in changes},
                ),
            ),
        ]
    )
    forget_cached(principal.org_id, principal.user_id)
    return me(principal)
