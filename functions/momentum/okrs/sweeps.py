"""Check-in reminders: one message per owner per period listing every goal of theirs in
progress (open and started; overdue ones too, until closed) of a current cycle, with no
check-in within the cadence period. With the org's Slack app it is a DM naming every goal
(email for an owner Slack does not know); on the org's webhook (a shared channel) private
goals are counted, never named.

Each open goal sits in the due index at its owner's next reminder instant (moved to the
next period's instant by a check-in, removed by closing). The due sort key is
`instant#owner#goal`, so an owner's goals due at one instant are adjacent in one shard:
the sweep reads each due goal once, groups them, reads the owner once, delivers (the
ledger makes it exactly once per owner and period) and re-arms each goal on the condition
that its due entry is still the one read. Nothing else is read: the cost follows the
goals due, not the size of the table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from momentum.core import clock
from momentum.core.membership import is_active
from momentum.frame import org as org_cache
from momentum.frame.sweeps import Budget, Summary, due_pages, entries_failed, out_of_time
from momentum.identity import service as identity
from momentum.notify.api import installation
from momentum.notify.service import Notification, deliver
from momentum.okrs import cadence, cycles, keys, views
from momentum.store import transactions
from momentum.store.codec import Item

KIND = "checkin_reminder"
PERIOD_WORDS = {"weekly": "week", "biweekly": "two weeks", "monthly": "month"}


def send_checkin_reminders(now: datetime, budget: Budget) -> Summary:
    summary = Summary(details={"reminders": 0})
    shards = budget.shards
    for position, shard in enumerate(shards):
        group: list[Item] = []
        for page in due_pages(keys.REMINDER_SWEEP, shard, now):
            for item in page:
                if group and keys.reminder_group(item["due_sk"]) != keys.reminder_group(
                    group[0]["due_sk"]
                ):
                    _remind_isolated(group, now, summary)
                    group = []
                    if out_of_time(summary, budget, shards[position:]):
                        return summary
                group.append(item)
        if group:
            _remind_isolated(group, now, summary)
        if position + 1 < len(shards) and out_of_time(summary, budget, shards[position + 1 :]):
            return summary
    return summary


def _remind_isolated(goals: list[Item], now: datetime, summary: Summary) -> None:
    """One owner's failure is logged and backed off (frame.sweeps), never the whole run's."""
    try:
        remind_owner(goals, now, summary)
    except Exception:
        entries_failed(keys.REMINDER_SWEEP, goals, now)
        summary.failed += len(goals)


def remind_owner(goals: list[Item], now: datetime, summary: Summary) -> None:
    """One owner's goals due at one instant: remind about those not checked in, re-arm all."""
    org_id, owner_id = goals[0]["org_id"], goals[0]["owner_id"]
    org = org_cache.org_item(org_id)
    owner = identity.user_item(org_id, owner_id) or {}
    rhythm = cadence.Cadence.of_org(org)
    zone = owner.get("time_zone") or org.get("time_zone")
    period = cadence.current_period(now, rhythm, zone)
    this_reminder = cadence.reminder_instant(period, rhythm, zone)
    summary.due += len(goals)
    if this_reminder > now:
        # the cadence or the owner's zone changed since this goal was armed: wait for it
        _rearm(goals, org_id, this_reminder)
        summary.skipped += len(goals)
        return
    began = min(
        clock.key_instant(cadence.start_instant(period, zone)),
        clock.key_instant(cadence.one_period_before(now, rhythm.every)),
    )
    today = clock.local_date(now, zone).isoformat()
    pending = [g for g in goals if wants_reminder(g, today, began)]
    sent = False
    if pending and is_active(owner):
        sent = _deliver(org, owner, pending, period, rhythm, now, today)
    following = cadence.next_period_start(period, rhythm.every)
    _rearm(goals, org_id, cadence.reminder_instant(following, rhythm, zone))
    summary.done += len(pending) if sent else 0
    summary.skipped += len(goals) - (len(pending) if sent else 0)
    summary.details["reminders"] += int(sent)


def wants_reminder(goal: Item, today: str, checked_in_since: str) -> bool:
    """Named in a reminder: a goal in progress, of a current cycle, that its owner has not
    checked in on within the cadence period (since the period began, or within one
    cadence length: a check-in yesterday counts, even if it was last period's)."""
    return (
        in_progress(goal, today)
        and in_current_cycle(goal, today)
        and goal.get("last_checkin_at", "") < checked_in_since
    )


def in_current_cycle(goal: Item, today: str) -> bool:
    """A cycle is current from its start until it is closed: a goal of a later cycle waits
    for it to start; an overdue one of an ended cycle is named until the cycle closes.
    Goals written before cycles existed have none and keep being reminded about."""
    if not goal.get("cycle_id"):
        return True
    if goal.get("cycle_closed"):
        return False
    cycle = cycles.cycle_by_id(goal["org_id"], goal["cycle_id"])
    return cycle is not None and cycle.get("state") != "closed" and cycle["start_date"] <= today


def in_progress(goal: Item, today: str) -> bool:
    """Named in a reminder: open goals that have started. A goal past its due date that is
    still open keeps being named (it still wants an update, or closing) until closed."""
    return not goal.get("closed") and goal["start_date"] <= today


def _goal_lines(goals: list[Item], today: str) -> list[dict[str, Any]]:
    return [
        {
            "id": g["id"],
            "title": g["title"],
            "progress": g["progress"],
            "status": g["status"],
            "due_date": g["due_date"],
            "overdue": g["due_date"] < today,
            "web": views.links(g["id"]).web,
        }
        for g in sorted(goals, key=lambda g: (g["due_date"], g["title"]))
    ]


def _deliver(
    org: Item,
    owner: Item,
    goals: list[Item],
    period: Any,
    rhythm: cadence.Cadence,
    now: datetime,
    today: str,
) -> bool:
    switches = (owner.get("settings") or {}).get("notifications") or {}
    count = len(goals)
    word = PERIOD_WORDS.get(rhythm.every, "period")
    base = Notification(
        org_id=org["org_id"],
        kind=KIND,
        recipient_id=owner["id"],
        subject_id="checkins",
        occurrence=period.isoformat(),
        subject=f"Time to check in: {count} goal{'s' if count != 1 else ''} without an update "
        f"this {word}",
        why=f"you own goals with no check-in this {word}",
        context={
            "name": owner.get("name", ""),
            "period": word,
            "period_start": period.isoformat(),
            "goals": _goal_lines(goals, today),
            "private_count": 0,
        },
    )
    channels = (org.get("checkin_reminders") or {}).get("channels") or ["email"]
    wants_email = switches.get("checkin_reminder_email", True) and bool(owner.get("email"))
    wants_slack = "slack" in channels and switches.get("checkin_reminder_slack", True)
    if wants_slack and owner.get("email") and installation(org["org_id"]) is not None:
        # The Slack app: a DM to the owner naming every goal (email if Slack lacks them)
        dm = msgspec.structs.replace(
            base, channel="slack_dm", to_email=owner["email"], email_fallback=bool(wants_email),
            opt_out="Check-in reminders on Slack", email_opt_out="Check-in reminder emails",
        )  # fmt: skip
        return deliver(dm, now)
    sent = False
    if "email" in channels and wants_email:
        email = msgspec.structs.replace(
            base, to_email=owner["email"], opt_out="Check-in reminder emails"
        )
        sent = deliver(email, now) or sent
    webhook = org.get("slack_webhook_url")
    if wants_slack and webhook:
        # the org's webhook posts to a shared channel: private goals are counted, not named
        public = [g for g in goals if g.get("visibility") == "public"]
        slack = msgspec.structs.replace(
            base,
            channel="slack",
            slack_webhook_url=webhook,
            opt_out="Check-in reminders on Slack",
            context={
                **base.context,
                "goals": _goal_lines(public, today),
                "private_count": len(goals) - len(public),
            },
        )
        sent = deliver(slack, now) or sent
    return sent


def _rearm(goals: list[Item], org_id: str, at: datetime) -> None:
    """Move each goal's wake-up, unless it moved since it was read (a check-in, a close)."""
    for goal in goals:
        due = keys.reminder_due(org_id, goal["owner_id"], goal["id"], at)
        transactions.write_if(
            transactions.update(
                {"pk": goal["pk"], "sk": goal["sk"]},
                "SET due_pk = :pk, due_sk = :sk",
                condition="due_sk = :read",
                values={":pk": due["due_pk"], ":sk": due["due_sk"], ":read": goal["due_sk"]},
            )
        )
