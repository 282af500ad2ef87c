"""Installing and uninstalling the org's Slack app (admins).

Installing asks Slack who the token belongs to (`auth.test`), so the workspace's team id
is Slack's answer, never the admin's word; a workspace another org has installed is a
conflict. The token and the signing secret are sealed with KMS (notify.slack_install)
and are never answered, logged or put in the activity log.
"""

from __future__ import annotations

from momentum.core import clock
from momentum.core.problems import Conflict, Invalid, NotFound
from momentum.frame.principal import Principal
from momentum.notify import api as slack_install
from momentum.notify.api import DeliveryFailed, call, web_client
from momentum.slack.models import SlackAppInstall, SlackAppInstalled
from momentum.store import activity, table, transactions
from momentum.store.schema import GSI_BY_LOOKUP


def _who_is(request: SlackAppInstall) -> dict[str, str]:
    probe = slack_install.Installation(
        org_id="", team_id="", bot_user_id="", bot_token=request.bot_token, signing_secret=""
    )
    try:
        answer = call(web_client(probe), "auth.test")
    except DeliveryFailed as refused:  # invalid_auth, account_inactive, unreachable...
        raise Invalid(
            f"Slack did not accept the bot token ({refused.reason}).",
            errors=[{"path": "bot_token", "message": "Slack refused this token."}],
        ) from refused
    return {key: str(answer.get(key) or "") for key in ("team_id", "team", "user_id")}


def install(principal: Principal, request: SlackAppInstall) -> SlackAppInstalled:
    principal.require_admin()
    org_id = principal.org_id
    who = _who_is(request)
    if not who["team_id"]:
        raise Invalid("Slack did not name the workspace of this token.")
    holders = table.query(slack_install.team_partition(who["team_id"]), index=GSI_BY_LOOKUP).items
    if any(item["org_id"] != org_id for item in holders):
        raise Conflict("This Slack workspace is already connected to another organisation.")
    now = clock.now()
    item = slack_install.install_item(
        org_id,
        team_id=who["team_id"],
        team_name=who["team"],
        bot_user_id=who["user_id"],
        bot_token=request.bot_token,
        signing_secret=request.signing_secret,
        installed_by=principal.user_id,
        installed_at=clock.api_instant(now),
    )
    previous = table.get(slack_install.install_key(org_id))
    previous_team = str(previous["team_id"]) if previous else None
    transactions.write(
        [
            transactions.put(item),
            activity.record(
                org_id=org_id,
                entity_id=org_id,
                entity_kind="org",
                actor_id=principal.user_id,
                action="slack_app_installed",
                at=now,
                changes={"slack_app": {"before": previous_team, "after": who["team_id"]}},
            ),
        ]
    )  # fmt: skip
    slack_install.forget(org_id, previous_team)
    slack_install.forget(org_id, who["team_id"])
    return SlackAppInstalled(
        team_id=who["team_id"],
        team_name=who["team"],
        bot_user_id=who["user_id"],
        installed_by=principal.user_id,
        installed_at=item["installed_at"],
    )


def installed(principal: Principal) -> SlackAppInstalled:
    """Which workspace is connected, by whom and when; never a secret."""
    principal.require_admin()
    item = table.get(slack_install.install_key(principal.org_id))
    if item is None:
        raise NotFound("The Slack app is not installed.")
    return SlackAppInstalled(
        team_id=item["team_id"],
        team_name=item.get("team_name", ""),
        bot_user_id=item.get("bot_user_id", ""),
        installed_by=item["installed_by"],
        installed_at=item["installed_at"],
    )


def uninstall(principal: Principal) -> None:
    principal.require_admin()
    org_id = principal.org_id
    previous = table.get(slack_install.install_key(org_id))
    if previous is None:
        raise NotFound("The Slack app is not installed.")
    transactions.write(
        [
            transactions.delete(slack_install.install_key(org_id)),
            activity.record(
                org_id=org_id,
                entity_id=org_id,
                entity_kind="org",
                actor_id=principal.user_id,
                action="slack_app_uninstalled",
                at=clock.now(),
                changes={"slack_app": {"before": previous["team_id"], "after": None}},
            ),
        ]
    )
    slack_install.forget(org_id, previous["team_id"])
