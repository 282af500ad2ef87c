"""Event types: names derived from activity entries, filters, and the documented schemas."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from momentum.events import publish, types

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


@pytest.mark.parametrize(
    ("kind", "action", "changes", "expected"),
    [
        ("goal", "goal_created", {}, "goal.created"),
        ("goal", "checked_in", {}, "goal.checked_in"),
        ("goal", "rolled_up", {}, "goal.rolled_up"),
        ("series", "series_created", {}, "one_on_one.created"),
        ("meeting", "meeting_created", {}, "one_on_one.created"),
        ("meeting", "agenda_carried_out", {}, "meeting.rolled_over"),
        ("engagement", "engagement_off_track", {}, "engagement.off_track"),
        (
            "user",
            "user_updated",
            {"status": {"before": "active", "after": "inactive"}},
            "user.deactivated",
        ),
        ("user", "user_updated", {"name": {"before": "A", "after": "B"}}, "user.updated"),
        ("org", "org_settings_updated", {}, "org.settings_updated"),
    ],
)
def test_event_types_follow_the_activity(
    kind: str, action: str, changes: dict[str, object], expected: str
) -> None:
    assert types.event_type(kind, action, changes) == expected


def test_filters_take_exact_types_subjects_and_everything() -> None:
    assert types.matches(["goal.checked_in"], "goal.checked_in")
    assert not types.matches(["goal.checked_in"], "goal.created")
    assert types.matches(["goal.*"], "goal.topic_added")
    assert types.matches(["*"], "user.deactivated")
    assert types.is_valid_filter("goal.*") and not types.is_valid_filter("nothing.*")
    assert not types.is_valid_filter("goal.exploded")


def test_every_known_type_is_documented_with_a_valid_schema() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in types.KNOWN_TYPES:
        assert f"`{name}`" in text, name
        jsonschema.Draft202012Validator.check_schema(types.schema(name))


def test_private_events_keep_field_names_not_values() -> None:
    event = {
        "type": "goal.updated",
        "timestamp": "2026-12-01T00:00:00+00:00",
        "data": {
            "id": "e",
            "private": True,
            "summary": "Secret",
            "changes": {"title": {"before": "Old", "after": "Secret"}},
        },
    }
    hidden = publish.redacted(event)
    assert hidden["data"]["changes"] == {"title": {}}
    assert hidden["data"]["summary"] is None
    assert "Secret" not in str(hidden)


def test_an_oversized_event_names_its_changed_fields_only() -> None:
    event = {
        "type": "goal.updated",
        "timestamp": "2026-12-01T00:00:00+00:00",
        "data": {
            "id": "e",
            "private": False,
            "changes": {"description": {"before": "", "after": "x" * 300_000}},
        },
    }
    fitted = publish.fitting(event)
    assert fitted["data"]["changes"] == {"description": {}}
    assert fitted["data"]["truncated"] is True
    small = {
        **event,
        "data": {**event["data"], "changes": {"title": {"before": "a", "after": "b"}}},
    }
    assert publish.fitting(small) == small
