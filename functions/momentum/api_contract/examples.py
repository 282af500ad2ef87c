"""An example request body per create, keyed by operation id: shown in Swagger UI and
checked against the request's schema by tests/unit/test_api_document.py, which also
fails when a create has none."""

from __future__ import annotations

from typing import Any

# Ids as a client would have them from earlier answers.
USER, MANAGER, COACH = "01JD7Z8Q2N4M5P6R7S8T9V0W1X", "01JD7Z8Q2N4M5P6R7S8T9V0W2Y", "01JD7Z8R3C"
GOAL, TEMPLATE, OBJECTIVE = "01JD7ZA0M1N2P3Q4R5S6T7V8W9", "01JD7ZB4K5", "01JD7ZC6H7"

CREATE_EXAMPLES: dict[str, dict[str, Any]] = {
    # Organisation and users
    "create_user": {
        "email": "dana.kim@example.com",
        "name": "Dana Kim",
        "roles": ["employee", "manager"],
        "manager_id": MANAGER,
        "time_zone": "Europe/Berlin",
    },
    "create_company": {"name": "Acme Europe"},
    "create_scim_token": {"description": "Okta provisioning"},
    "create_subscription": {
        "url": "https://hooks.example.com/momentum",
        "event_types": ["goal.checked_in"],
        "description": "Goal check-ins into our data warehouse",
    },
    "create_location": {"name": "Berlin", "time_zone": "Europe/Berlin"},
    # Goals
    "create_goal": {
        "kind": "key_result",
        "title": "Cut first-response time to 4 hours",
        "parent_id": GOAL,
        "due_date": "2026-03-31",
        "metric": {"type": "number", "start": 12, "target": 4, "unit": "h"},
    },
    "check_in": {
        "note": "New triage rota is live.",
        "value": 7.5,
        "status": "on_track",
        "confidence": "high",
    },
    "create_cycle": {"name": "H1 2027", "start_date": "2027-01-01", "end_date": "2027-06-30"},
    # Engage action plans
    "create_action_plan": {
        "title": "Make career paths visible",
        "due_date": "2026-06-30",
        "source": {"survey_id": "engagement-2025-q4", "driver": "Growth"},
        "okr": {"mode": "key_result", "objective_id": GOAL},
    },
    "post_action_plan_update": {"body": "Drafted the engineering ladder; review on Friday."},
    # One-on-ones
    "create_one_on_one": {
        "with_user_id": USER,
        "title": "Dana / Sam weekly",
        "start": "2026-01-12T10:00:00+01:00",
        "end": "2026-01-12T10:30:00+01:00",
        "recurrence": "FREQ=WEEKLY;BYDAY=MO",
    },
    "add_agenda_topic": {"text": "Conference budget for Q2"},
    "add_action_item": {"text": "Send the onboarding checklist"},
    # Calendar
    "import_calendar_event": {"provider": "google", "event_id": "5q8h0c3k1v9m2n4b6x7z"},
    # Coaching
    "create_engagement_template": {
        "name": "New manager coaching",
        "type": "one_on_one",
        "description": "Six sessions over the first quarter as a manager.",
        "progress_tracking": {"enabled": True, "threshold_weeks": 3},
    },
    "launch_engagement": {"template_id": TEMPLATE, "coachee_id": USER, "coach_id": COACH},
    "add_coaching_session": {"date": "2026-02-03", "status": "scheduled"},
    "add_discovery_call": {"date": "2026-01-20", "coach_id": COACH},
    # Account action plans
    "create_account": {"name": "Globex", "description": "Key account, EMEA", "owner_id": USER},
    "create_account_plan": {"title": "Renewal 2026", "show_customer": True},
    "create_account_objective": {
        "title": "Adoption above 80 %",
        "internal_description": "Their CFO watches seat usage.",
        "show_customer": True,
    },
    "create_account_action": {
        "title": "Run admin training",
        "owner_id": USER,
        "due_date": "2026-02-27",
        "metric": {"target": 25, "unit": "admins"},
    },
    "create_plan_template": {
        "name": "Onboarding",
        "plans": [
            {
                "title": "First 90 days",
                "objectives": [
                    {
                        "title": "Kick-off done",
                        "actions": [{"title": "Kick-off call", "due_offset_days": 7}],
                    }
                ],
            }
        ],
    },
    "launch_plan_template": {
        "template_id": TEMPLATE,
        "objective_ids": [OBJECTIVE],
        "start_date": "2026-01-05",
        "preview": True,
    },
    # Report exports
    "create_report_export": {"report": "one-on-ones", "from": "2026-01-01", "to": "2026-12-31"},
}
