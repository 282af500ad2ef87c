"""Google Calendar API v3 over plain HTTP (no SDK): events, instances, sync tokens, push.

Sync runs with singleEvents=false (recurring events as masters plus their exceptions), the
same on every round, as Google requires across a sync-token cycle.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from momentum.calendar.providers import config, http
from momentum.calendar.providers.events import Attendee, CalendarEvent, Changes, EventKind, Response
from momentum.calendar.providers.provider import Push, checked
from momentum.calendar.providers.zones import known, to_iana, zone_info

PAGE_SIZE = 250
MAX_PAGES = 200
_RESPONSES: dict[str, Response] = {
    "accepted": "accepted", "declined": "declined", "tentative": "tentative",
    "needsAction": "needs_action",
}  # fmt: skip


def _instant(value: dict[str, Any] | None, zone: str) -> tuple[datetime | None, bool]:
    """(UTC instant, all-day) of a Google start/end/originalStartTime."""
    if not value:
        return None, False
    if value.get("dateTime"):
        moment = datetime.fromisoformat(str(value["dateTime"]).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone_info(value.get("timeZone"), zone))
        return moment.astimezone(UTC), False
    if value.get("date"):
        day = datetime.fromisoformat(str(value["date"]))
        return day.replace(tzinfo=UTC), True
    return None, False


def _attendees(raw: dict[str, Any]) -> tuple[Attendee, ...]:
    found = [
        Attendee(
            email=str(person.get("email", "")).lower(),
            response=_RESPONSES.get(str(person.get("responseStatus")), "needs_action"),
            is_self=bool(person.get("self")),
            is_resource=bool(person.get("resource")),
            organizer=bool(person.get("organizer")),
        )
        for person in raw.get("attendees") or []
        if isinstance(person, dict)
    ]
    organizer = raw.get("organizer") or {}
    email = str(organizer.get("email", "")).lower()
    if email and all(a.email != email for a in found):
        found.append(
            Attendee(
                email=email,
                response="accepted",
                is_self=bool(organizer.get("self")),
                organizer=True,
            )
        )
    return tuple(found)


def parse_event(raw: dict[str, Any], calendar_zone: str = "UTC") -> CalendarEvent:
    # An event without a zone of its own (or with one nobody knows) is in its calendar's.
    zone = to_iana((raw.get("start") or {}).get("timeZone"), known(calendar_zone) or "UTC")
    start, all_day = _instant(raw.get("start"), zone)
    end, _ = _instant(raw.get("end"), zone)
    original, _ = _instant(raw.get("originalStartTime"), zone)
    recurrence = tuple(str(line) for line in raw.get("recurrence") or [])
    master_id = raw.get("recurringEventId")
    kind: EventKind = "master" if recurrence else ("instance" if master_id else "single")
    return CalendarEvent(
        id=str(raw.get("id", "")),
        kind=kind,
        title=str(raw.get("summary") or ""),
        start=start,
        end=end,
        time_zone=zone,
        all_day=all_day,
        cancelled=raw.get("status") == "cancelled",
        recurrence=recurrence,
        master_id=str(master_id) if master_id else None,
        original_start=original,
        attendees=_attendees(raw),
    )


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class GoogleCalendar:
    name = "google"

    def __init__(self) -> None:
        self.config = config.google()

    def _url(self, path: str) -> str:
        return f"{self.config.api_base}/calendar/v3{path}"

    def _get(self, access: str, path: str, params: dict[str, Any], what: str) -> dict[str, Any]:
        answer = http.request(
            "GET", self._url(path), params=params, headers={"Authorization": f"Bearer {access}"}
        )
        return checked(answer, what=what)

    def _pages(
        self, access: str, path: str, params: dict[str, Any], what: str
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page: dict[str, Any] = {}
        for _ in range(MAX_PAGES):
            page = self._get(access, path, params, what)
            items += [item for item in page.get("items") or [] if isinstance(item, dict)]
            if not page.get("nextPageToken"):
                break
            params = {**params, "pageToken": page["nextPageToken"]}
        return items, page

    def account_emails(self, access: str) -> tuple[str, ...]:
        """The signed-in Google account's email, only if Google has verified it."""
        answer = http.request(
            "GET", self.config.userinfo_url, headers={"Authorization": f"Bearer {access}"}
        )
        me = checked(answer, what="userinfo")
        email = str(me.get("email") or "").lower()
        return (email,) if email and me.get("email_verified") is True else ()

    def changes(self, access: str, state: dict[str, str] | None, now: datetime) -> Changes:
        params: dict[str, Any] = {
            "singleEvents": "false",
            "showDeleted": "true",
            "maxResults": PAGE_SIZE,
        }
        if state and state.get("sync_token"):
            params["syncToken"] = state["sync_token"]
        items, last = self._pages(access, "/calendars/primary/events", params, "events.list")
        zone = str(last.get("timeZone") or "UTC")
        return Changes(
            events=[parse_event(item, zone) for item in items],
            next_state={"sync_token": str(last.get("nextSyncToken") or "")},
            full=not (state and state.get("sync_token")),
        )

    def event(self, access: str, event_id: str) -> CalendarEvent:
        raw = self._get(
            access, f"/calendars/primary/events/{quote(event_id, safe='')}", {}, "events.get"
        )
        return parse_event(raw)

    def instances(
        self, access: str, event_id: str, low: datetime, high: datetime
    ) -> list[CalendarEvent]:
        params = {
            "timeMin": _rfc3339(low),
            "timeMax": _rfc3339(high),
            "showDeleted": "true",
            "maxResults": PAGE_SIZE,
        }
        path = f"/calendars/primary/events/{quote(event_id, safe='')}/instances"
        items, last = self._pages(access, path, params, "events.instances")
        zone = str(last.get("timeZone") or "UTC")
        return [parse_event(item, zone) for item in items]

    def events_between(self, access: str, low: datetime, high: datetime) -> list[CalendarEvent]:
        params = {
            "timeMin": _rfc3339(low),
            "timeMax": _rfc3339(high),
            "singleEvents": "false",
            "maxResults": PAGE_SIZE,
        }
        items, last = self._pages(access, "/calendars/primary/events", params, "events.list")
        zone = str(last.get("timeZone") or "UTC")
        return [parse_event(item, zone) for item in items if item.get("status") != "cancelled"]

    def start_push(self, access: str, *, push_id: str, secret: str, expires_at: datetime) -> Push:
        answer = http.request(
            "POST", self._url("/calendars/primary/events/watch"),
            headers={"Authorization": f"Bearer {access}"},
            json={"id": push_id, "type": "web_hook", "address": config.webhook_url("google"),
                  "token": secret, "expiration": int(expires_at.timestamp() * 1000)},
        )  # fmt: skip
        body = checked(answer, what="events.watch")
        granted = int(body.get("expiration") or expires_at.timestamp() * 1000)
        return Push(
            push_id, str(body.get("resourceId", "")), datetime.fromtimestamp(granted / 1000, UTC)
        )

    def renew_push(self, access: str, push: Push, expires_at: datetime) -> Push | None:
        """Google channels cannot be renewed: the caller starts a new one and stops this."""
        return None

    def stop_push(self, access: str, push: Push) -> None:
        answer = http.request(
            "POST",
            self._url("/channels/stop"),
            headers={"Authorization": f"Bearer {access}"},
            json={"id": push.id, "resourceId": push.resource_id},
        )
        if answer.status_code not in (200, 204, 404):
            checked(answer, what="channels.stop")
