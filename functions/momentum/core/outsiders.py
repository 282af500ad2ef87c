"""What a customer contact may reach (SPEC §1 "Customer contacts").

Customers are outsiders: their own user and settings, and the accounts context's routes
(accounts and plan templates), where that context shows them only their accounts'
customer-visible plans and refuses the rest. Every other route refuses them here, before
any route code runs, so a new route is closed to them until it is added below. A read
outside the list (or of another user) answers 404, as if there were nothing to see; any
other method answers 403.
"""

from __future__ import annotations

import re
from typing import Any

from momentum.core.problems import Forbidden, NotFound

CUSTOMER_ROLE = "customer"

# (method or None for any, full-path pattern)
CUSTOMER_ROUTES: tuple[tuple[str | None, re.Pattern[str]], ...] = (
    ("GET", re.compile(r"/v1/me")),
    ("PATCH", re.compile(r"/v1/me/settings")),
    ("GET", re.compile(r"/v1/users/(?P<user_id>[^/]+)")),
    (None, re.compile(r"/v1/accounts(/.*)?")),
    (None, re.compile(r"/v1/plan-templates(/.*)?")),
)


def _request_line(event: dict[str, Any]) -> tuple[str, str]:
    http = (event.get("requestContext") or {}).get("http") or {}
    return str(http.get("method") or "").upper(), str(
        event.get("rawPath") or http.get("path") or ""
    )


def check_customer_reach(roles: frozenset[str], user_id: str, event: dict[str, Any]) -> None:
    """Refuse a customer any route outside CUSTOMER_ROUTES (no-op for everyone else)."""
    if CUSTOMER_ROLE not in roles:
        return
    method, path = _request_line(event)
    for allowed_method, pattern in CUSTOMER_ROUTES:
        match = pattern.fullmatch(path)
        if match is None or (allowed_method is not None and allowed_method != method):
            continue
        if match.groupdict().get("user_id", user_id) != user_id:
            raise NotFound("User not found.")
        return
    if method in ("GET", "HEAD"):
        raise NotFound("Not found.")
    raise Forbidden("Customer contacts can reach only their accounts' plans and their own user.")
