"""Provider throttling: a 429 or 503 with Retry-After is waited out (bounded), a longer
wait than the budget gives up at once with the provider's reason, and a change still
reaches the 1:1s exactly once. stamina is in testing mode (no real sleeps) except where a
test shows that giving up does not wait."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import stamina

from momentum.calendar.providers import http as calendar_http
from tests.support.calendar_providers import FakeProviders, connect, instant
from tests.support.harness import Actor, InProcessApi

NY = "America/New_York"


def _connected(api: InProcessApi, fakes: FakeProviders, provider: str) -> tuple[Actor, Actor]:
    admin = api.new_org("Acme", time_zone=NY)
    ada = api.add_user(admin, "Ada Lovelace", time_zone=NY)
    bob = api.add_user(admin, "Bob Builder")
    connect(api, fakes, ada, provider)
    return ada, bob


def _event(fakes: FakeProviders, ada: Actor, bob: Actor, provider: str, **extra: Any) -> str:
    body = {"provider": provider, "account": ada.email, "time_zone": NY, "title": "Ada / Bob",
            "start": instant(2, 10), "end": instant(2, 11), "attendees": [bob.email],
            **extra}  # fmt: skip
    event_id: str = fakes.control("/events", body)["id"]
    return event_id


def _throttle(fakes: FakeProviders, provider: str, **rule: Any) -> None:
    fakes.control("/throttle", {"provider": provider, **rule})


def _throttled(fakes: FakeProviders) -> list[str]:
    found: list[str] = fakes.state().get("throttled", [])
    return found


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_a_throttled_import_is_retried_and_makes_one_meeting(
    api: InProcessApi, fakes: FakeProviders, provider: str
) -> None:
    ada, bob = _connected(api, fakes, provider)
    event_id = _event(fakes, ada, bob, provider)
    _throttle(fakes, provider, retry_after=1, path="/events/")
    made = api.post(ada, "/v1/one-on-ones/import", {"provider": provider, "event_id": event_id})
    assert made.status == 201, made.text
    assert len(_throttled(fakes)) == 1  # answered 429 once, then the retry went through
    again = api.post(ada, "/v1/one-on-ones/import", {"provider": provider, "event_id": event_id})
    assert again.status == 409  # one meeting, linked once
    meeting = made.json["meeting"]
    listed = api.get(bob, "/v1/one-on-ones").ok()["items"]
    assert [item["id"] for item in listed] == [meeting["id"]]


def test_a_throttled_sync_applies_the_change_once(api: InProcessApi, fakes: FakeProviders) -> None:
    ada, bob = _connected(api, fakes, "google")
    event_id = _event(fakes, ada, bob, "google")
    made = api.post(ada, "/v1/one-on-ones/import", {"provider": "google", "event_id": event_id})
    meeting_id = made.ok()["meeting"]["id"]
    fakes.drain()
    fakes.control(
        f"/events/{event_id}/rename",
        {"provider": "google", "account": ada.email, "title": "Ada & Bob"},
    )
    # The change feed answers 503 (Retry-After: 0), then 429 without one: the third try
    # (the last there is) goes through.
    _throttle(fakes, "google", status=503, retry_after=0, path="/events")
    _throttle(fakes, "google", retry_after=None, path="/events")
    fakes.drain()  # fails the test if the sync failed
    assert len(_throttled(fakes)) == 2
    assert api.get(ada, f"/v1/meetings/{meeting_id}").ok()["title"] == "Ada & Bob"
    changes = api.get(ada, f"/v1/activity?entity_id={meeting_id}").ok()["items"]
    assert [c["action"] for c in changes].count("meeting_updated") == 1


@pytest.mark.parametrize(
    "retry_after",
    ["3600", format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)],
    ids=["seconds", "http-date"],
)
def test_a_retry_after_beyond_the_budget_gives_up_at_once(
    api: InProcessApi, fakes: FakeProviders, caplog: pytest.LogCaptureFixture, retry_after: str
) -> None:
    ada, bob = _connected(api, fakes, "microsoft")
    event_id = _event(fakes, ada, bob, "microsoft")
    _throttle(fakes, "microsoft", retry_after=retry_after, times=5, path="/events/")
    with stamina.set_testing(False), caplog.at_level(logging.WARNING, "momentum.calendar"):
        started = time.monotonic()
        made = api.post(
            ada, "/v1/one-on-ones/import", {"provider": "microsoft", "event_id": event_id}
        )
        elapsed = time.monotonic() - started
    assert made.status == 503, made.text
    assert made.json["title"] == "Calendar unavailable"
    assert elapsed < 3  # no waiting for an hour, nor for the budget
    assert len(_throttled(fakes)) == 1  # no second attempt
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "answered 429 (TooManyRequests Rate limit exceeded)" in logged
    assert "Retry-After" in logged and "more than we wait" in logged


def test_what_is_retried_and_how_often(fakes: FakeProviders) -> None:
    """Straight through the client: 429/503 for any method, other 5xx only when safe twice,
    never more than ATTEMPTS tries."""
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(int(request.url.params["status"]))

    calendar_http.use_transport(httpx.MockTransport(answer))
    url = "http://fake.local/local/calendar/google/calendar/v3/x"
    cases = [("GET", 500, 3), ("POST", 500, 1), ("POST", 503, 3), ("POST", 429, 3),
             ("GET", 404, 1), ("GET", 200, 1)]  # fmt: skip
    try:
        for method, status, tries in cases:
            seen.clear()
            failed = ""
            try:
                calendar_http.request(method, url, params={"status": status})
            except calendar_http.ProviderBusy as busy:
                failed = str(busy)
            assert len(seen) == tries, (method, status)
            # What was retried and still fails is an error; the rest is the caller's to read.
            assert (f"after {tries} attempts" in failed) == (tries == 3), failed
    finally:
        calendar_http.use_transport(fakes.transport)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    def header(value: str) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": value})

    now = time.time()
    stamp = format_datetime(datetime.fromtimestamp(now + 30, UTC), usegmt=True)
    assert calendar_http.retry_after(header("7")) == 7
    assert 29 <= (calendar_http.retry_after(header(stamp), now) or 0) <= 31
    assert calendar_http.retry_after(header("soon")) is None
    assert calendar_http.retry_after(httpx.Response(429)) is None
