"""Refresh tokens at rest, sealed with the shared KMS envelope (core.envelope) under the
context {org_id, user_id}: a token copied to another user's item cannot be opened."""

from __future__ import annotations

from typing import Any

from momentum.core import envelope

LABEL = "momentum-calendar"


def _context(org_id: str, user_id: str) -> dict[str, str]:
    return {"org_id": org_id, "user_id": user_id}


def seal(token: str, *, org_id: str, user_id: str) -> dict[str, Any]:
    return envelope.seal(token, label=LABEL, context=_context(org_id, user_id))


def open_sealed(sealed: dict[str, Any], *, org_id: str, user_id: str) -> str:
    return envelope.open_sealed(sealed, label=LABEL, context=_context(org_id, user_id))
