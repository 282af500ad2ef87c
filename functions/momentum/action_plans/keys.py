"""Where action plan items live.

- A plan's collection `ORG#o#PLAN#p`: the plan (sk PLAN) and its updates
  (sk UPDATE#instant#id).
- Plans by owner (gsi1): `ORG#o#PLANOWNER#u`; by assignee (gsi2): `ORG#o#PLANASSIGNEE#u`;
  both sorted by plan id (creation order).
"""

from __future__ import annotations

from datetime import datetime

from momentum.core.clock import key_instant
from momentum.store.keys import key, org_prefix

PLAN_SK = "PLAN"
UPDATE_PREFIX = "UPDATE#"


def plan_partition(org_id: str, plan_id: str) -> str:
    return f"{org_prefix(org_id)}#PLAN#{plan_id}"


def plan_key(org_id: str, plan_id: str) -> dict[str, str]:
    return key(plan_partition(org_id, plan_id), PLAN_SK)


def update_key(org_id: str, plan_id: str, at: datetime, update_id: str) -> dict[str, str]:
    return key(plan_partition(org_id, plan_id), f"{UPDATE_PREFIX}{key_instant(at)}#{update_id}")


def owner_partition(org_id: str, owner_id: str) -> str:
    return f"{org_prefix(org_id)}#PLANOWNER#{owner_id}"


def assignee_partition(org_id: str, assignee_id: str) -> str:
    return f"{org_prefix(org_id)}#PLANASSIGNEE#{assignee_id}"
