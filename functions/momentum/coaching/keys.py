"""Where coaching's items live.

An engagement is one item collection: the engagement (sk ENGAGEMENT), its sessions
(SESSION#) and discovery calls (CALL#), so reading it whole is one Query. The engagement
item also sits in two indexes: all engagements of the org (by_owner) and the engagements
of one coachee (by_lookup), and in the due index while the progress sweep has work on it.
"""

from __future__ import annotations

from momentum.store.keys import key, org_prefix

PROGRESS_SWEEP = "engagement-progress"
ENGAGEMENT_SK = "ENGAGEMENT"
SESSION_PREFIX = "SESSION#"
CALL_PREFIX = "CALL#"


def templates_partition(org_id: str) -> str:
    return f"{org_prefix(org_id)}#ENGAGEMENT_TEMPLATES"


def template_key(org_id: str, template_id: str) -> dict[str, str]:
    return key(templates_partition(org_id), f"TEMPLATE#{template_id}")


def engagement_partition(org_id: str, engagement_id: str) -> str:
    return f"{org_prefix(org_id)}#ENGAGEMENT#{engagement_id}"


def engagement_key(org_id: str, engagement_id: str) -> dict[str, str]:
    return key(engagement_partition(org_id, engagement_id), ENGAGEMENT_SK)


def session_key(org_id: str, engagement_id: str, session_id: str) -> dict[str, str]:
    return key(engagement_partition(org_id, engagement_id), f"{SESSION_PREFIX}{session_id}")


def call_key(org_id: str, engagement_id: str, call_id: str) -> dict[str, str]:
    return key(engagement_partition(org_id, engagement_id), f"{CALL_PREFIX}{call_id}")


def org_engagements_partition(org_id: str) -> str:
    """by_owner index: every engagement of the org, sorted by id (creation order)."""
    return f"{org_prefix(org_id)}#ENGAGEMENTS"


def coachee_engagements_partition(org_id: str, coachee_id: str) -> str:
    """by_lookup index: the engagements one coachee takes part in."""
    return f"{org_prefix(org_id)}#ENGAGEMENTS_OF#{coachee_id}"
