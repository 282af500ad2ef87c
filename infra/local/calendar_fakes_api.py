"""The fake providers' REST surfaces: Google Calendar v3 and Microsoft Graph v1.0."""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote, urlencode

from infra.local import calendar_fakes_render as render
from infra.local.calendar_fakes import Answer, Fake, error, graph_subscription_expiry, now
from infra.local.calendar_fakes_render import from_slot, instant, slot_of

PAGE = 50


def _json(status: int, body: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


def _split_instance(account: dict[str, Any], event_id: str) -> tuple[dict[str, Any], str | None]:
    """(event, slot) for a master/single id or an instance id `<master>_<slot>`."""
    events = account["events"]
    if event_id in events:
        return events[event_id], None
    master, _, slot = event_id.rpartition("_")
    if master in events and events[master].get("rrule"):
        return events[master], slot
    raise LookupError(event_id)


def _window(query: dict[str, str], low_name: str, high_name: str) -> tuple[datetime, datetime]:
    return instant(query[low_name]), instant(query[high_name])


def _overlaps(event: dict[str, Any], low: datetime, high: datetime) -> bool:
    if event.get("rrule"):
        return bool(render.slots(event, low, high))
    return instant(event["start"]) < high and instant(event["end"]) > low


# --- Google ---------------------------------------------------------------------------------


def google(
    fake: Fake, account: dict[str, Any], method: str, path: str, query: dict[str, str], raw: bytes
) -> Answer:
    me = account["email"]
    if path == "/calendars/primary" and method == "GET":
        return _json(200, {"kind": "calendar#calendar", "id": me, "timeZone": "UTC"})
    if path == "/calendars/primary/events" and method == "GET":
        return _google_list(account, query)
    if path == "/calendars/primary/events/watch" and method == "POST":
        return _google_watch(fake, account, json.loads(raw or b"{}"))
    if path == "/channels/stop" and method == "POST":
        body = json.loads(raw or b"{}")
        channel = account["channels"].get(body.get("id"))
        if channel is None or channel["resourceId"] != body.get("resourceId"):
            return error(404, "notFound", "Channel not found")
        del account["channels"][body["id"]]
        return 204, {}, b""
    prefix = "/calendars/primary/events/"
    if path.startswith(prefix) and method == "GET":
        rest = unquote(path.removeprefix(prefix))
        if rest.endswith("/instances"):
            return _google_instances(account, rest.removesuffix("/instances"), query)
        try:
            event, slot = _split_instance(account, rest)
        except LookupError:
            return error(404, "notFound", "Not Found")
        if slot is None:
            return _json(200, render.google_event(event, me))
        return _json(200, render.google_instance(render.occurrence(event, from_slot(slot)), me))
    return error(404, "notFound", f"no {method} {path}")


def _page(items: list[dict[str, Any]], query: dict[str, str]) -> tuple[list[Any], str | None]:
    start = int(query.get("pageToken") or 0)
    size = min(int(query.get("maxResults") or PAGE), PAGE)
    more = start + size < len(items)
    return items[start : start + size], (str(start + size) if more else None)


def _google_list(account: dict[str, Any], query: dict[str, str]) -> Answer:
    me, events = account["email"], account["events"].values()
    show_deleted = query.get("showDeleted") == "true"
    items: list[dict[str, Any]] = []
    if query.get("syncToken"):
        epoch, _, seq = query["syncToken"].partition(":")
        if int(epoch) != account["epoch"]:
            return _json(
                410,
                {
                    "error": {
                        "code": 410,
                        "message": "Sync token is no longer valid",
                        "errors": [{"reason": "fullSyncRequired"}],
                    }
                },
            )
        for event in events:
            if event["seq"] > int(seq):
                items.append(render.google_event(event, me))
            for slot, exception in event.get("exceptions", {}).items():
                if exception["seq"] > int(seq) and event.get("rrule"):
                    items.append(
                        render.google_instance(render.occurrence(event, from_slot(slot)), me)
                    )
    else:
        window = _window(query, "timeMin", "timeMax") if query.get("timeMin") else None
        for event in events:
            if event.get("cancelled") and not show_deleted:
                continue
            if window and not _overlaps(event, *window):
                continue
            items.append(render.google_event(event, me))
            for slot in event.get("exceptions", {}) if event.get("rrule") else ():
                items.append(render.google_instance(render.occurrence(event, from_slot(slot)), me))
    page, next_token = _page(items, query)
    body: dict[str, Any] = {"kind": "calendar#events", "timeZone": "UTC", "items": page}
    if next_token:
        body["nextPageToken"] = next_token
    elif not query.get("timeMin"):
        body["nextSyncToken"] = f"{account['epoch']}:{account_seq(account)}"
    return _json(200, body)


def account_seq(account: dict[str, Any]) -> int:
    seqs = [0]
    for event in account["events"].values():
        seqs.append(event["seq"])
        seqs += [e["seq"] for e in event.get("exceptions", {}).values()]
    return max(seqs)


def _google_instances(account: dict[str, Any], event_id: str, query: dict[str, str]) -> Answer:
    event = account["events"].get(event_id)
    if event is None or not event.get("rrule"):
        return error(404, "notFound", "Not Found")
    if event.get("cancelled"):
        return error(410, "deleted", "Resource has been deleted")
    low, high = _window(query, "timeMin", "timeMax")
    items = [
        render.google_instance(render.occurrence(event, slot), account["email"])
        for slot in render.slots(event, low, high)
    ]
    if query.get("showDeleted") != "true":
        items = [item for item in items if item["status"] != "cancelled"]
    page, next_token = _page(items, query)
    body: dict[str, Any] = {"kind": "calendar#events", "timeZone": "UTC", "items": page}
    if next_token:
        body["nextPageToken"] = next_token
    return _json(200, body)


def _google_watch(fake: Fake, account: dict[str, Any], body: dict[str, Any]) -> Answer:
    if body.get("type") != "web_hook" or not body.get("id") or not body.get("address"):
        return error(400, "invalid", "id, type web_hook and address are required")
    if len(str(body["id"])) > 64 or len(str(body.get("token", ""))) > 256:
        return error(400, "invalid", "id ≤ 64 and token ≤ 256 characters")
    # The client's clock may be a sweep's replayed "now": grant what was asked (real
    # Google caps it at 7 days from its own clock), or the 7-day default.
    expires = int(body.get("expiration") or 0) or int((now().timestamp() + 7 * 86400) * 1000)
    channel = {
        "id": body["id"],
        "resourceId": "r" + secrets.token_hex(8),
        "address": body["address"],
        "token": body.get("token", ""),
        "expiration": expires,
        "expirationText": datetime.fromtimestamp(expires / 1000).strftime(
            "%a, %d %b %Y %H:%M:%S GMT"
        ),
        "number": 1,
    }
    account["channels"][channel["id"]] = channel
    # Google's first message on a channel, which may beat the watch call's answer.
    fake.deliver(channel["address"], {
        "X-Goog-Channel-ID": channel["id"], "X-Goog-Message-Number": "1",
        "X-Goog-Resource-ID": channel["resourceId"], "X-Goog-Resource-State": "sync",
        "X-Goog-Resource-URI": f"{fake.base}/google/calendar/v3/calendars/primary/events",
        "X-Goog-Channel-Token": channel["token"], "Content-Length": "0",
    }, "")  # fmt: skip
    return _json(
        200,
        {
            "kind": "api#channel",
            "id": channel["id"],
            "resourceId": channel["resourceId"],
            "resourceUri": "primary/events",
            "token": channel["token"],
            "expiration": str(expires),
        },
    )


# --- Microsoft Graph ---------------------------------------------------------------------------


def graph(
    fake: Fake, account: dict[str, Any], method: str, path: str, query: dict[str, str], raw: bytes
) -> Answer:
    me = account["email"]
    if path == "/me" and method == "GET":
        return _json(200, {"id": "fake-" + me, "mail": me, "userPrincipalName": me})
    if path == "/me/calendarView" and method == "GET":
        low, high = _window(query, "startDateTime", "endDateTime")
        items = [item for item in _view(account, low, high) if not item.get("isCancelled")]
        return _graph_page(fake, path, query, items, {})
    if path == "/me/calendarView/delta" and method == "GET":
        return _graph_delta(fake, account, query)
    if path == "/subscriptions" and method == "POST":
        return _subscribe(fake, account, json.loads(raw or b"{}"))
    if path.startswith("/subscriptions/"):
        sub_id = path.removeprefix("/subscriptions/")
        sub = account["subscriptions"].get(sub_id)
        if sub is None:
            return error(404, "ResourceNotFound", "subscription not found")
        if method == "DELETE":
            del account["subscriptions"][sub_id]
            return 204, {}, b""
        if method == "PATCH":
            asked = json.loads(raw or b"{}")["expirationDateTime"]
            sub["expires"] = graph_subscription_expiry(asked).strftime("%Y-%m-%dT%H:%M:%SZ")
            return _json(200, _subscription_view(sub))
    if path.startswith("/me/events/") and method == "GET":
        rest = unquote(path.removeprefix("/me/events/"))
        if rest.endswith("/instances"):
            event = account["events"].get(rest.removesuffix("/instances"))
            if event is None or event.get("cancelled") or not event.get("rrule"):
                return error(404, "ErrorItemNotFound", "The specified object was not found.")
            low, high = _window(query, "startDateTime", "endDateTime")
            items = [
                render.graph_instance(render.occurrence(event, slot), me)
                for slot in render.slots(event, low, high)
            ]
            return _graph_page(fake, path, query, [i for i in items if not i["isCancelled"]], {})
        try:
            event, slot = _split_instance(account, rest)
        except LookupError:
            return error(404, "ErrorItemNotFound", "The specified object was not found.")
        body = (
            render.graph_event(event, me)
            if slot is None
            else render.graph_instance(render.occurrence(event, from_slot(slot)), me)
        )
        if body.get("isCancelled"):
            return error(404, "ErrorItemNotFound", "The specified object was not found.")
        return _json(200, body)
    return error(404, "BadRequest", f"no {method} {path}")


def _view(
    account: dict[str, Any], low: datetime, high: datetime, only: set[str] | None = None
) -> list[dict[str, Any]]:
    """calendarView's rows: one-off events and every occurrence in the window."""
    me, rows = account["email"], []
    for event in account["events"].values():
        if only is not None and event["id"] not in only:
            continue
        if event.get("rrule"):
            rows += [
                render.graph_instance(render.occurrence(event, slot), me)
                for slot in render.slots(event, low, high)
            ]
        elif _overlaps(event, low, high) or only is not None:
            rows.append(render.graph_event(event, me))
    return rows


def _graph_page(
    fake: Fake, path: str, query: dict[str, str], items: list[dict[str, Any]], extra: dict[str, Any]
) -> Answer:
    skip = int(query.get("$skiptoken") or 0)
    page = items[skip : skip + PAGE]
    body: dict[str, Any] = {"value": page}
    if skip + PAGE < len(items):
        link_query = {**query, "$skiptoken": str(skip + PAGE)}
        body["@odata.nextLink"] = f"{fake.base}/microsoft/v1.0{path}?{urlencode(link_query)}"
    else:
        body.update(extra)
    return _json(200, body)


def _graph_delta(fake: Fake, account: dict[str, Any], query: dict[str, str]) -> Answer:
    token = query.get("$deltatoken")
    if token:
        epoch, seq, low_slot, high_slot = token.split(".")
        if int(epoch) != account["epoch"]:
            return error(410, "syncStateNotFound", "The sync state generation is not found.")
        low, high = from_slot(low_slot), from_slot(high_slot)
        changed = {
            e["id"]
            for e in account["events"].values()
            if e["seq"] > int(seq)
            or any(x["seq"] > int(seq) for x in e.get("exceptions", {}).values())
        }
        items = []
        for row in _view(account, low, high, only=changed):
            if row.get("isCancelled"):
                items.append({"id": row["id"], "@removed": {"reason": "deleted"}})
            else:
                items.append(row)
    else:
        low, high = _window(query, "startDateTime", "endDateTime")
        items = [row for row in _view(account, low, high) if not row.get("isCancelled")]
    delta = ".".join([str(account["epoch"]), str(_seq(account)), slot_of(low), slot_of(high)])
    link = f"{fake.base}/microsoft/v1.0/me/calendarView/delta?$deltatoken={quote(delta)}"
    return _graph_page(fake, "/me/calendarView/delta", query, items, {"@odata.deltaLink": link})


def _seq(account: dict[str, Any]) -> int:
    return account_seq(account)


def _subscription_view(sub: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": sub["id"],
        "resource": sub["resource"],
        "changeType": sub["changeType"],
        "clientState": sub["clientState"],
        "notificationUrl": sub["notificationUrl"],
        "lifecycleNotificationUrl": sub["lifecycleUrl"],
        "expirationDateTime": sub["expires"],
    }


def _subscribe(fake: Fake, account: dict[str, Any], body: dict[str, Any]) -> Answer:
    if len(str(body.get("clientState", ""))) > 128:
        return error(400, "InvalidRequest", "clientState is limited to 128 characters")
    url = str(body.get("notificationUrl", ""))
    token = (
        f"Validation: Testing client application reachability for subscription "
        f"Request-Id: {uuid.uuid4()}"
    )
    status, text = fake.deliver_text(
        f"{url}?validationToken={quote(token)}", {"Content-Type": "text/plain; charset=utf-8"}
    )
    if status != 200 or text != token:
        return error(
            400,
            "ValidationError",
            "Subscription validation request failed. "
            "Notification endpoint must respond with 200 OK to validation request.",
        )
    sub = {
        "id": str(uuid.uuid4()),
        "resource": body.get("resource", "/me/events"),
        "changeType": body.get("changeType", ""),
        "clientState": body.get("clientState", ""),
        "notificationUrl": url,
        "lifecycleUrl": body.get("lifecycleNotificationUrl") or url,
        "expires": graph_subscription_expiry(str(body["expirationDateTime"])).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
    }
    account["subscriptions"][sub["id"]] = sub
    return _json(201, _subscription_view(sub))
