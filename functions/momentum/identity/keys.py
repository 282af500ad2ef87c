"""Where identity's items live. The user and org item keys are shared (store.keys)."""

from __future__ import annotations

from momentum.core.text import fold
from momentum.store.keys import key, org_key, org_prefix, user_key

__all__ = ["org_key", "user_key"]


def email_marker_key(org_id: str, email: str) -> dict[str, str]:
    """One item per email in an org: makes emails unique with a conditional put."""
    return key(f"{org_prefix(org_id)}#EMAIL#{email.lower()}", "EMAIL")


def company_key(org_id: str, company_id: str) -> dict[str, str]:
    return key(org_prefix(org_id), f"COMPANY#{company_id}")


def location_key(org_id: str, company_id: str, location_id: str) -> dict[str, str]:
    return key(org_prefix(org_id), f"COMPANY#{company_id}#LOCATION#{location_id}")


def directory_partition(org_id: str) -> str:
    return f"{org_prefix(org_id)}#USERS"


def reports_partition(org_id: str, manager_id: str) -> str:
    return f"{org_prefix(org_id)}#REPORTS#{manager_id}"


def name_sort_key(name: str, user_id: str) -> str:
    return f"{fold(name)}#{user_id}"


def role_marker_key(org_id: str, role: str, user_id: str) -> dict[str, str]:
    """One item per (role, user): who holds a role is one Query (e.g. the org's admins)."""
    return key(f"{org_prefix(org_id)}#ROLE#{role}", f"USER#{user_id}")
