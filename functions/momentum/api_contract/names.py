"""What clients call things: operation ids and schema names in the product's words.

Both must be unique across the whole API and stable: a generated client names its
functions and classes after them, so a name may not change because another context
added something. Hence a fixed rule per context rather than pydantic's fallback of
module paths on a clash (which renames a schema the day a second one shares its name).
"""

from __future__ import annotations

# A route's operation id is its function's name (`patch_` read as `update_`), except
# where that name is shared by two contexts or says less than the product does.
OPERATION_NAMES: dict[str, dict[str, str]] = {
    "okrs": {"list_checkins": "list_check_ins"},
    "action_plans": {
        "create_plan": "create_action_plan",
        "list_plans": "list_action_plans",
        "get_plan": "get_action_plan",
        "patch_plan": "update_action_plan",
        "delete_plan": "delete_action_plan",
        "post_update": "post_action_plan_update",
        "list_updates": "list_action_plan_updates",
    },
    "one_on_ones": {
        "get_series": "get_one_on_one_series",
        "patch_series": "update_one_on_one_series",
        "delete_series": "delete_one_on_one_series",
        "archive_series": "archive_one_on_one_series",
        "unarchive_series": "unarchive_one_on_one_series",
        "add_topic": "add_agenda_topic",
        "patch_topic": "update_agenda_topic",
        "delete_topic": "delete_agenda_topic",
        "put_shared_notes": "save_shared_notes",
        "put_private_notes": "save_private_notes",
        "one_on_ones_report": "get_one_on_ones_report",
    },
    "calendar": {
        "connect": "connect_calendar",
        "oauth_callback": "finish_calendar_connection",
        "connection_status": "get_calendar_connection",
        "disconnect": "disconnect_calendar",
        "recurring_events": "list_recurring_calendar_events",
        "events_with": "list_calendar_events_with",
        "import_event": "import_calendar_event",
    },
    "coaching": {
        "create_template": "create_engagement_template",
        "list_templates": "list_engagement_templates",
        "get_template": "get_engagement_template",
        "patch_template": "update_engagement_template",
        "add_session": "add_coaching_session",
        "patch_session": "update_coaching_session",
        "engagements_report": "get_engagements_report",
    },
    "accounts": {
        "get_action_plan": "get_account_action_plan",
        "create_plan": "create_account_plan",
        "patch_plan": "update_account_plan",
        "delete_plan": "delete_account_plan",
        "create_objective": "create_account_objective",
        "patch_objective": "update_account_objective",
        "delete_objective": "delete_account_objective",
        "create_action": "create_account_action",
        "patch_action": "update_account_action",
        "delete_action": "delete_account_action",
        "create_template": "create_plan_template",
        "list_templates": "list_plan_templates",
        "get_template": "get_plan_template",
        "patch_template": "update_plan_template",
        "launch_template": "launch_plan_template",
    },
}

# Every schema a context defines starts with its prefix (added unless the class name
# already starts with it): okrs' Metric is GoalMetric, accounts' is AccountMetric.
# A context not listed here prefixes its name in PascalCase ("delivery" -> "Delivery").
SCHEMA_PREFIXES: dict[str, str] = {
    "core": "",
    "identity": "",
    "okrs": "Goal",
    "action_plans": "ActionPlan",
    "one_on_ones": "OneOnOne",
    "accounts": "Account",
}


def operation_id(context: str, function: str) -> str:
    named = OPERATION_NAMES.get(context, {}).get(function)
    if named is not None:
        return named
    return (
        "update_" + function.removeprefix("patch_") if function.startswith("patch_") else function
    )


def schema_name(context: str, class_name: str) -> str:
    prefix = SCHEMA_PREFIXES.get(context)
    if prefix is None:
        prefix = "".join(part.capitalize() for part in context.split("_"))
    return class_name if class_name.startswith(prefix) else prefix + class_name


def summary_of(operation: str) -> str:
    """`create_account_plan` -> "Create account plan" (when a route has no docstring)."""
    words = operation.replace("one_on_one", "1:1").replace("check_in", "check-in").split("_")
    return " ".join(words).capitalize()
