"""Calendar events as both providers' clients hand them over: one provider-neutral shape.

Instants are aware UTC datetimes; `time_zone` is the event's IANA zone (Windows names
already mapped), which recurrence expansion uses so wall-clock times survive DST.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

Provider = Literal["google", "microsoft"]
PROVIDERS: tuple[Provider, ...] = ("google", "microsoft")
EventKind = Literal["single", "master", "instance"]
Response = Literal["accepted", "declined", "tentative", "needs_action"]


class Attendee(msgspec.Struct, frozen=True):
    email: str  # lower-cased
    response: Response = "needs_action"
    is_self: bool = False
    is_resource: bool = False  # rooms and equipment never count as people
    organizer: bool = False


class CalendarEvent(msgspec.Struct, frozen=True):
    id: str
    kind: EventKind
    title: str = ""
    start: datetime | None = None
    end: datetime | None = None
    time_zone: str = "UTC"
    all_day: bool = False
    cancelled: bool = False
    recurrence: tuple[str, ...] = ()  # RRULE/EXDATE lines of a master (Graph: converted)
    master_id: str | None = None  # an instance's recurring event
    original_start: datetime | None = None  # an instance's slot in its series
    attendees: tuple[Attendee, ...] = ()

    @property
    def root_id(self) -> str:
        """The event a 1:1 is linked to: the recurring event for an instance."""
        return self.master_id or self.id


class Changes(msgspec.Struct):
    """One round of incremental sync: what changed, and the state to resume from."""

    events: list[CalendarEvent] = msgspec.field(default_factory=list)
    removed_ids: list[str] = msgspec.field(default_factory=list)  # Graph @removed (ids only)
    next_state: dict[str, str] = msgspec.field(default_factory=dict)
    full: bool = False  # the provider's token had expired: this was a full resync


class ProviderError(Exception):
    """The provider answered something we cannot use (retry later)."""


class SyncStateExpired(ProviderError):
    """410 Gone / syncStateNotFound: start a full resync."""


class GrantRevoked(ProviderError):
    """invalid_grant: the user must connect again."""


class EventNotFound(ProviderError):
    """The event no longer exists (or the user lost access)."""


def provider_unavailable(error: ProviderError) -> Exception:
    """A provider failure during a request: 503 problem+json (never a 500). The provider's
    own error (its URL, its words) goes to the log, not to the client."""
    import logging

    from momentum.core.problems import Problem

    logging.getLogger("momentum.calendar").warning("calendar provider failed: %s", error)
    problem = Problem("The calendar provider did not answer as expected; try again.")
    problem.status, problem.title = 503, "Calendar unavailable"
    problem.slug = "calendar-unavailable"
    return problem
