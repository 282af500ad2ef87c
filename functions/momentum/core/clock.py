"""The one place that reads the wall clock.

Requests stamp what they create with `now()`. Sweeps never call it: they take "now" from
the scheduled event (`instant_from_event`), so any sweep can be replayed for any instant.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


def monotonic() -> float:
    return time.monotonic()


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; naive values are taken as UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def instant_from_event(event: dict[str, object]) -> datetime:
    """The instant an EventBridge scheduled event stands for (its `time` field)."""
    raw = event.get("time")
    if not isinstance(raw, str):
        raise ValueError("scheduled event has no 'time'")
    return parse_instant(raw)


def key_instant(moment: datetime) -> str:
    """A UTC instant as a fixed-width string that sorts in time order (for keys)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def api_instant(moment: datetime) -> str:
    """A UTC instant as ISO 8601 with offset, as the API answers it."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def zone(name: str | None, fallback: str = "UTC") -> tzinfo:
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


# Files in a zoneinfo folder that load but are not IANA zone names a person lives in.
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA zone names (read once per container: about 600 names)."""
    return frozenset(
        name
        for name in available_timezones()
        if name not in NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


def is_time_zone(name: str) -> bool:
    return name in time_zone_names()


def local_date(moment: datetime, time_zone: str | None) -> date:
    return moment.astimezone(zone(time_zone)).date()


def epoch_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


__all__ = [
    "UTC",
    "api_instant",
    "epoch_seconds",
    "instant_from_event",
    "is_time_zone",
    "key_instant",
    "local_date",
    "monotonic",
    "now",
    "parse_instant",
    "timedelta",
    "today",
    "zone",
]
