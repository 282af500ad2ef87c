"""Progress as stored on the engagement item, and when the progress sweep is due on it.

The engagement item carries its last computed `progress` and `off_track_announced`
(whether the current off-track spell has been handled by the sweep). It sits in the due
index while the sweep has work on it: at the start of its due-by day while on track, and
at once while it is off track but not yet announced (e.g. a session was moved back).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from momentum.coaching import rules
from momentum.coaching.repository import Collection
from momentum.core.clock import local_date
from momentum.store.codec import Item

# The activity entry the progress sweep records when an engagement goes off track.
OFF_TRACK_ACTION = "engagement_off_track"


def tracking_of(item: Item) -> rules.Tracking:
    settings = item.get("progress_tracking") or {}
    return rules.Tracking(
        enabled=bool(settings.get("enabled")),
        threshold_days=settings.get("threshold_days"),
        notify_off_track=bool(settings.get("notify_off_track", True)),
    )


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def facts_of(item: Item) -> rules.ProgressFacts:
    return rules.ProgressFacts(
        engagement_type=item["engagement_type"],
        status=item["status"],
        tracking=tracking_of(item),
        clock_started_on=_day(item.get("clock_started_on")),
        clock_start_kind=item.get("clock_start_kind", "activation"),
    )


def today_for(item: Item, now: datetime) -> date:
    """Today in the engagement's time zone."""
    return local_date(now, item.get("time_zone"))


def compute(collection: Collection, now: datetime) -> rules.Progress:
    engagement = collection.engagement
    return rules.progress(
        facts_of(engagement),
        [
            date.fromisoformat(s["date"])
            for s in collection.sessions
            if rules.counts_as_activity(s.get("status", "scheduled"))
        ],
        [date.fromisoformat(c["date"]) for c in collection.calls],
        _day(engagement.get("coach_selected_on")),
        today_for(engagement, now),
    )


def as_dict(progress: rules.Progress) -> dict[str, Any]:
    def text(day: date | None) -> str | None:
        return day.isoformat() if day else None

    reference = None
    if progress.reference_kind and progress.reference_date:
        reference = {"kind": progress.reference_kind, "date": progress.reference_date.isoformat()}
    return {
        "status": progress.status,
        "off_track_since": text(progress.off_track_since),
        "reference": reference,
        "due_by": text(progress.due_by),
        "threshold_days": progress.threshold_days,
    }


def stored(item: Item) -> rules.Progress:
    saved = item.get("progress") or {}
    reference = saved.get("reference") or {}
    return rules.Progress(
        status=saved.get("status", "not_tracking"),
        off_track_since=_day(saved.get("off_track_since")),
        reference_kind=reference.get("kind"),
        reference_date=_day(reference.get("date")),
        threshold_days=saved.get("threshold_days"),
        due_by=_day(saved.get("due_by")),
    )


def with_progress(body: dict[str, Any], progress: rules.Progress, previous: Item) -> None:
    """Store `progress` on an engagement body; an off-track spell that continues keeps its
    announcement, a new one (or none) starts unannounced."""
    still_off = progress.status == "off_track" and stored(previous).status == "off_track"
    body["progress"] = as_dict(progress)
    body["off_track_announced"] = bool(still_off and previous.get("off_track_announced"))


def due_at(body: dict[str, Any]) -> datetime | None:
    """When the progress sweep next has work on this engagement (None: nothing to do)."""
    progress = stored(body)
    zone_name = body.get("time_zone")
    if progress.status == "on_track" and progress.due_by:
        return rules.start_of_day(progress.due_by, zone_name)
    if (
        progress.status == "off_track"
        and progress.off_track_since
        and not body.get("off_track_announced")
    ):
        return rules.start_of_day(progress.off_track_since, zone_name)
    return None
