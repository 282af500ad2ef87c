"""Whether a user counts as a member of their org now: the one answer every context uses.

`active` and `invited` (not signed in yet) count: they sign in, are reminded, may own and
be given work. `inactive` (let go) and `internal_record` (kept for history, no sign-in)
do not. A user item without a status is active. Standard library only: pure rules and
the light functions use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard, TypeVar

ACTIVE_STATUSES = frozenset({"active", "invited"})

User = TypeVar("User", bound=Mapping[str, Any])


def is_active(user: User | None) -> TypeGuard[User]:
    """Whether `user` (a user item, or None for nobody) is a member who counts now."""
    return user is not None and user.get("status", "active") in ACTIVE_STATUSES
