"""The three 1:1 notifications, each delivered exactly once through notify.deliver:
created (to the other participant), the one-hour reminder (to both, unless turned off)
and the Sunday 18:00 weekly summary. None of them ever carries notes of any kind."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from momentum.core import clock
from momentum.core.config import settings
from momentum.core.membership import is_active
from momentum.frame.org import org_item
from momentum.notify.service import Notification, deliver
from momentum.one_on_ones import rules
from momentum.one_on_ones.repository import TOPICS
from momentum.store.codec import Item

WHY = "you are a participant of this 1:1"
REMINDER_SWITCH = "one_on_one_reminder"
REMINDER_OPT_OUT = "1:1 reminders (one_on_one_reminder)"


def module_name(org_id: str) -> str:
    modules = org_item(org_id).get("modules") or {}
    return str((modules.get("one_on_ones") or {}).get("display_name") or "1:1")


def link(path: str) -> str:
    return f"{settings().app_url}/{path}"


def local_time(instant: str, user: Item) -> str:
    """'Monday 23 November 2026, 09:00 (Europe/Paris)' in the recipient's zone."""
    zone_name = user.get("time_zone") or "UTC"
    moment = clock.parse_instant(instant).astimezone(clock.zone(zone_name))
    return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M} ({zone_name})"


def wants_reminders(user: Item) -> bool:
    switches = (user.get("settings") or {}).get("notifications") or {}
    return switches.get(REMINDER_SWITCH, True) is not False


def _cadence(rule: str) -> str:
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    interval = int(parts.get("INTERVAL", "1"))
    if parts.get("FREQ") == "MONTHLY":
        return "monthly"
    days = parts.get("BYDAY", "")
    if "," in days:
        return f"{len(days.split(','))} days a week"
    return "weekly" if interval == 1 else f"every {interval} weeks"


def send_created(
    org_id: str,
    *,
    owner: Item,
    other: Item,
    subject_id: str,
    title: str,
    start: str,
    recurrence: str | None,
    path: str,
    now: datetime,
) -> bool:
    context = {
        "name": other.get("name", ""),
        "owner_name": owner.get("name", ""),
        "module_name": module_name(org_id),
        "title": title,
        "when": local_time(start, other),
        "recurring": bool(recurrence),
        "cadence": _cadence(recurrence) if recurrence else "",
        "link": link(path),
    }
    return deliver(
        Notification(
            org_id=org_id,
            kind="one_on_one_created",
            recipient_id=other["id"],
            subject_id=subject_id,
            occurrence=subject_id,
            subject=f'{owner.get("name", "")} scheduled "{title}" with you',
            why=WHY,
            context=context,
            to_email=other.get("email"),
        ),
        now,
    )


def send_reminders(org_id: str, entry: Item, users: dict[str, Item], now: datetime) -> int:
    """Both participants of the meeting behind `entry`, one hour before it starts."""
    sent = 0
    for user_id in entry["participant_ids"]:
        user = users.get(user_id)
        if not is_active(user) or not wants_reminders(user):
            continue
        other = users.get(next((u for u in entry["participant_ids"] if u != user_id), ""), {})
        context = {
            "name": user.get("name", ""),
            "other_name": other.get("name", "the other participant"),
            "module_name": module_name(org_id),
            "title": entry["title"],
            "when": local_time(entry["start"], user),
            "link": link(f"meetings/{entry['id']}"),
        }
        sent += deliver(
            Notification(
                org_id=org_id,
                kind="one_on_one_reminder",
                recipient_id=user_id,
                subject_id=entry["id"],
                occurrence=clock.key_instant(clock.parse_instant(entry["start"])),
                subject=f"In one hour: {entry['title']}",
                why=WHY,
                context=context,
                opt_out=REMINDER_OPT_OUT,
                to_email=user.get("email"),
            ),
            now,
        )
    return sent


def _as_it_went(entry: Item, user: Item) -> dict[str, Any]:
    """One topic or action item of the summary: completed, still open, or carried (where)."""
    line: dict[str, Any] = {
        "text": entry["text"],
        "completed": bool(entry.get("completed")),
        "carried": entry.get("type") == "carried_out",
        "carried_to": "",
    }
    if line["carried"]:
        went = entry.get("carried_to") or {}
        if went.get("kind") == "meeting":
            line["carried_to"] = f'"{went["title"]}" on {local_time(went["start"], user)}'
        else:
            line["carried_to"] = "the series' next meeting (none is scheduled yet)"
    return line


def summary_meeting(entry: Item, agenda: list[Item], user: Item, users: dict[str, Item]) -> Any:
    """One meeting of the weekly summary, as the week went: each topic and action item
    completed, still open, or carried on (and to which meeting). Never any notes."""
    topics = rules.ordered([item for item in agenda if item.get("kind") == TOPICS.name])
    items = rules.ordered([item for item in agenda if item.get("kind") != TOPICS.name])
    other_id = next((u for u in entry["participant_ids"] if u != user["id"]), "")
    return {
        "title": entry["title"],
        "other_name": users.get(other_id, {}).get("name", "the other participant"),
        "when": local_time(entry["start"], user),
        "cancelled": entry.get("state") == "cancelled",
        "topics": [_as_it_went(topic, user) for topic in topics],
        "action_items": [_as_it_went(item, user) for item in items],
        "done": sum(1 for item in agenda if item.get("completed")),
        "carried": sum(1 for item in agenda if item.get("type") == "carried_out"),
        "total": len(agenda),
        "link": link(f"meetings/{entry['id']}"),
    }


def send_weekly_summary(
    org_id: str, user: Item, sunday: date, meetings: list[Any], now: datetime
) -> bool:
    context = {
        "name": user.get("name", ""),
        "module_name": module_name(org_id),
        "week": f"{sunday - timedelta(days=6):%A} {(sunday - timedelta(days=6)).day} "
        f"{sunday - timedelta(days=6):%B %Y}",
        "meetings": meetings,
    }
    return deliver(
        Notification(
            org_id=org_id,
            kind="weekly_summary",
            recipient_id=user["id"],
            subject_id="one-on-ones",
            occurrence=sunday.isoformat(),
            subject=f"Your week in {module_name(org_id)}: {len(meetings)} meeting"
            + ("s" if len(meetings) != 1 else ""),
            why="you had 1:1 meetings this week",
            context=context,
            to_email=user.get("email"),
        ),
        now,
    )
