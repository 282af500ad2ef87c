"""Event types: which event an activity entry is, and each type's versioned JSON schema.

Pure rules (no I/O). An event is named `{subject}.{what happened}` in the product's
words; the activity action says what happened, with the entity kind's own prefix dropped
(`goal_created` on a goal is `goal.created`). A few actions have names users know better.
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 1
SCHEMA_BASE = "https://momentum.example/schemas/events"

# entity kind -> the event subject users know it by
SUBJECT_OF_KIND = {"series": "one_on_one"}
# (entity kind, action) -> event type, where the plain rule would read worse
RENAMED = {
    ("series", "series_created"): "one_on_one.created",
    ("meeting", "meeting_created"): "one_on_one.created",
    ("meeting", "one_on_one_created"): "one_on_one.created",
    ("meeting", "agenda_carried_out"): "meeting.rolled_over",
    ("goal", "rolled_up"): "goal.rolled_up",
}

# The types documented in docs/events.md, each with a schema; any other entry still
# publishes under its derived name with the common schema.
KNOWN_TYPES = (
    "goal.created",
    "goal.updated",
    "goal.deleted",
    "goal.checked_in",
    "goal.rolled_up",
    "action_plan.created",
    "action_plan.updated",
    "action_plan.deleted",
    "one_on_one.created",
    "one_on_one.updated",
    "one_on_one.deleted",
    "meeting.updated",
    "meeting.deleted",
    "meeting.rolled_over",
    "engagement.launched",
    "engagement.activated",
    "engagement.completed",
    "engagement.off_track",
    "account.created",
    "account.updated",
    "user.created",
    "user.updated",
    "user.deactivated",
    "org.settings_updated",
)


def event_type(entity_kind: str, action: str, changes: dict[str, Any]) -> str:
    renamed = RENAMED.get((entity_kind, action))
    if renamed:
        return renamed
    if entity_kind == "user" and (changes.get("status") or {}).get("after") == "inactive":
        return "user.deactivated"
    subject = SUBJECT_OF_KIND.get(entity_kind, entity_kind)
    what = action[len(entity_kind) + 1 :] if action.startswith(entity_kind + "_") else action
    return f"{subject}.{what}"


def matches(subscribed: list[str], event: str) -> bool:
    """A subscription's filter: exact types, `goal.*` for a subject, or `*` for all."""
    subject = event.split(".", 1)[0]
    return any(t in ("*", event, f"{subject}.*") for t in subscribed)


def is_valid_filter(name: str) -> bool:
    if name == "*" or name in KNOWN_TYPES:
        return True
    subject, _, what = name.partition(".")
    return what == "*" and any(t.startswith(subject + ".") for t in KNOWN_TYPES)


def schema(event: str) -> dict[str, Any]:
    """The JSON schema (2020-12) of one event type's payload, version SCHEMA_VERSION."""
    subject = event.split(".", 1)[0]
    kinds = [k for k, s in SUBJECT_OF_KIND.items() if s == subject] or [subject]
    if event == "one_on_one.created":
        kinds = ["series", "meeting"]
    if event == "meeting.rolled_over":
        kinds = ["meeting"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{event}/v{SCHEMA_VERSION}.json",
        "title": event,
        "type": "object",
        "required": ["type", "timestamp", "data"],
        "properties": {
            "type": {"const": event},
            "timestamp": {"type": "string", "format": "date-time"},
            "data": {
                "type": "object",
                "required": ["id", "schema_version", "org_id", "entity", "action", "private"],
                "properties": {
                    "id": {"type": "string", "description": "the event id (a ULID)"},
                    "schema_version": {"const": SCHEMA_VERSION},
                    "org_id": {"type": "string"},
                    "entity": {
                        "type": "object",
                        "required": ["kind", "id"],
                        "properties": {"kind": {"enum": kinds}, "id": {"type": "string"}},
                    },
                    "actor_id": {"type": ["string", "null"]},
                    "action": {"type": "string"},
                    "private": {
                        "type": "boolean",
                        "description": "about a private goal: changes carry field names only",
                    },
                    "changes": {
                        "type": "object",
                        "description": "field -> {before, after}; for private details not "
                        "opted into, field -> {} (the field changed, values withheld)",
                        "additionalProperties": {"type": "object"},
                    },
                    "summary": {"type": ["string", "null"]},
                    "truncated": {
                        "type": "boolean",
                        "description": "values left out: the event would exceed 200 KB",
                    },
                },
            },
        },
    }
