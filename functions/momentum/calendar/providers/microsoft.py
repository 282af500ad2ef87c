"""Microsoft Graph v1.0 calendar over plain HTTP (no SDK): events, instances, calendarView
delta, subscriptions. Every call asks for immutable ids, so an id survives the event
moving between folders; Windows zone names are mapped to IANA when events are read.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from momentum.calendar import cadence
from momentum.calendar.providers import config, http
from momentum.calendar.providers.events import (
    Attendee,
    CalendarEvent,
    Changes,
    EventNotFound,
    ProviderError,
    Response,
)
from momentum.calendar.providers.provider import Push, checked
from momentum.calendar.providers.zones import known, unknown_zone, zone_info

PREFER = 'IdType="ImmutableId", odata.maxpagesize=100'
MAX_PAGES = 200
DELTA_BACK = timedelta(days=7)  # a delta round covers this far back...
DELTA_AHEAD = timedelta(weeks=12)  # ...and this far ahead,
DELTA_ROUND = timedelta(days=7)  # and a new round starts as the window moves this much
_RESPONSES: dict[str, Response] = {
    "accepted": "accepted", "organizer": "accepted", "declined": "declined",
    "tentativelyAccepted": "tentative", "none": "needs_action", "notResponded": "needs_action",
}  # fmt: skip


def _instant(value: dict[str, Any] | None, zone: str) -> datetime | None:
    """Graph's {dateTime (no offset, 7-digit fraction), timeZone} as aware UTC."""
    if not value or not value.get("dateTime"):
        return None
    text = str(value["dateTime"]).replace("Z", "")
    head, _, fraction = text.partition(".")
    moment = datetime.fromisoformat(head + ("." + fraction[:6] if fraction else ""))
    return moment.replace(tzinfo=zone_info(value.get("timeZone"), zone)).astimezone(UTC)


def _original(raw: dict[str, Any]) -> datetime | None:
    value = raw.get("originalStart")
    return parse_instant(str(value)) if value else None


def _attendees(raw: dict[str, Any]) -> tuple[Attendee, ...]:
    found = []
    for person in raw.get("attendees") or []:
        if not isinstance(person, dict):
            continue
        email = str((person.get("emailAddress") or {}).get("address", "")).lower()
        status = str((person.get("status") or {}).get("response", "none"))
        found.append(
            Attendee(
                email=email,
                response=_RESPONSES.get(status, "needs_action"),
                is_resource=person.get("type") == "resource",
            )
        )
    organizer = str(((raw.get("organizer") or {}).get("emailAddress") or {}).get("address", ""))
    if organizer and all(a.email != organizer.lower() for a in found):
        own = str((raw.get("responseStatus") or {}).get("response", ""))
        found.append(
            Attendee(
                email=organizer.lower(),
                organizer=True,
                response="accepted"
                if own in ("organizer", "")
                else _RESPONSES.get(own, "needs_action"),
            )
        )
    return tuple(found)


def _event_zone(raw: dict[str, Any]) -> str:
    """The first zone the event names that is known (the series' own zone first)."""
    span = (raw.get("recurrence") or {}).get("range") or {}
    names = [
        span.get("recurrenceTimeZone"),
        raw.get("originalStartTimeZone"),
        (raw.get("start") or {}).get("timeZone"),
    ]
    for name in [str(name) for name in names if name]:
        found = known(name)
        if found is not None:
            return found
        unknown_zone(name[:100], "the event's next zone, else UTC")
    return "UTC"


def parse_event(raw: dict[str, Any]) -> CalendarEvent:
    zone = _event_zone(raw)
    kind_name = raw.get("type")
    kind = {"seriesMaster": "master", "occurrence": "instance", "exception": "instance"}.get(
        str(kind_name), "single"
    )
    recurrence: tuple[str, ...] = ()
    if kind == "master" and isinstance(raw.get("recurrence"), dict):
        try:
            recurrence = tuple(cadence.graph_rrule(raw["recurrence"]))
        except cadence.Unsupported as unsupported:
            recurrence = (f"X-UNSUPPORTED:{unsupported.reason}",)
    own = str((raw.get("responseStatus") or {}).get("response", ""))
    attendees = _attendees(raw)
    if own == "declined":  # the connected user declined (they are not in attendees[])
        attendees += (Attendee(email="", response="declined", is_self=True),)
    return CalendarEvent(
        id=str(raw.get("id", "")),
        kind=kind,  # type: ignore[arg-type]
        title=str(raw.get("subject") or ""),
        start=_instant(raw.get("start"), zone),
        end=_instant(raw.get("end"), zone),
        time_zone=zone,
        all_day=bool(raw.get("isAllDay")),
        cancelled=bool(raw.get("isCancelled")),
        recurrence=recurrence,
        master_id=str(raw["seriesMasterId"]) if raw.get("seriesMasterId") else None,
        original_start=_original(raw),
        attendees=attendees,
    )


def _graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


class GraphCalendar:
    name = "microsoft"

    def __init__(self) -> None:
        self.config = config.microsoft()

    def _call(self, access: str, method: str, url: str, what: str, **kwargs: Any) -> dict[str, Any]:
        if not url.startswith("http"):
            url = f"{self.config.api_base}{url}"
        headers = {"Authorization": f"Bearer {access}", "Prefer": PREFER}
        return checked(http.request(method, url, headers=headers, **kwargs), what=what)

    def _pages(
        self, access: str, url: str, params: dict[str, Any] | None, what: str
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page: dict[str, Any] = {}
        for _ in range(MAX_PAGES):
            page = self._call(access, "GET", url, what, params=params)
            items += [item for item in page.get("value") or [] if isinstance(item, dict)]
            next_link = page.get("@odata.nextLink")
            if not next_link:
                break
            url, params = str(next_link), None
        return items, page

    def account_emails(self, access: str) -> tuple[str, ...]:
        """The signed-in work account's addresses (both are set by its organisation)."""
        me = self._call(access, "GET", self.config.userinfo_url, "me")
        found = (str(me.get(name) or "").lower() for name in ("mail", "userPrincipalName"))
        return tuple(dict.fromkeys(email for email in found if email))

    def changes(self, access: str, state: dict[str, str] | None, now: datetime) -> Changes:
        """A calendarView delta round; the window is frozen into the delta link, so a new
        round (a full pass over the window) starts once the window has moved on."""
        state = state or {}
        link = state.get("delta_link")
        round_started = state.get("round_started")
        fresh = (
            not link
            or not round_started
            or now - datetime.fromisoformat(round_started) > DELTA_ROUND
        )
        if fresh:
            low, high = now - DELTA_BACK, now + DELTA_AHEAD
            url = "/me/calendarView/delta"
            params: dict[str, Any] | None = {
                "startDateTime": _graph_time(low),
                "endDateTime": _graph_time(high),
            }
            round_started = now.isoformat()
        else:
            url, params = str(link), None
        items, last = self._pages(access, url, params, "calendarView.delta")
        delta_link = last.get("@odata.deltaLink")
        if not delta_link:
            raise ProviderError("calendarView.delta ended without a delta link")
        return Changes(
            events=[parse_event(item) for item in items if "@removed" not in item],
            removed_ids=[str(item.get("id")) for item in items if "@removed" in item],
            next_state={"delta_link": str(delta_link), "round_started": str(round_started)},
            full=fresh,
        )

    def event(self, access: str, event_id: str) -> CalendarEvent:
        return parse_event(
            self._call(access, "GET", f"/me/events/{quote(event_id, safe='')}", "events.get")
        )

    def instances(
        self, access: str, event_id: str, low: datetime, high: datetime
    ) -> list[CalendarEvent]:
        """Occurrences and exceptions; cancelled occurrences are simply absent."""
        url = f"/me/events/{quote(event_id, safe='')}/instances"
        params = {"startDateTime": _graph_time(low), "endDateTime": _graph_time(high)}
        items, _ = self._pages(access, url, params, "events.instances")
        return [parse_event(item) for item in items]

    def events_between(self, access: str, low: datetime, high: datetime) -> list[CalendarEvent]:
        """One-off events and the series masters of recurring ones seen in the window."""
        params = {"startDateTime": _graph_time(low), "endDateTime": _graph_time(high)}
        items, _ = self._pages(access, "/me/calendarView", params, "calendarView")
        found: list[CalendarEvent] = []
        masters: list[str] = []
        for item in items:
            event = parse_event(item)
            if event.master_id:
                if event.master_id not in masters:
                    masters.append(event.master_id)
            elif not event.cancelled:
                found.append(event)
        for master_id in masters:
            try:
                found.append(self.event(access, master_id))
            except EventNotFound:
                continue
        return found

    def start_push(self, access: str, *, push_id: str, secret: str, expires_at: datetime) -> Push:
        body = self._call(access, "POST", "/subscriptions", "subscriptions.create", json={
            "changeType": "created,updated,deleted",
            "notificationUrl": config.webhook_url("microsoft"),
            "lifecycleNotificationUrl": config.webhook_url("microsoft"),
            "resource": "/me/events",
            "expirationDateTime": _graph_time(expires_at),
            "clientState": secret,
        })  # fmt: skip
        return Push(str(body.get("id", "")), None, _granted(body, expires_at))

    def renew_push(self, access: str, push: Push, expires_at: datetime) -> Push | None:
        """PATCH the expiry; None if the subscription is gone (create a new one)."""
        try:
            body = self._call(
                access,
                "PATCH",
                f"/subscriptions/{quote(push.id, safe='')}",
                "subscriptions.update",
                json={"expirationDateTime": _graph_time(expires_at)},
            )
        except EventNotFound:
            return None
        return Push(push.id, None, _granted(body, expires_at))

    def stop_push(self, access: str, push: Push) -> None:
        try:
            self._call(
                access,
                "DELETE",
                f"/subscriptions/{quote(push.id, safe='')}",
                "subscriptions.delete",
            )
        except EventNotFound:
            return


def _granted(body: dict[str, Any], asked: datetime) -> datetime:
    value = body.get("expirationDateTime")
    return parse_instant(str(value)) if value else asked


def parse_instant(text: str) -> datetime:
    """Graph's DateTimeOffset strings ("...T11:00:00.0000000Z", offsets, or none = UTC)."""
    moment = datetime.fromisoformat(re.sub(r"\.\d+", "", text).replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
