"""The operations served by plain functions rather than a Powertools resolver, so no
router describes them: the calendar change notifications (handlers/webhooks.py, checked
in calendar/sync/inbox.py) and the document and Swagger UI themselves (handlers/docs_api.py).
All public: Google and Microsoft prove themselves with the channel's or subscription's
secret, not a user's token."""

from __future__ import annotations

from typing import Any

from momentum.api_contract.components import problem_content
from momentum.calendar.sync.inbox import GOOGLE_STATES

CALENDAR_TAG, DOCS_TAG = "Calendar", "Documentation"


def _problem(meaning: str) -> dict[str, Any]:
    return {"description": meaning, "content": problem_content()}


def _header(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": True,
        "description": description,
        "schema": schema,
    }


_RETRY = _problem("The notification could not be accepted now; the provider retries it.")

GOOGLE = {
    "post": {
        "tags": [CALENDAR_TAG],
        "operationId": "receive_google_notification",
        "summary": "Receive a Google Calendar push notification",
        "description": "Google's channel notification: headers only, no body. A known "
        "channel whose token matches queues a sync of that connection (a `sync` state is "
        "the channel's handshake and changes nothing).",
        "security": [],
        "parameters": [
            _header("X-Goog-Channel-ID", "The channel Momentum opened.", {"type": "string"}),
            _header("X-Goog-Resource-ID", "The watched calendar.", {"type": "string"}),
            _header(
                "X-Goog-Resource-State",
                "What happened.",
                {"type": "string", "enum": sorted(GOOGLE_STATES)},
            ),
            _header(
                "X-Goog-Message-Number",
                "Grows with each message.",
                {"type": "string", "pattern": "^[0-9]+$"},
            ),
            _header(
                "X-Goog-Channel-Token",
                "The channel's secret, set when it was opened.",
                {"type": "string"},
            ),
        ],
        "responses": {
            "200": {
                "description": "Accepted (or the handshake); an empty body.",
                "content": {"text/plain": {"schema": {"type": "string", "maxLength": 0}}},
            },
            "400": _problem("Not a Google Calendar push notification."),
            "401": _problem("The channel token does not match."),
            "403": _problem("Unknown or stopped channel."),
            "500": _RETRY,
        },
    }
}

MICROSOFT = {
    "post": {
        "tags": [CALENDAR_TAG],
        "operationId": "receive_microsoft_notification",
        "summary": "Receive Microsoft Graph change notifications",
        "description": "With `validationToken`, Graph's subscription handshake: the token is "
        "echoed as plain text. Otherwise a batch of change or lifecycle notifications; every "
        "item's `clientState` must match its subscription's, or nothing is queued.",
        "security": [],
        "parameters": [
            {
                "name": "validationToken",
                "in": "query",
                "required": False,
                "description": "Sent once when a subscription is created.",
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/CalendarGraphBatch"}}
            },
        },
        "responses": {
            "200": {
                "description": "The handshake: the validation token, as sent.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            },
            "202": {"description": "Accepted: the connections named are queued for a sync."},
            "400": _problem("The body is not a batch of notifications."),
            "403": _problem("A notification's clientState is unknown or does not match."),
            "413": _problem("The body is over 256 KiB."),
            "500": _RETRY,
        },
    }
}

GRAPH_SCHEMAS: dict[str, Any] = {
    "CalendarGraphBatch": {
        "title": "CalendarGraphBatch",
        "type": "object",
        "properties": {
            "value": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1000,
                "items": {"$ref": "#/components/schemas/CalendarGraphNotification"},
            }
        },
        "required": ["value"],
    },
    "CalendarGraphNotification": {
        "title": "CalendarGraphNotification",
        "type": "object",
        "description": "A change or lifecycle notification (only the fields Momentum reads).",
        "properties": {
            "subscriptionId": {"type": "string"},
            "clientState": {"type": "string"},
            "changeType": {"type": "string"},
            "resource": {"type": "string"},
            "resourceData": {"type": "object", "additionalProperties": True},
            "lifecycleEvent": {"type": "string"},
            "subscriptionExpirationDateTime": {"type": "string"},
        },
        "required": ["subscriptionId", "clientState"],
        "additionalProperties": True,
    },
}


def _read(operation: str, summary: str, content_type: str) -> dict[str, Any]:
    return {
        "get": {
            "tags": [DOCS_TAG],
            "operationId": operation,
            "summary": summary,
            "security": [],
            # The docs function answers nothing but these two reads, so no error applies.
            "responses": {
                "200": {
                    "description": summary,
                    "content": {content_type: {"schema": {"type": "object"}}}
                    if content_type == "application/json"
                    else {content_type: {"schema": {"type": "string"}}},
                }
            },
        }
    }


def add_receivers(document: dict[str, Any]) -> None:
    paths = document["paths"]
    paths["/webhooks/google"] = GOOGLE
    paths["/webhooks/microsoft"] = MICROSOFT
    paths["/v1/openapi.json"] = _read("get_api_document", "This document", "application/json")
    paths["/v1/docs"] = _read("get_api_docs_page", "Swagger UI for this document", "text/html")
    document["components"]["schemas"].update(GRAPH_SCHEMAS)
