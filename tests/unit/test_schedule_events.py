"""The one scheduled-sweep event builder: what tests, benchmarks and the local server hand
the sweeps function is EventBridge Scheduler's full event, with any extra detail keys."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from infra.schedule_events import as_delivered, scheduled_event, scheduled_sweep_input


def test_a_scheduled_event_is_eventbridges_full_shape_at_the_due_time() -> None:
    event = EventBridgeModel.model_validate(
        scheduled_event("checkin-reminders", "2026-11-23T09:00:00Z")
    )
    assert event.detail_type == "Scheduled Event"
    assert event.detail == {"sweep": "checkin-reminders"}
    assert event.time.isoformat() == "2026-11-23T09:00:00+00:00"
    assert event.resources and event.resources[0].endswith("momentum-checkin-reminders")


def test_extra_detail_keys_ride_along_and_never_replace_the_sweep() -> None:
    made = scheduled_event(
        "rollover", "2026-11-23T09:00:00Z", detail={"inline": True, "sweep": "x"}
    )
    assert made["detail"] == {"sweep": "rollover", "inline": True}
    schedule_input = json.dumps(scheduled_sweep_input("rollover", account="1", region="r"))
    delivered = as_delivered(
        schedule_input,
        scheduled_time="2026-11-23T09:00:00Z",
        execution_id="e",
        schedule_arn="arn",
        detail={"inline": True},
    )
    assert delivered["detail"] == {"sweep": "rollover", "inline": True}
    assert (delivered["id"], delivered["resources"]) == ("e", ["arn"])
