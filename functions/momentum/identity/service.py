"""Identity use cases: orgs, users, settings, companies, locations, activity."""

from __future__ import annotations

from momentum.core.ids import is_id
from momentum.core.problems import Conflict, NotFound
from momentum.core.text import fold
from momentum.frame.principal import Principal
from momentum.identity import repository
from momentum.identity.models import (
    User,
)
from momentum.store.codec import Item

PUBLIC_USER_FIELDS = set(User.model_fields)


def _email_taken() -> Conflict:
    return Conflict("A user with this email already exists in the organisation.")


def user_view(item: Item) -> User:
    """A user item as the API shows it (no internal fields; a pending reorganisation's job
    id shows as `reorganising`)."""
    shown = {k: v for k, v in item.items() if k in PUBLIC_USER_FIELDS}
    shown["reorganising"] = bool(item.get("reorganisation"))
    return User.model_validate(shown)


# --- organisations -------------------------------------------------------------------


def org_or_404(org_id: str) -> Item:
    item = repository.org(org_id)
    if item is None:
        raise NotFound("Organisation not found.")
    return item


# --- users -----------------------------------------------------------------------------


def get_user(principal: Principal, user_id: str) -> User:
    item = repository.user(principal.org_id, user_id) if is_id(user_id) else None
    if item is None:
        raise NotFound("User not found.")
    return user_view(item)


def list_users(
    principal: Principal, q: str | None, limit: int, cursor: str | None
) -> tuple[list[User], str | None]:
    prefix = fold(q) if q else None
    if prefix and "@" in prefix:
        found = repository.user_by_email(principal.org_id, prefix)
        return ([user_view(found)] if found else []), None
    items, next_cursor = repository.directory_page(principal.org_id, prefix, limit, cursor)
    return [user_view(item) for item in items], next_cursor


def users_by_id(org_id: str, user_ids: list[str]) -> dict[str, Item]:
    """User items by id (one round trip for up to 100): names, emails, zones, settings."""
    return repository.users(org_id, [uid for uid in user_ids if uid and is_id(uid)])


def user_item(org_id: str, user_id: str) -> Item | None:
    return repository.user(org_id, user_id) if is_id(user_id) else None


def administrators(org_id: str) -> list[Item]:
    """The org's admins and location admins (user items), from the role index."""
    ids = repository.holders_of(org_id, "admin") + repository.holders_of(org_id, "location_admin")
    return list(users_by_id(org_id, ids).values())


def company_location_ids(principal: Principal, company_id: str) -> set[str]:
    """The ids of a company's locations (404 if the company is unknown)."""
    from momentum.identity import places

    return {location.id for location in places.list_locations(principal, company_id)}


def users_by_email(org_id: str, emails: list[str]) -> dict[str, Item]:
    """{lower-cased email: user item} for the org's users among `emails`."""
    return repository.users_by_email(org_id, emails)


def user_by_email(org_id: str, email: str) -> Item | None:
    """The org's user with this email (case-insensitive), or None."""
    return repository.user_by_email(org_id, email)
