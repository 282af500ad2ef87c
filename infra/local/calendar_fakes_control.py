"""Test-control routes of the fake providers (/local/calendar/control/...).

  POST /events                      {provider, account, title, start, end, time_zone, id?,
                                     rrule?, attendees: [emails], organizer?} -> {id}
  POST /events/{id}/rename          {provider, account, title, original_start?}
  POST /events/{id}/move            {provider, account, start, end, original_start?}
  POST /events/{id}/cancel          {provider, account, original_start?}
  POST /events/{id}/decline|accept  {provider, account, attendee?, original_start?}
  POST /events/{id}/update          {provider, account, rrule?, title?, start?, end?}
  POST /expire-sync-tokens          {provider, account}: sync tokens / delta links -> 410
  POST /revoke                      {provider, account}: refresh tokens -> invalid_grant
  POST /lifecycle                   {account, event}: a Graph lifecycle notification
  POST /throttle                    {provider, times?, status?, retry_after?, path?}: the next
                                    `times` (1) provider calls whose path holds `path` ("")
                                    answer `status` (429) with `Retry-After` (seconds or an
                                    HTTP date; none if null); /state lists them as "throttled"
  GET  /state                       the fake's whole state (debugging)
Every change answers {"id", "webhooks": [{path, headers, body, status}]} with the
notifications it delivered, so a test can deliver them again (duplicates, reordering).
"""

from __future__ import annotations

import json
from typing import Any

from infra.local.calendar_fakes import Answer, Fake, error, new_id
from infra.local.calendar_fakes_render import instant, slot_of


def _json(status: int, body: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


def handle(fake: Fake, method: str, path: str, raw: bytes) -> Answer:
    if method == "GET" and path == "/state":
        return _json(200, fake.state)
    if method != "POST":
        return error(405, "MethodNotAllowed")
    body = json.loads(raw or b"{}")
    if path == "/lifecycle":
        account = fake.account("microsoft", body["account"])
        fake.lifecycle(account, str(body["event"]))
        return _json(200, {"webhooks": fake.deliveries})
    if path == "/throttle":
        rule = {
            "provider": str(body["provider"]), "times": int(body.get("times", 1)),
            "status": int(body.get("status", 429)), "retry_after": body.get("retry_after"),
            "path": str(body.get("path", "")),
        }  # fmt: skip
        fake.state.setdefault("throttle", []).append(rule)
        return _json(200, rule)
    account = fake.account(str(body["provider"]), str(body["account"]))
    if path == "/expire-sync-tokens":
        account["epoch"] += 1
        return _json(200, {"epoch": account["epoch"]})
    if path == "/revoke":
        for grant in fake.state.get("refresh", {}).values():
            if grant["email"] == account["email"] and grant["provider"] == account["provider"]:
                grant["revoked"] = True
        return _json(200, {"revoked": True})
    if path == "/events":
        return _create(fake, account, body)
    parts = path.strip("/").split("/")
    if len(parts) == 3 and parts[0] == "events":
        event = account["events"].get(parts[1])
        if event is None:
            return error(404, "NotFound", f"no fake event {parts[1]}")
        return _change(fake, account, event, parts[2], body)
    return error(404, "NotFound", f"no control route {path}")


def _create(fake: Fake, account: dict[str, Any], body: dict[str, Any]) -> Answer:
    organizer = str(body.get("organizer") or account["email"]).lower()
    emails = [str(e).lower() for e in body.get("attendees", [])]
    if organizer not in emails:
        emails.insert(0, organizer)
    event = {
        "id": body.get("id") or new_id(account["provider"]), "title": body["title"],
        "start": instant(body["start"]).isoformat(), "end": instant(body["end"]).isoformat(),
        "time_zone": body.get("time_zone", "UTC"), "rrule": body.get("rrule"),
        "organizer": organizer, "cancelled": False, "exceptions": {},
        "attendees": [{"email": e, "response": "accepted" if e == organizer else "needs_action"}
                      for e in emails],
        "seq": fake.next_seq(),
    }  # fmt: skip
    account["events"][event["id"]] = event
    fake.notify(account, event["id"], "created")
    return _json(201, {"id": event["id"], "webhooks": fake.deliveries})


def _change(
    fake: Fake, account: dict[str, Any], event: dict[str, Any], action: str, body: dict[str, Any]
) -> Answer:
    original = body.get("original_start")
    target: dict[str, Any] = event
    notified_id = event["id"]
    if original and event.get("rrule"):
        slot = slot_of(instant(original))
        target = event.setdefault("exceptions", {}).setdefault(slot, {})
        notified_id = f"{event['id']}_{slot}"
    change = "updated"
    if action == "rename":
        target["title"] = body["title"]
    elif action == "move":
        target["start"] = instant(body["start"]).isoformat()
        target["end"] = instant(body["end"]).isoformat()
    elif action == "cancel":
        target["cancelled"] = True
        change = "deleted" if target is event else "updated"
    elif action in ("decline", "accept"):
        who = str(body.get("attendee") or account["email"]).lower()
        response = "declined" if action == "decline" else "accepted"
        if target is event:
            for attendee in event["attendees"]:
                if attendee["email"] == who:
                    attendee["response"] = response
        else:
            target.setdefault("responses", {})[who] = response
    elif action == "update" and target is event:
        for name in ("title", "rrule"):
            if name in body:
                event[name] = body[name]
        for name in ("start", "end"):
            if name in body:
                event[name] = instant(body[name]).isoformat()
    else:
        return error(400, "BadRequest", f"unknown change {action}")
    target["seq"] = fake.next_seq()  # an exception changes alone; its master keeps its seq
    fake.notify(account, notified_id, change)
    return _json(200, {"id": event["id"], "webhooks": fake.deliveries})
