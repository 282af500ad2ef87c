"""Where OKR items live.

- A goal's item collection `ORG#o#GOAL#g`: the goal (sk GOAL, carrying its roll-up
  aggregates), one entry per child (sk CHILD#child id: what the roll-up explanation shows;
  CHILD# sorts right before GOAL, so one Query reads the entries and the goal), its
  check-ins (sk CHECKIN#instant#id, newest last) and its type-ahead tokens (sk SEARCH#word).
- Goals by owner (gsi1): `ORG#o#GOALOWNER#u`, sorted by due date.
- Goals by parent (gsi2 on the goal item): `ORG#o#GOALPARENT#p` (ROOT for top level).
- Type-ahead tokens, one per word of a goal's title and owner name, sorted by word, then
  title, then goal id, so any typed prefix is one Query with begins_with:
  in the owner's partition (gsi1) `ORG#o#GOALSEARCHOWNER#u` (the `mine` group), and, for
  public open goals only, in the org's (gsi2) `ORG#o#GOALSEARCH#{first letter}`.
- A goal's history points (sk HISTORY#instant#id) sit in its own item collection, right
  after the goal item (GOAL < HISTORY#), so one Query reads the goal and its first points.
- An org's cycles: `ORG#o#CYCLES` (sk CYCLE#id, plus one GENERATED#fiscal-year marker per
  generated year of quarters); a cycle's goals: `ORG#o#CYCLEGOALS#c` (sk GOAL#g).
- Reminder wake-ups (due index): shard and sort key derived from the owner, so one
  owner's goals due at one instant are adjacent and read together.
"""

from __future__ import annotations

from datetime import datetime

from momentum.core.clock import key_instant
from momentum.store.keys import due_partition, due_shard, key, org_prefix

GOAL_SK = "GOAL"
CHECKIN_PREFIX = "CHECKIN#"
CHILD_PREFIX = "CHILD#"
SEARCH_PREFIX = "SEARCH#"
HISTORY_PREFIX = "HISTORY#"
CYCLE_PREFIX = "CYCLE#"
REMINDER_SWEEP = "checkin-reminders"


def goal_partition(org_id: str, goal_id: str) -> str:
    return f"{org_prefix(org_id)}#GOAL#{goal_id}"


def goal_key(org_id: str, goal_id: str) -> dict[str, str]:
    return key(goal_partition(org_id, goal_id), GOAL_SK)


def child_key(org_id: str, parent_id: str, child_id: str) -> dict[str, str]:
    return key(goal_partition(org_id, parent_id), f"{CHILD_PREFIX}{child_id}")


def checkin_key(org_id: str, goal_id: str, at: datetime, checkin_id: str) -> dict[str, str]:
    return key(goal_partition(org_id, goal_id), f"{CHECKIN_PREFIX}{key_instant(at)}#{checkin_id}")


def history_key(org_id: str, goal_id: str, at: datetime, point_id: str) -> dict[str, str]:
    return key(goal_partition(org_id, goal_id), f"{HISTORY_PREFIX}{key_instant(at)}#{point_id}")


def cycles_partition(org_id: str) -> str:
    return f"{org_prefix(org_id)}#CYCLES"


def cycle_key(org_id: str, cycle_id: str) -> dict[str, str]:
    return key(cycles_partition(org_id), f"{CYCLE_PREFIX}{cycle_id}")


def generated_year_key(org_id: str, fiscal_year_start: str) -> dict[str, str]:
    return key(cycles_partition(org_id), f"GENERATED#{fiscal_year_start}")


def cycle_goals_partition(org_id: str, cycle_id: str) -> str:
    return f"{org_prefix(org_id)}#CYCLEGOALS#{cycle_id}"


def cycle_goal_key(org_id: str, cycle_id: str, goal_id: str) -> dict[str, str]:
    return key(cycle_goals_partition(org_id, cycle_id), f"GOAL#{goal_id}")


def search_token_key(org_id: str, goal_id: str, word: str) -> dict[str, str]:
    return key(goal_partition(org_id, goal_id), f"{SEARCH_PREFIX}{word}")


def owner_partition(org_id: str, owner_id: str) -> str:
    return f"{org_prefix(org_id)}#GOALOWNER#{owner_id}"


def parent_partition(org_id: str, parent_id: str | None) -> str:
    return f"{org_prefix(org_id)}#GOALPARENT#{parent_id or 'ROOT'}"


def own_search_partition(org_id: str, owner_id: str) -> str:
    return f"{org_prefix(org_id)}#GOALSEARCHOWNER#{owner_id}"


def search_partition(org_id: str, word: str) -> str:
    return f"{org_prefix(org_id)}#GOALSEARCH#{word[:1]}"


def reminder_due(org_id: str, owner_id: str, goal_id: str, at: datetime) -> dict[str, str]:
    """Due-index attributes waking the reminder sweep for this goal at `at`."""
    owner = owner_partition(org_id, owner_id)
    return {
        "due_pk": due_partition(REMINDER_SWEEP, due_shard(owner)),
        "due_sk": f"{key_instant(at)}#{owner}#{goal_id}",
    }


def reminder_group(due_sk: str) -> str:
    """The (instant, owner) part of a reminder wake-up: one message per group."""
    return due_sk.rsplit("#", 1)[0]
