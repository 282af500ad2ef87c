"""Where the accounts context's items live.

An account is one item collection: the account (sk "ACCOUNT") with its plans, objectives
and actions, so the whole action plan is one Query. Templates share one partition per
org, each template a single item holding its whole tree (a launch reads one item).
"""

from __future__ import annotations

from typing import Literal

from momentum.core.text import fold
from momentum.store.keys import key, org_prefix

NodeKind = Literal["PLAN", "OBJECTIVE", "ACTION"]


def account_partition(org_id: str, account_id: str) -> str:
    return f"{org_prefix(org_id)}#ACCOUNT#{account_id}"


def account_key(org_id: str, account_id: str) -> dict[str, str]:
    return key(account_partition(org_id, account_id), "ACCOUNT")


def node_key(org_id: str, account_id: str, kind: NodeKind, node_id: str) -> dict[str, str]:
    return key(account_partition(org_id, account_id), f"{kind}#{node_id}")


def accounts_directory(org_id: str) -> str:
    """The by_owner index partition listing an org's accounts by name."""
    return f"{org_prefix(org_id)}#ACCOUNTS"


def account_name_sort_key(name: str, account_id: str) -> str:
    return f"{fold(name)}#{account_id}"


def templates_partition(org_id: str) -> str:
    return f"{org_prefix(org_id)}#PLAN_TEMPLATES"


def template_key(org_id: str, template_id: str) -> dict[str, str]:
    return key(templates_partition(org_id), f"TEMPLATE#{template_id}")
