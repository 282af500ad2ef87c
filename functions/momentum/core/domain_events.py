"""Domain events: how one context reacts to another's change without importing it.

The context that changes something publishes a typed event (`publish(UserRenamed(...))`);
a context that cares has a use case in its service, which `momentum.wiring` subscribes
to the event (`@subscribe(UserRenamed)`). A context that needs an answer only another
context knows (may this reader see that entity's activity?) asks a question the same
way: `ask` returns what the subscribers answered. Handlers run in the caller's process and
request, in subscription order; an exception propagates to the publisher (the change
fails loudly rather than half-applied).

Who subscribes to what is written once, in `momentum.wiring` (which every Lambda's
handler package imports): each subscription there imports its context inside the
handler, so a function pays for a context only when it has to tell it something.

Events are plain frozen `msgspec.Struct`s (value classes are Structs, not dataclasses,
for their creation cost at cold start: docs/decisions.md, "Value classes"), so the
outbound events of `momentum.events` can reuse them later; `subject` narrows a topic to
one entity kind where the answer differs per kind (activity of a goal goes to OKRs, of a
meeting to 1:1s). Questions carry the reader as `Any`: core's base sits below the
request frame that defines the principal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import msgspec

E = TypeVar("E", bound="DomainEvent")
R = TypeVar("R")
Handler = Callable[[Any], Any]
Topic = tuple[type["DomainEvent"], str | None]

_handlers: dict[Topic, list[Handler]] = defaultdict(list)


class DomainEvent(msgspec.Struct, frozen=True):
    org_id: str

    @property
    def subject(self) -> str | None:
        """The entity kind a per-kind subscriber listens for; None: every subscriber."""
        return None


# --- identity's facts -----------------------------------------------------------------


class UserRenamed(DomainEvent, frozen=True):
    user_id: str
    name: str


class UserReorganised(DomainEvent, frozen=True):
    """The user's manager chain (nearest first) changed: a new manager, or one above."""

    user_id: str
    manager_chain: list[str] = msgspec.field(default_factory=list)


# --- questions (answered by the context that owns the entity) -------------------------


class AccountsKnown(DomainEvent, frozen=True):
    """Which of these account ids are the org's accounts? Answer: a set of ids."""

    account_ids: list[str]


class ActivityAccess(DomainEvent, frozen=True):
    """May this reader (a frame.principal.Principal) see the entity's activity? A bool."""

    reader: Any
    kind: str
    entity_id: str

    @property
    def subject(self) -> str | None:
        return self.kind


class ActivityShown(DomainEvent, frozen=True):
    """The entries of the entity this reader may see, dropped or redacted per reader."""

    reader: Any
    kind: str
    entity_id: str
    entries: list[dict[str, Any]]

    @property
    def subject(self) -> str | None:
        return self.kind


class EntityVisibility(DomainEvent, frozen=True):
    """How visible is this entity: "public", "private", or None when it no longer
    exists? Answered by the kind's context (goals may be private)."""

    kind: str
    entity_id: str

    @property
    def subject(self) -> str | None:
        return self.kind


class DirectoryGroupMembers(DomainEvent, frozen=True):
    """The user ids in a directory group an identity provider pushed (a set), or None
    when there is no such group. Answered by SCIM."""

    group_id: str


class EventGoingOut(DomainEvent, frozen=True):
    """An outbound event (momentum.events) about to be published. Answer: the writes
    (store transaction ops) to commit with it, such as one pending webhook delivery per
    matching subscription."""

    event: dict[str, Any]
    now: datetime


# --- the mechanism --------------------------------------------------------------------


def subscribe(
    event_type: type[E], subject: str | None = None
) -> Callable[[Callable[[E], R]], Callable[[E], R]]:
    """Register the decorated function for `event_type` (narrowed to one `subject`)."""

    def register(handler: Callable[[E], R]) -> Callable[[E], R]:
        _handlers[(event_type, subject)].append(handler)
        return handler

    return register


def publish(event: DomainEvent) -> None:
    """Tell every subscriber of the event's topic, in order."""
    for handler in list(_handlers.get((type(event), event.subject), ())):
        handler(event)


def ask(event: DomainEvent) -> list[Any]:
    """Every subscriber's answer to a question (none when no context answers it)."""
    return [handler(event) for handler in list(_handlers.get((type(event), event.subject), ()))]
