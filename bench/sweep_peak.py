"""The due index at a 1M-user Monday check-in peak, computed from the real key functions.

1M synthetic users in orgs of a heavy-tailed size (Pareto: most orgs have tens of users,
a few tens of thousands), each org in a real time zone weighted by where office workers
are (85% of an org's people share its zone), each user owning 1-5 goals due at Monday
09:00 local. Every owner's due partition comes from okrs.keys.reminder_due, as armed.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from momentum.core.clock import key_instant
from momentum.okrs import keys

USERS = 1_000_000
MONDAY = (2026, 11, 23)
ZONES = {
    "America/New_York": 20,
    "America/Chicago": 8,
    "America/Denver": 3,
    "America/Los_Angeles": 10,
    "America/Sao_Paulo": 5,
    "Europe/London": 10,
    "Europe/Berlin": 12,
    "Europe/Paris": 5,
    "Europe/Madrid": 3,
    "Asia/Kolkata": 10,
    "Asia/Singapore": 4,
    "Asia/Shanghai": 5,
    "Asia/Tokyo": 5,
    "Australia/Sydney": 3,
}
SAME_ZONE = 0.85


def monday_nine(zone: str) -> str:
    local = datetime(*MONDAY, 9, 0, tzinfo=ZoneInfo(zone))
    return key_instant(local)


def _former_partition(owner_pk: str) -> str:
    # The key before issue 17: four shards by a byte sum, kept here only to compare.
    return f"DUE#{keys.REMINDER_SWEEP}#{sum(owner_pk.encode()) % 4}"


def org_sizes(rng: random.Random) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < USERS:
        sizes.append(min(50_000, max(3, int(rng.paretovariate(1.1) * 8))))
    sizes[-1] -= sum(sizes) - USERS
    return sizes


def peak() -> dict[str, float]:
    """Entries due per (partition, instant) at the peak, now and with the former key."""
    rng = random.Random(17)  # noqa: S311  (a reproducible synthetic population)
    names, weights = list(ZONES), list(ZONES.values())
    instants = {zone: monday_nine(zone) for zone in names}
    now_keys: Counter[tuple[str, str]] = Counter()
    former: Counter[tuple[str, str]] = Counter()
    per_instant: Counter[str] = Counter()
    goals_total = 0
    sizes = org_sizes(rng)
    for org_number, size in enumerate(sizes):
        org_id = f"01JORG{org_number:020d}"
        home = rng.choices(names, weights)[0]
        for user in range(size):
            zone = home if rng.random() < SAME_ZONE else rng.choices(names, weights)[0]
            owner_id = f"01JUSR{org_number:08d}{user:012d}"
            goals = rng.choice((1, 2, 3, 3, 4, 5))
            goals_total += goals
            at = instants[zone]
            due = keys.reminder_due(org_id, owner_id, "G", datetime.fromisoformat(at))
            now_keys[(due["due_pk"], at)] += goals
            former[(_former_partition(keys.owner_partition(org_id, owner_id)), at)] += goals
            per_instant[at] += goals
    return {
        "orgs": len(sizes),
        "largest_org": max(sizes),
        "goals": goals_total,
        "peak_instant_goals": max(per_instant.values()),
        "peak_instant_share": max(per_instant.values()) / goals_total,
        "max_per_partition": max(now_keys.values()),
        "max_per_partition_former": max(former.values()),
        "partitions_used": len({pk for pk, _ in now_keys}),
    }


def index_entry_wcu(item: dict[str, object], projection: str) -> int:
    """WCU of one index write: keys only, or the whole item (1 WCU per KB started)."""
    if projection == "KEYS_ONLY":
        item = {k: item[k] for k in ("pk", "sk", "due_pk", "due_sk")}
    return max(1, math.ceil(len(json.dumps(item, default=str).encode()) / 1024))
