"""Windows time-zone names (what Outlook and Graph often send) to IANA names.

The table is CLDR's windowsZones.xml as tzlocal ships it (`tzlocal.windows_tz.win_tz`:
every Windows name, mapped to the zone CLDR names for territory "001"), so it follows
CLDR as tzlocal is updated rather than a copy kept by hand. It is loaded on the first
name that is not IANA already (about 1 ms), so no function pays for it at import.

A name that is neither Windows nor IANA (Exchange's "Customized Time Zone", a typo) is
never dropped silently: the caller's fallback is used (Google: the calendar's own
zone; Graph: the next zone the event names, then UTC) and a warning names it, once per
container for each name.
"""

from __future__ import annotations

import logging
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger("momentum.calendar")
# Graph's own spellings of UTC, which CLDR does not list (it names the Windows id "UTC").
GRAPH_ALIASES = {"tzone://Microsoft/Utc": "Etc/UTC", "Coordinated Universal Time": "Etc/UTC"}


@cache
def windows_to_iana() -> dict[str, str]:
    """CLDR's Windows → IANA table (territory 001)."""
    from tzlocal.windows_tz import win_tz

    return {**win_tz, **GRAPH_ALIASES}


@cache
def _is_iana(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def known(name: str | None) -> str | None:
    """The IANA name for a Windows or IANA zone name; None if it is neither."""
    if not name or not name.strip():
        return None
    name = name.strip()
    mapped = windows_to_iana().get(name) if not _is_iana(name) else name
    return mapped if mapped and _is_iana(mapped) else None


@cache
def unknown_zone(name: str, fallback: str) -> None:
    """Say which zone was not understood and what was used instead (once per name)."""
    logger.warning("calendar time zone %r is neither Windows nor IANA; using %s", name, fallback)


def to_iana(name: str | None, fallback: str = "UTC") -> str:
    """The IANA name for a Windows or IANA zone name; `fallback` (with a warning naming
    the zone) if it is neither; `fallback` quietly when no zone is given at all."""
    found = known(name)
    if found is not None:
        return found
    if name and name.strip():
        unknown_zone(name.strip()[:100], fallback)
    return fallback


def zone_info(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    return ZoneInfo(to_iana(name, fallback))
