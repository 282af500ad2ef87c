"""Which context reacts to which domain event: the one map (core/domain_events.py).

Imported by the handlers package, so every Lambda has these subscriptions before its
first request. Each subscriber imports its context's service inside the function: the
identity function pays for the OKR context only when a user is renamed, the activity
reader only for the kind of entity it is showing. This module sits above the contexts
(like the handlers); no context imports it.
"""

from __future__ import annotations

from typing import Any

from momentum.core.domain_events import (
    AccountsKnown,
    ActivityAccess,
    ActivityShown,
    DirectoryGroupMembers,
    EntityVisibility,
    EventGoingOut,
    UserRenamed,
    UserReorganised,
    subscribe,
)

# --- identity's changes, told to OKRs ---------------------------------------------------


@subscribe(UserRenamed)
def goals_follow_owner_rename(event: UserRenamed) -> None:
    from momentum.okrs import service as okrs

    okrs.owner_renamed(event.org_id, event.user_id, event.name)


@subscribe(UserReorganised)
def goals_follow_owner_chain(event: UserReorganised) -> None:
    from momentum.okrs import service as okrs

    okrs.owner_reorganised(event.org_id, event.user_id, event.manager_chain)


# --- outbound events: webhook deliveries commit with the event ---------------------------


@subscribe(EventGoingOut)
def webhook_deliveries(question: EventGoingOut) -> list[Any]:
    from momentum.webhooks_out import deliveries

    return list(deliveries.new_deliveries(question.org_id, question.event, question.now))


@subscribe(EntityVisibility, "goal")
def goal_visibility(question: EntityVisibility) -> str | None:
    from momentum.okrs import service as okrs

    goal = okrs.goal_item(question.org_id, question.entity_id)
    return None if goal is None else str(goal.get("visibility", "public"))


# --- directory groups (SCIM), for the 1:1 report's filter ------------------------------


@subscribe(DirectoryGroupMembers)
def directory_group_members(question: DirectoryGroupMembers) -> set[str] | None:
    from momentum.scim import service as directory

    return directory.group_member_ids(question.org_id, question.group_id)


# --- questions identity asks ------------------------------------------------------------


@subscribe(AccountsKnown)
def accounts_known(question: AccountsKnown) -> set[str]:
    from momentum.accounts import service as accounts

    return accounts.known_account_ids(question.org_id, question.account_ids)


# --- the activity log's readers: each kind's context decides who may see it ----------


@subscribe(ActivityAccess, "goal")
@subscribe(ActivityAccess, "cycle")
def okrs_activity_access(question: ActivityAccess) -> bool:
    from momentum.okrs import service

    return service.can_view_activity(question.reader, question.entity_id)


@subscribe(ActivityAccess, "action_plan")
def action_plans_activity_access(question: ActivityAccess) -> bool:
    from momentum.action_plans import service

    return service.can_view_activity(question.reader, question.entity_id)


@subscribe(ActivityAccess, "series")
@subscribe(ActivityAccess, "meeting")
def one_on_ones_activity_access(question: ActivityAccess) -> bool:
    from momentum.one_on_ones import service

    return service.can_view_activity(question.reader, question.entity_id)


@subscribe(ActivityAccess, "engagement")
@subscribe(ActivityAccess, "engagement_template")
def coaching_activity_access(question: ActivityAccess) -> bool:
    from momentum.coaching import service

    return service.can_view_activity(question.reader, question.entity_id)


@subscribe(ActivityAccess, "account")
@subscribe(ActivityAccess, "plan_template")
def accounts_activity_access(question: ActivityAccess) -> bool:
    from momentum.accounts import service

    return service.can_view_activity(question.reader, question.entity_id)


@subscribe(ActivityAccess, "scim_token")
@subscribe(ActivityAccess, "directory_group")
def scim_activity_access(question: ActivityAccess) -> bool:
    from momentum.scim import service

    return service.can_view_activity(question.reader, question.entity_id)


@subscribe(ActivityAccess, "webhook_subscription")
def webhooks_activity_access(question: ActivityAccess) -> bool:
    from momentum.webhooks_out import service

    return service.can_view_activity(question.reader, question.entity_id)


# Entries that say more than every reader of the entity may know: dropped or redacted.
@subscribe(ActivityShown, "goal")
def okrs_activity_shown(question: ActivityShown) -> list[dict[str, Any]]:
    from momentum.okrs import service

    return service.activity_seen_by(question.reader, question.entity_id, question.entries)


@subscribe(ActivityShown, "engagement")
def coaching_activity_shown(question: ActivityShown) -> list[dict[str, Any]]:
    from momentum.coaching import service

    return service.activity_seen_by(question.reader, question.entity_id, question.entries)
