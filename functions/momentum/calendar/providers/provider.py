"""What the calendar context needs from a provider, and the OAuth calls both share.

Two implementations (google.py, microsoft.py) speak plain HTTP through providers/http.py.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from momentum.calendar.providers import http
from momentum.calendar.providers.config import ProviderConfig, redirect_uri
from momentum.calendar.providers.events import (
    CalendarEvent,
    Changes,
    EventNotFound,
    GrantRevoked,
    ProviderError,
    SyncStateExpired,
)

if TYPE_CHECKING:
    import httpx


class Grant(msgspec.Struct, frozen=True):
    access_token: str
    expires_in: int
    refresh_token: str | None  # Microsoft rotates it on every refresh; Google keeps it


class Push(msgspec.Struct, frozen=True):
    """A Google channel or a Graph subscription as the provider granted it."""

    id: str
    resource_id: str | None
    expires_at: datetime


class Calendar(Protocol):
    name: str
    config: ProviderConfig

    def account_emails(self, access: str) -> tuple[str, ...]:
        """The addresses the provider vouches for the signed-in account (may be none)."""
        ...

    def changes(self, access: str, state: dict[str, str] | None, now: datetime) -> Changes: ...

    def event(self, access: str, event_id: str) -> CalendarEvent: ...

    def instances(
        self, access: str, event_id: str, low: datetime, high: datetime
    ) -> list[CalendarEvent]: ...

    def events_between(self, access: str, low: datetime, high: datetime) -> list[CalendarEvent]: ...

    def start_push(
        self, access: str, *, push_id: str, secret: str, expires_at: datetime
    ) -> Push: ...

    def renew_push(self, access: str, push: Push, expires_at: datetime) -> Push | None: ...

    def stop_push(self, access: str, push: Push) -> None: ...


def calendar_for(provider: str) -> Calendar:
    if provider == "google":
        from momentum.calendar.providers.google import GoogleCalendar

        return GoogleCalendar()
    from momentum.calendar.providers.microsoft import GraphCalendar

    return GraphCalendar()


# --- OAuth (authorization code + PKCE, refresh) ----------------------------------------------


def _token_call(config: ProviderConfig, form: dict[str, str]) -> Grant:
    form = {**form, "client_id": config.client_id}
    secret = config.client_secret()
    if secret:
        form["client_secret"] = secret
    answer = http.request(
        "POST", config.token_url, data=form, headers={"Accept": "application/json"}
    )
    body = _json(answer)
    if answer.status_code in (400, 401) and body.get("error") in (
        "invalid_grant",
        "unauthorized_client",
    ):
        raise GrantRevoked(str(body.get("error_description") or body["error"]))
    if answer.status_code != 200 or not body.get("access_token"):
        raise ProviderError(f"token endpoint answered {answer.status_code}")
    return Grant(
        access_token=str(body["access_token"]),
        expires_in=int(body.get("expires_in") or 3600),
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
    )


def exchange_code(config: ProviderConfig, code: str, verifier: str) -> Grant:
    return _token_call(config, {
        "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
        "redirect_uri": redirect_uri(), "scope": config.scopes,
    })  # fmt: skip


def refresh(config: ProviderConfig, refresh_token: str) -> Grant:
    return _token_call(config, {
        "grant_type": "refresh_token", "refresh_token": refresh_token, "scope": config.scopes,
    })  # fmt: skip


def revoke(config: ProviderConfig, refresh_token: str) -> None:
    """Revoke the grant where the provider offers it (Google). Best effort: the token is
    deleted on our side whatever the provider answers."""
    if config.revoke_url:
        with contextlib.suppress(ProviderError):
            http.request("POST", config.revoke_url, data={"token": refresh_token})


# --- helpers for both REST clients --------------------------------------------------------------


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def checked(answer: httpx.Response, *, what: str) -> dict[str, Any]:
    """The JSON body of a 2xx answer; the provider's failures as our exceptions."""
    if answer.status_code < 300:
        return _json(answer)
    body = _json(answer)
    error = body.get("error")
    code = error.get("code") if isinstance(error, dict) else error
    if answer.status_code == 410 or code in (
        "syncStateNotFound",
        "resyncRequired",
        "fullSyncRequired",
    ):
        raise SyncStateExpired(f"{what}: {code or 'gone'}")
    if answer.status_code == 404:
        raise EventNotFound(what)
    if answer.status_code == 401:
        raise ProviderError(f"{what}: unauthorized")
    raise ProviderError(f"{what}: {answer.status_code} {code or ''}".strip())
