"""Who is calling: the org from the verified token, roles and status from the table.

The token is trusted only for identity: `custom:org_id`, which only Momentum's admin
calls can write in Cognito, and `sub`, Cognito's id for the member, which the org's
sign-in item maps to the Momentum user (one read, then kept: the mapping never changes).
Roles and status are read from the user's item, cached per container for at most
PRINCIPAL_CACHE_SECONDS (60 s deployed), so a user made inactive loses access within it.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import msgspec

from momentum.core import clock
from momentum.core.config import settings
from momentum.core.membership import is_active
from momentum.core.outsiders import check_customer_reach
from momentum.core.problems import Forbidden, Unauthorized
from momentum.store import table
from momentum.store.keys import sign_in_key, user_key

ORG_CLAIM = "custom:org_id"


class Principal(msgspec.Struct, frozen=True):
    org_id: str
    user_id: str
    name: str
    email: str
    roles: frozenset[str]
    status: str
    time_zone: str
    manager_id: str | None = None
    manager_chain: tuple[str, ...] = ()
    company_id: str | None = None
    location_id: str | None = None
    location_ids: tuple[str, ...] = ()  # locations a location_admin administers
    account_ids: tuple[str, ...] = ()
    settings: dict[str, Any] = msgspec.field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("Only an organisation admin may do this.")


_cache: dict[tuple[str, str], tuple[float, Principal]] = {}
_members: dict[tuple[str, str], str] = {}  # (org, sub) -> user id; immutable, so kept
_current_event: ContextVar[dict[str, Any] | None] = ContextVar("current_event", default=None)
_current: ContextVar[Principal | None] = ContextVar("current_principal", default=None)
_lambda_context: ContextVar[Any] = ContextVar("lambda_context", default=None)


def current_lambda_context() -> Any:
    """The Lambda context of the request being handled (None outside Lambda)."""
    return _lambda_context.get()


def bind_event(event: dict[str, Any], lambda_context: Any = None) -> None:
    """Called once per request by frame.api before routing."""
    _current_event.set(event)
    _lambda_context.set(lambda_context)
    _current.set(None)


def claims_of(event: dict[str, Any]) -> dict[str, Any]:
    context = event.get("requestContext") or {}
    claims = ((context.get("authorizer") or {}).get("jwt") or {}).get("claims")
    return claims if isinstance(claims, dict) else {}


def current_principal() -> Principal:
    """The caller of the request being handled; 401 if unauthenticated, 403 if inactive."""
    cached = _current.get()
    if cached is not None:
        return cached
    claims = claims_of(_current_event.get() or {})
    org_id, sub = claims.get(ORG_CLAIM), claims.get("sub")
    if not org_id or not sub:
        raise Unauthorized("A bearer token with 'sub' and 'custom:org_id' is required.")
    principal = _load(str(org_id), _member(str(org_id), str(sub)))
    if not is_active({"status": principal.status}):
        raise Forbidden("This account is not active.")
    check_customer_reach(principal.roles, principal.user_id, _current_event.get() or {})
    _current.set(principal)
    return principal


def _member(org_id: str, sub: str) -> str:
    """The Momentum user id of the org's Cognito user `sub` (401 if it is not a member)."""
    known = _members.get((org_id, sub))
    if known is None:
        item = table.get(sign_in_key(org_id, sub))
        if item is None or item.get("type") != "sign_in":
            raise Unauthorized("The token's user is not known in this organisation.")
        known = _members[(org_id, sub)] = str(item["user_id"])
    return known


def _load(org_id: str, user_id: str) -> Principal:
    now = clock.monotonic()
    hit = _cache.get((org_id, user_id))
    if hit and now - hit[0] < settings().principal_cache_seconds:
        return hit[1]
    item = table.get(user_key(org_id, user_id))
    if item is None or item.get("type") != "user":
        raise Unauthorized("The token's user is not known in this organisation.")
    principal = principal_from_item(org_id, item)
    _cache[(org_id, user_id)] = (now, principal)
    return principal


def principal_from_item(org_id: str, item: dict[str, Any]) -> Principal:
    return Principal(
        org_id=org_id,
        user_id=item["id"],
        name=item.get("name", ""),
        email=item.get("email", ""),
        roles=frozenset(item.get("roles") or ()),
        status=item.get("status", "active"),
        time_zone=item.get("time_zone") or "UTC",
        manager_id=item.get("manager_id"),
        manager_chain=tuple(item.get("manager_chain") or ()),
        company_id=item.get("company_id"),
        location_id=item.get("location_id"),
        location_ids=tuple(item.get("admin_location_ids") or ()),
        account_ids=tuple(item.get("account_ids") or ()),
        settings=dict(item.get("settings") or {}),
    )


def forget_cached(org_id: str, user_id: str) -> None:
    _cache.pop((org_id, user_id), None)


def clear_cache() -> None:
    _cache.clear()
    _members.clear()
