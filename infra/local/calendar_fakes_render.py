"""The fake providers' events as Google Calendar v3 and Microsoft Graph render them.

Fake events are stored provider-neutral (see calendar_fakes.py):
  {id, title, start, end (UTC ISO), time_zone (IANA), rrule (RRULE body with UTC UNTIL,
   or None), attendees [{email, response}], organizer, cancelled, seq,
   exceptions {slot: {cancelled?, title?, start?, end?, responses?, seq}}}
where slot is the occurrence's original start as UTC "YYYYMMDDTHHMMSSZ".
Expansion uses python-dateutil directly (not the code under test).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

WINDOWS = {
    "America/New_York": "Eastern Standard Time",
    "America/Los_Angeles": "Pacific Standard Time",
    "Europe/Paris": "Romance Standard Time",
    "Europe/Berlin": "W. Europe Standard Time",
    "Europe/London": "GMT Standard Time",
    "America/Chicago": "Central Standard Time",
    "UTC": "UTC",
}
GRAPH_DAYS = {
    "MO": "monday",
    "TU": "tuesday",
    "WE": "wednesday",
    "TH": "thursday",
    "FR": "friday",
    "SA": "saturday",
    "SU": "sunday",
}
GRAPH_INDEX = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}
GOOGLE_RESPONSE = {
    "accepted": "accepted",
    "declined": "declined",
    "tentative": "tentative",
    "needs_action": "needsAction",
}
GRAPH_RESPONSE = {
    "accepted": "accepted",
    "declined": "declined",
    "tentative": "tentativelyAccepted",
    "needs_action": "notResponded",
}


def instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def slot_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def from_slot(slot: str) -> datetime:
    return datetime.strptime(slot, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def slots(event: dict[str, Any], low: datetime, high: datetime) -> list[datetime]:
    """Original starts of a recurring event's occurrences in [low, high)."""
    zone = ZoneInfo(event["time_zone"])
    first = instant(event["start"]).astimezone(zone)
    rule = rrulestr(event["rrule"], dtstart=first)
    found = []
    for moment in rule.xafter(low.astimezone(zone), count=1000, inc=True):  # type: ignore[union-attr]
        if moment >= high:
            break
        found.append(moment.astimezone(UTC))
    return found


def occurrence(event: dict[str, Any], slot: datetime) -> dict[str, Any]:
    """One occurrence with its exception applied (neutral form)."""
    duration = instant(event["end"]) - instant(event["start"])
    exception = event.get("exceptions", {}).get(slot_of(slot), {})
    responses = {a["email"]: a["response"] for a in event["attendees"]}
    responses.update(exception.get("responses", {}))
    return {
        "id": f"{event['id']}_{slot_of(slot)}",
        "master": event,
        "slot": slot,
        "title": exception.get("title", event["title"]),
        "start": instant(exception["start"]) if "start" in exception else slot,
        "end": instant(exception["end"]) if "end" in exception else slot + duration,
        "cancelled": bool(exception.get("cancelled") or event.get("cancelled")),
        "attendees": [{"email": e, "response": r} for e, r in responses.items()],
        "exception": bool(exception),
    }


def _local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


# --- Google --------------------------------------------------------------------------------


def _google_people(attendees: list[dict[str, Any]], organizer: str, me: str) -> dict[str, Any]:
    return {
        "attendees": [
            {
                "email": a["email"],
                "responseStatus": GOOGLE_RESPONSE[a["response"]],
                **({"self": True} if a["email"] == me else {}),
                **({"organizer": True} if a["email"] == organizer else {}),
            }
            for a in attendees
        ],
        "organizer": {"email": organizer, **({"self": True} if organizer == me else {})},
    }


def google_event(event: dict[str, Any], me: str) -> dict[str, Any]:
    zone = event["time_zone"]
    body: dict[str, Any] = {
        "kind": "calendar#event",
        "id": event["id"],
        "etag": f'"{event["seq"]}"',
        "status": "cancelled" if event.get("cancelled") else "confirmed",
        "summary": event["title"],
        "start": {"dateTime": _local(instant(event["start"]), zone), "timeZone": zone},
        "end": {"dateTime": _local(instant(event["end"]), zone), "timeZone": zone},
        **_google_people(event["attendees"], event["organizer"], me),
    }
    if event.get("rrule"):
        body["recurrence"] = ["RRULE:" + event["rrule"]]
    return body


def google_instance(item: dict[str, Any], me: str) -> dict[str, Any]:
    master = item["master"]
    zone = master["time_zone"]
    body = {
        "kind": "calendar#event",
        "id": item["id"],
        "recurringEventId": master["id"],
        "status": "cancelled" if item["cancelled"] else "confirmed",
        "originalStartTime": {"dateTime": _local(item["slot"], zone), "timeZone": zone},
    }
    if item["cancelled"] and not master.get("cancelled"):
        return body  # a cancelled exception carries little more than its slot
    body.update(
        {
            "summary": item["title"],
            "start": {"dateTime": _local(item["start"], zone), "timeZone": zone},
            "end": {"dateTime": _local(item["end"], zone), "timeZone": zone},
            **_google_people(item["attendees"], master["organizer"], me),
        }
    )
    return body


# --- Microsoft Graph ---------------------------------------------------------------------------


def _parts(rule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rule.split(";") if "=" in part)


def graph_recurrence(event: dict[str, Any]) -> dict[str, Any]:
    parts = _parts(event["rrule"])
    zone = event["time_zone"]
    first = instant(event["start"]).astimezone(ZoneInfo(zone))
    interval = int(parts.get("INTERVAL", "1"))
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    pattern: dict[str, Any] = {
        "interval": interval,
        "firstDayOfWeek": GRAPH_DAYS[parts.get("WKST", "SU")],
    }
    if parts["FREQ"] == "WEEKLY":
        weekdays = days or [list(GRAPH_DAYS)[first.weekday()]]
        pattern.update(type="weekly", daysOfWeek=[GRAPH_DAYS[d] for d in weekdays])
    elif parts["FREQ"] == "DAILY":
        pattern["type"] = "daily"
    elif days:
        index, day = days[0][:-2], days[0][-2:]
        pattern.update(
            type="relativeMonthly",
            index=GRAPH_INDEX[index or parts.get("BYSETPOS", "1")],
            daysOfWeek=[GRAPH_DAYS[day]],
        )
    else:
        pattern.update(type="absoluteMonthly", dayOfMonth=int(parts.get("BYMONTHDAY", first.day)))
    span: dict[str, Any] = {
        "type": "noEnd",
        "startDate": first.date().isoformat(),
        "recurrenceTimeZone": WINDOWS.get(zone, zone),
    }
    if "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"][:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        span.update(type="endDate", endDate=until.astimezone(ZoneInfo(zone)).date().isoformat())
    elif "COUNT" in parts:
        span.update(type="numbered", numberOfOccurrences=int(parts["COUNT"]))
    return {"pattern": pattern, "range": span}


def _graph_time(moment: datetime) -> dict[str, str]:
    return {
        "dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"),
        "timeZone": "UTC",
    }


def _graph_people(attendees: list[dict[str, Any]], organizer: str, me: str) -> dict[str, Any]:
    own = next((a["response"] for a in attendees if a["email"] == me), "accepted")
    return {
        "attendees": [
            {
                "type": "required",
                "emailAddress": {"address": a["email"]},
                "status": {"response": GRAPH_RESPONSE[a["response"]]},
            }
            for a in attendees
            if a["email"] != organizer
        ],
        "organizer": {"emailAddress": {"address": organizer}},
        "responseStatus": {"response": "organizer" if organizer == me else GRAPH_RESPONSE[own]},
    }


def graph_event(event: dict[str, Any], me: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": event["id"],
        "@odata.etag": f'W/"{event["seq"]}"',
        "type": "seriesMaster" if event.get("rrule") else "singleInstance",
        "subject": event["title"],
        "isAllDay": False,
        "isCancelled": bool(event.get("cancelled")),
        "start": _graph_time(instant(event["start"])),
        "end": _graph_time(instant(event["end"])),
        "originalStartTimeZone": WINDOWS.get(event["time_zone"], event["time_zone"]),
        **_graph_people(event["attendees"], event["organizer"], me),
    }
    if event.get("rrule"):
        body["recurrence"] = graph_recurrence(event)
    return body


def graph_instance(item: dict[str, Any], me: str) -> dict[str, Any]:
    master = item["master"]
    return {
        "id": item["id"],
        "type": "exception" if item["exception"] else "occurrence",
        "seriesMasterId": master["id"],
        "subject": item["title"],
        "isAllDay": False,
        "isCancelled": item["cancelled"],
        "originalStart": item["slot"].strftime("%Y-%m-%dT%H:%M:%SZ"),
        "start": _graph_time(item["start"]),
        "end": _graph_time(item["end"]),
        **_graph_people(item["attendees"], master["organizer"], me),
    }


def window_items(event: dict[str, Any], low: datetime, high: datetime) -> list[dict[str, Any]]:
    """The occurrences of a recurring event whose slot is near [low, high)."""
    margin = timedelta(days=1)
    return [
        occurrence(event, slot)
        for slot in slots(event, low - margin, high + margin)
        if low - margin <= slot < high + margin
    ]
