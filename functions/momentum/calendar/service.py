"""Calendar use cases: bulk create (recurring 1:1-shaped events), create new (events with
one person) and importing an event as a linked 1:1 series or meeting."""

from __future__ import annotations

from datetime import datetime, timedelta

from momentum.calendar import cadence, directory, keys, repository, rules
from momentum.calendar import one_on_ones_port as port
from momentum.calendar.connections import notices, tokens
from momentum.calendar.models import (
    CalendarEventView,
    EventList,
    ImportRequest,
    LinkedTo,
    SkippedEvent,
)
from momentum.calendar.providers.events import PROVIDERS, CalendarEvent, EventNotFound, GrantRevoked
from momentum.calendar.providers.provider import Calendar, calendar_for
from momentum.calendar.providers.zones import zone_info
from momentum.calendar.sync.queue import enqueue_sync
from momentum.core import clock
from momentum.core.ids import is_id
from momentum.core.problems import Conflict, Invalid, NotFound, field_error
from momentum.frame.org import require_module
from momentum.frame.principal import Principal
from momentum.identity import service as identity
from momentum.one_on_ones.models import CreateAnswer, OneOnOneCreate
from momentum.store.codec import Item

MODULE = "one_on_ones"
NEEDS_REAUTH = "Your calendar needs to be connected again (the grant was withdrawn)."


class _Connected:
    """A connected calendar of the caller, ready to read."""

    def __init__(self, principal: Principal, provider: str) -> None:
        collection = repository.connection_collection(principal.org_id, principal.user_id, provider)
        item = next((i for i in collection if i.get("type") == "calendar_connection"), None)
        if item is None:
            raise NotFound(f"No {provider} calendar is connected.")
        if item.get("status") != "connected":
            raise Conflict(NEEDS_REAUTH)
        self.item, self.provider = item, provider
        self.links = repository.links(collection)
        self.calendar: Calendar = calendar_for(provider)
        try:
            self.access = tokens.access_token(item)
        except GrantRevoked as revoked:
            notices.needs_reauth(item, clock.now())
            raise Conflict(NEEDS_REAUTH) from revoked

    @property
    def email(self) -> str:
        return str(self.item.get("account_email", ""))


def _connections(principal: Principal) -> list[_Connected]:
    found = []
    for provider in PROVIDERS:
        if repository.connection(principal.org_id, principal.user_id, provider):
            found.append(_Connected(principal, provider))
    if not found:
        raise NotFound("Connect a Google or Microsoft calendar first.")
    return found


def _skip(connected: _Connected, event: CalendarEvent, reason: str, detail: str) -> SkippedEvent:
    return SkippedEvent(
        provider=connected.provider,
        event_id=event.id,
        title=event.title[:200],
        reason=reason,
        detail=detail,
    )


def _view(
    connected: _Connected, event: CalendarEvent, partner_id: str, now: datetime
) -> CalendarEventView | SkippedEvent:
    assert event.start is not None and event.end is not None
    duration = event.end - event.start
    first_local = event.start.astimezone(zone_info(event.time_zone))
    kind, rule, starts = None, None, [event.start]
    if event.kind == "master":
        try:
            recurring = cadence.classify(event.recurrence, first_local)
            starts = cadence.occurrences(
                event.recurrence, first_local, now, now + rules.SCAN_WINDOW
            )
        except cadence.Unsupported as unsupported:
            return _skip(connected, event, unsupported.reason, unsupported.detail)
        kind, rule = (
            recurring.cadence,
            cadence.series_rule(recurring, event.recurrence, first_local),
        )
    if not starts:
        return _skip(connected, event, "cancelled", "no meeting in the next four weeks")
    link = connected.links.get(event.id)
    return CalendarEventView(
        provider=connected.provider,
        event_id=event.id,
        title=event.title,
        start=clock.api_instant(starts[0]),
        end=clock.api_instant(starts[0] + duration),
        time_zone=event.time_zone,
        recurring=event.kind == "master",
        cadence=kind,
        recurrence=rule,
        with_user_id=partner_id,
        occurrences=[clock.api_instant(s) for s in starts],
        linked=LinkedTo(kind=link["kind"], id=link["entity_id"]) if link else None,
    )


def _listing(principal: Principal, *, recurring_only: bool, with_email: str | None) -> EventList:
    now = clock.now()
    answer = EventList(items=[])
    for connected in _connections(principal):
        events = connected.calendar.events_between(connected.access, now, now + rules.SCAN_WINDOW)
        if recurring_only:
            events = [e for e in events if e.kind == "master"]
        if with_email:
            events = [e for e in events if any(a.email == with_email for a in e.attendees)]
        emails = [
            e
            for e in (rules.partner_email(ev, connected.email) for ev in events)
            if isinstance(e, str)
        ]
        users = directory.active_users_by_email(principal.org_id, emails)
        users.pop(principal.email.lower(), None)
        for event in sorted(events, key=lambda e: (e.start or now, e.id)):
            found = rules.partner(event, connected.email, users)
            item = (
                _skip(connected, event, found.reason, found.detail)
                if isinstance(found, rules.Skip)
                else _view(connected, event, found, now)
            )
            (answer.skipped if isinstance(item, SkippedEvent) else answer.items).append(item)  # type: ignore[arg-type]
    return answer


def recurring_events(principal: Principal) -> EventList:
    """Bulk create: recurring events in the next four weeks, 1:1-shaped ones classified."""
    require_module(principal, MODULE)
    return _listing(principal, recurring_only=True, with_email=None)


def events_with(principal: Principal, with_user_id: str) -> EventList:
    """Create new: events in the next four weeks that include this person."""
    require_module(principal, MODULE)
    other = identity.user_item(principal.org_id, with_user_id) if is_id(with_user_id) else None
    if other is None or with_user_id == principal.user_id or not other.get("email"):
        raise Invalid(
            "Choose another user of your organisation.",
            errors=[field_error("with_user_id", "not another user of the org")],
        )
    return _listing(principal, recurring_only=False, with_email=str(other["email"]).lower())


# --- import --------------------------------------------------------------------------------------


def import_event(principal: Principal, request: ImportRequest) -> CreateAnswer:
    """A series (recurring event) or meeting linked to the event. A second recurring event
    for a pair that already has a series (e.g. a "this and following" split) attaches to
    that series instead of failing."""
    require_module(principal, MODULE)
    connected = _Connected(principal, request.provider)
    existing = port.linked_to(principal.org_id, request.provider, request.event_id)
    mine = connected.links.get(request.event_id)
    # An attached event has no 1:1 link of its own; it counts while its series lives.
    attached = bool(mine and mine.get("attached"))
    if existing is None and mine and attached and port.series(principal.org_id, mine["entity_id"]):
        existing = ("series", mine["entity_id"])
    if existing:
        raise Conflict(
            "This calendar event is already linked to a 1:1.",
            extra={"kind": existing[0], "id": existing[1]},
        )
    event = _read(connected, request.event_id)
    users = directory.active_users_by_email(principal.org_id, [a.email for a in event.attendees])
    users.pop(principal.email.lower(), None)
    partner = rules.partner(event, connected.email, users)
    if isinstance(partner, rules.Skip):
        raise Invalid(
            f"This event is not a 1:1: {partner.detail}.",
            errors=[field_error("event_id", partner.reason)],
        )
    if event.kind == "master":
        return _import_series(principal, connected, event, partner)
    assert event.start is not None and event.end is not None
    create = OneOnOneCreate(
        with_user_id=partner, title=_title(event), start=event.start, end=event.end
    )
    answer = port.import_event(
        principal, create, provider=request.provider, event_id=event.id, time_zone=event.time_zone
    )
    assert answer.meeting is not None
    _follow(connected, event.id, "meeting", answer.meeting.id, recurring=False)
    return answer


def _read(connected: _Connected, event_id: str) -> CalendarEvent:
    try:
        event = connected.calendar.event(connected.access, event_id)
        if event.kind == "instance" and event.master_id:
            event = connected.calendar.event(connected.access, event.master_id)
    except EventNotFound as missing:
        raise NotFound("No such event in your calendar.") from missing
    return event


def _title(event: CalendarEvent) -> str:
    return (event.title.strip() or "1:1")[:200]


def _import_series(
    principal: Principal, connected: _Connected, event: CalendarEvent, partner: str
) -> CreateAnswer:
    assert event.start is not None and event.end is not None
    first_local = event.start.astimezone(zone_info(event.time_zone))
    now = clock.now()
    try:
        recurring = cadence.classify(event.recurrence, first_local)
        upcoming = cadence.occurrences(
            event.recurrence, first_local, now, now + timedelta(days=400)
        )
    except cadence.Unsupported as unsupported:
        raise Invalid(
            f"This recurring event cannot become a 1:1 series: {unsupported.detail}.",
            errors=[field_error("event_id", unsupported.reason)],
        ) from unsupported
    if not upcoming:
        raise Invalid(
            "This recurring event has no meeting ahead.", errors=[field_error("event_id", "ended")]
        )
    create = OneOnOneCreate(
        with_user_id=partner,
        title=_title(event),
        start=upcoming[0],
        end=upcoming[0] + (event.end - event.start),
        recurrence=cadence.series_rule(recurring, event.recurrence, first_local),
    )
    try:
        answer = port.import_event(
            principal,
            create,
            provider=connected.provider,
            event_id=event.id,
            time_zone=event.time_zone,
        )
        assert answer.series is not None
        series_id, attached = answer.series.id, False
    except Conflict as taken:
        series_id = str(taken.extra.get("series_id") or "")
        if not series_id:
            raise
        answer, attached = port.series_view(principal, series_id), True
    _follow(connected, event.id, "series", series_id, recurring=True, attached=attached)
    # The calendar's exceptions (moved or cancelled instances) reach the series at once.
    ref = keys.connection_ref(principal.org_id, principal.user_id, connected.provider)
    enqueue_sync(ref, reason="reconcile", dedup=f"import:{event.id}:{series_id}")
    return answer


def _follow(
    connected: _Connected,
    event_id: str,
    kind: str,
    entity_id: str,
    *,
    recurring: bool,
    attached: bool = False,
) -> Item:
    item = repository.link_item(
        connected.item["org_id"],
        connected.item["user_id"],
        connected.provider,
        event_id=event_id,
        kind=kind,
        entity_id=entity_id,
        recurring=recurring,
        attached=attached,
    )
    repository.put(item)
    return item
