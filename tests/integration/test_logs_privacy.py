"""What the functions log: correlation ids and counts, never a private note."""

from __future__ import annotations

import io
import json
import logging

import pytest

from momentum.core import observability
from tests.integration.test_one_on_ones_story import run_privacy_and_notifications_story
from tests.support.harness import InProcessApi
from tests.support.one_on_ones import MARKER, START, Clock


def test_logs_of_a_whole_one_on_one_story_hold_no_private_note(
    api: InProcessApi, set_now: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = io.StringIO()
    handler = observability.logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    earlier = handler.setStream(logs)
    observability.logger.setLevel("DEBUG")
    try:
        run_privacy_and_notifications_story(api, START)
    finally:
        observability.logger.setLevel("INFO")
        handler.setStream(earlier)
    out, err = capsys.readouterr()  # EMF metrics are printed lines
    written = logs.getvalue() + out
    lines = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
    answered = [line for line in lines if line.get("message") == "request answered"]
    assert answered, "the API functions logged nothing"
    assert all(line.get("correlation_id") for line in answered)  # the API request id
    metrics = [line for line in lines if "_aws" in line]
    assert {"Requests", "NotificationsSent"} <= {
        metric["Name"]
        for line in metrics
        for d in line["_aws"]["CloudWatchMetrics"]
        for metric in d["Metrics"]
    }
    assert MARKER not in written and MARKER not in err
