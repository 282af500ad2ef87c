"""Issue 13: one org's revoked Slack webhook and one address SES refuses never stop the
sweeps for anyone else. Org X's failures are recorded per item and recipient, retried by
`delivery-retries` at the backoff instants, then parked and listed for X's admins; org Y
gets everything, once. Failures are real: a local HTTP server answers like a revoked Slack
webhook, and moto's SES refuses an address it cannot parse."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from momentum.calendar import keys as calendar_keys
from momentum.calendar.connections import tokens
from momentum.core import clock
from momentum.store import table
from momentum.store.keys import due_attributes
from tests.support.calendar_providers import FakeProviders, connect
from tests.support.harness import Actor, Api, InProcessApi
from tests.support.slack_server import SlackServer, slack_server

SUNDAY = clock.parse_instant("2026-11-01T12:00:00Z")
MONDAY_9 = clock.parse_instant("2026-11-02T09:00:00Z")  # check-ins due; 1:1 at 10:00
OFF_TRACK_DAY = SUNDAY + timedelta(days=7)  # a 7-day engagement activated on SUNDAY
SUMMARY_SUNDAY = clock.parse_instant("2026-11-08T18:00:00Z")
RETRIES = (timedelta(minutes=5), timedelta(minutes=35), timedelta(minutes=155))
# parseaddr() reads "rita" out of it, so SES (moto's, like Amazon's) refuses the send.
REFUSED = "rita;refused@broken.example.test"
Mover = Callable[[datetime], None]


@pytest.fixture
def slack() -> Iterator[SlackServer]:
    with slack_server() as server:
        yield server


@pytest.fixture
def move_to(monkeypatch: pytest.MonkeyPatch) -> Mover:
    state = {"now": SUNDAY}
    monkeypatch.setattr(clock, "now", lambda: state["now"])

    def move(instant: datetime) -> None:
        state["now"] = instant

    return move


def iso(instant: datetime) -> str:
    return clock.api_instant(instant)


@dataclass
class Org:
    admin: Actor
    coachee: Actor  # owns a goal, has a 1:1 with the coach, is coached
    coach: Actor


def set_up_org(api: Api, name: str, coachee_email: str | None, webhook: str | None) -> Org:
    admin = api.new_org(name)
    settings: dict[str, Any] = {
        "checkin_reminders": {
            "cadence": "weekly",
            "weekday": "monday",
            "hour": 9,
            "channels": ["email", "slack"] if webhook else ["email"],
        }
    }
    if webhook:
        settings["slack"] = {"webhook_url": webhook}
    api.patch(admin, "/v1/org/settings", settings).ok()
    company = api.post(admin, "/v1/companies", {"name": f"{name} Ltd"}).ok()
    place = api.post(admin, f"/v1/companies/{company['id']}/locations", {"name": "HQ"}).ok()
    placed = {"company_id": company["id"], "location_id": place["id"]}
    coach = api.add_user(admin, f"Coach of {name}", roles=["coach"], **placed)
    coachee_name = f"Coachee of {name}"
    if coachee_email:
        clean = f"coachee@{name.lower().replace(' ', '-')}.test"
        body = {"email": clean, "name": coachee_name, "roles": ["coachee"], **placed}
        made = api.post(admin, "/v1/users", body).ok()
        api.keep_dirty_email(admin.org_id, made["id"], coachee_email)  # saved before the rule
        coachee = Actor(admin.org_id, made["id"], email=coachee_email, name=coachee_name)
    else:
        coachee = api.add_user(admin, coachee_name, roles=["coachee"], **placed)
    for owner in (coachee, coach):
        body = {
            "kind": "objective",
            "title": f"Goal of {owner.name}",
            "owner_id": owner.user_id,
            "start_date": "2026-10-01",
            "due_date": "2026-12-31",
        }
        api.post(admin, "/v1/goals", body).ok()
    meeting = {
        "with_user_id": coachee.user_id,
        "title": f"{name} 1:1",
        "start": "2026-11-02T10:00:00Z",
        "end": "2026-11-02T10:30:00Z",
    }
    assert api.post(coach, "/v1/one-on-ones", meeting).status == 201  # even when refused
    template = api.post(
        admin,
        "/v1/engagement-templates",
        {
            "name": "Sprint",
            "type": "one_on_one",
            "progress_tracking": {"enabled": True, "threshold_days": 7, "notify_off_track": True},
        },
    ).ok()
    launch = {
        "template_id": template["id"],
        "coachee_id": coachee.user_id,
        "coach_id": coach.user_id,
    }
    engagement = api.post(admin, "/v1/engagements", launch).ok()
    api.post(admin, f"/v1/engagements/{engagement['id']}/activate").ok()
    return Org(admin, coachee, coach)


def mail_to(api: Api, *addresses: str) -> list[dict[str, Any]]:
    return [m for m in api.outbox() if set(m["to"]) & set(addresses)]


def problems(api: Api, admin: Actor) -> list[dict[str, Any]]:
    return list(api.get(admin, "/v1/org/delivery-problems").ok()["items"])


def retry_through_backoff(api: Api, failed_at: datetime, expected: int) -> None:
    """delivery-retries at 5 min, +30 min and +2 h after the failure: retried, then parked."""
    for after in RETRIES:
        summary = api.run_sweep("delivery-retries", iso(failed_at + after))
        assert (summary["due"], summary["failed"], summary["done"]) == (expected, expected, 0)


def test_one_orgs_broken_deliveries_are_retried_then_parked_and_never_block_another(
    api: InProcessApi, slack: SlackServer, move_to: Mover
) -> None:
    x = set_up_org(api, "Broken", REFUSED, f"{slack.url}/refuse")
    y = set_up_org(api, "Healthy", None, None)
    y_people = (y.admin.email, y.coachee.email, y.coach.email)
    x_people = (x.admin.email, x.coach.email)
    # the 1:1 creation email: sent for Y; refused for X's coachee, yet the 1:1 was created
    assert len(mail_to(api, y.coachee.email)) == 1
    assert [p["kind"] for p in problems(api, x.admin)] == ["one_on_one_created"]
    retry_through_backoff(api, SUNDAY, expected=1)

    checkins = api.run_sweep("checkin-reminders", iso(MONDAY_9))
    # X: the coachee's email and both Slack posts fail; the coach's email goes out
    assert (checkins["reminders"], checkins["failed"]) == (3, 3)
    reminders = api.run_sweep("one-on-one-reminders", iso(MONDAY_9))
    assert (reminders["done"], reminders["failed"]) == (2, 1)
    retry_through_backoff(api, MONDAY_9, expected=4)

    progress = api.run_sweep("engagement-progress", iso(OFF_TRACK_DAY))
    assert (progress["done"], progress["emails"], progress["failed"]) == (2, 5, 1)
    retry_through_backoff(api, OFF_TRACK_DAY, expected=1)

    summaries = api.run_sweep("weekly-summary", iso(SUMMARY_SUNDAY))
    assert summaries["failed"] == 1
    retry_through_backoff(api, SUMMARY_SUNDAY, expected=1)

    # Y got everything: created, two check-ins, two reminders, three off-track, two summaries
    assert len(mail_to(api, *y_people)) == 10
    # X's working addresses too: check-in, reminder, off-track (coach, admin), summary
    assert len(mail_to(api, *x_people)) == 5
    assert mail_to(api, REFUSED) == []
    # each of the two Slack reminders was tried once and retried three times
    assert len(slack.posts_to("/refuse")) == 8
    assert any("Goal of Coach of Broken" in post["text"] for post in slack.posts_to("/refuse"))

    parked = problems(api, x.admin)
    assert sorted((p["kind"], p["channel"]) for p in parked) == [
        ("checkin_reminder", "email"),
        ("checkin_reminder", "slack"),
        ("checkin_reminder", "slack"),
        ("engagement_off_track", "email"),
        ("one_on_one_created", "email"),
        ("one_on_one_reminder", "email"),
        ("weekly_summary", "email"),
    ]
    firsts = [p["first_attempt_at"] for p in parked]
    assert firsts == sorted(firsts, reverse=True)  # newest first
    assert all(p["state"] == "parked" and p["attempts"] == 4 for p in parked)
    assert all(p["next_attempt_at"] is None for p in parked)
    emails = [p for p in parked if p["channel"] == "email"]
    assert {p["recipient"] for p in emails} == {REFUSED}
    assert {p["recipient_id"] for p in emails} == {x.coachee.user_id}
    assert all("SES refused the email" in p["reason"] for p in emails)
    posts = [p for p in parked if p["channel"] == "slack"]
    assert {p["recipient_id"] for p in posts} == {x.coachee.user_id, x.coach.user_id}
    assert all(p["reason"] == "Slack answered 403: invalid_token" for p in posts)
    summary_problem = parked[0]
    assert summary_problem["first_attempt_at"] == iso(SUMMARY_SUNDAY)
    assert summary_problem["last_attempt_at"] == iso(SUMMARY_SUNDAY + RETRIES[-1])
    assert all("Broken 1:1" not in str(p) for p in parked)  # a 1:1's title is not the admin's

    assert problems(api, y.admin) == []
    assert api.get(x.coach, "/v1/org/delivery-problems").status == 403
    page = api.get(x.admin, "/v1/org/delivery-problems?limit=5").ok()
    rest = api.get(x.admin, f"/v1/org/delivery-problems?cursor={page['next_cursor']}").ok()
    assert [p["kind"] for p in page["items"] + rest["items"]] == [p["kind"] for p in parked]
    assert api.get(y.admin, f"/v1/org/delivery-problems?cursor={page['next_cursor']}").status == 400

    # replays of every sweep, at every instant, send nothing new and fail nothing new
    sent, posted = len(api.outbox()), len(slack.posts)
    for sweep, at in (
        ("checkin-reminders", MONDAY_9),
        ("one-on-one-reminders", MONDAY_9),
        ("engagement-progress", OFF_TRACK_DAY),
        ("weekly-summary", SUMMARY_SUNDAY),
        ("delivery-retries", SUMMARY_SUNDAY + timedelta(days=1)),
    ):
        assert api.run_sweep(sweep, iso(at))["failed"] == 0
    assert (len(api.outbox()), len(slack.posts)) == (sent, posted)
    assert len(problems(api, x.admin)) == 7


def test_a_mended_webhook_is_used_by_the_next_retry(
    api: InProcessApi, slack: SlackServer, move_to: Mover
) -> None:
    x = set_up_org(api, "Broken", None, f"{slack.url}/gone")
    first = api.run_sweep("checkin-reminders", iso(MONDAY_9))
    assert first["failed"] == 2  # both owners' Slack reminders; both emails went out
    [retrying, _] = problems(api, x.admin)
    assert retrying["state"] == "retrying"
    assert retrying["reason"] == "Slack answered 404: no_service"
    assert retrying["next_attempt_at"] == iso(MONDAY_9 + RETRIES[0])

    api.patch(x.admin, "/v1/org/settings", {"slack": {"webhook_url": f"{slack.url}/new"}}).ok()
    from momentum.frame import org as org_cache

    org_cache.clear_cache()  # the 60 s org cache of a warm container has passed
    early = api.run_sweep("delivery-retries", iso(MONDAY_9 + timedelta(minutes=4)))
    assert early["due"] == 0
    retried = api.run_sweep("delivery-retries", iso(MONDAY_9 + RETRIES[0]))
    assert (retried["done"], retried["failed"]) == (2, 0)
    assert len(slack.posts_to("/new")) == 2
    assert problems(api, x.admin) == []
    for later in (RETRIES[0], RETRIES[1], timedelta(days=1)):
        api.run_sweep("delivery-retries", iso(MONDAY_9 + later))
        api.run_sweep("checkin-reminders", iso(MONDAY_9))
    assert len(slack.posts_to("/new")) == 2
    assert len(slack.posts_to("/gone")) == 2


def test_a_retry_after_slack_was_switched_off_parks_at_once(
    api: InProcessApi, slack: SlackServer, move_to: Mover
) -> None:
    x = set_up_org(api, "Broken", None, f"{slack.url}/refuse")
    assert api.run_sweep("checkin-reminders", iso(MONDAY_9))["failed"] == 2
    api.patch(x.admin, "/v1/org/settings", {"slack": {"webhook_url": None}}).ok()
    from momentum.frame import org as org_cache

    org_cache.clear_cache()
    retried = api.run_sweep("delivery-retries", iso(MONDAY_9 + RETRIES[0]))
    assert (retried["due"], retried["failed"]) == (2, 2)
    parked = problems(api, x.admin)
    assert [(p["state"], p["attempts"]) for p in parked] == [("parked", 2), ("parked", 2)]
    assert {p["reason"] for p in parked} == {"Slack is not configured for the organisation."}
    assert api.run_sweep("delivery-retries", iso(MONDAY_9 + RETRIES[1]))["due"] == 0
    assert len(slack.posts_to("/refuse")) == 2


def test_an_entry_that_breaks_its_sweep_is_backed_off_and_the_rest_still_run(
    api: InProcessApi, slack: SlackServer, move_to: Mover
) -> None:
    y = set_up_org(api, "Healthy", None, None)
    # an entry no code path would write: a weekly-summary schedule without its user
    broken_pk = f"ORG#{y.admin.org_id}#WEEKLY#broken"
    due = due_attributes("weekly-summary", SUMMARY_SUNDAY - timedelta(hours=1), broken_pk)
    table.put({"pk": broken_pk, "sk": "SUMMARY", **due})

    first = api.run_sweep("weekly-summary", iso(SUMMARY_SUNDAY))
    assert (first["failed"], first["done"]) == (1, 2)
    summaries = [m for m in api.outbox() if m["subject"].startswith("Your week")]
    assert sorted(m["to"][0] for m in summaries) == sorted([y.coach.email, y.coachee.email])
    # not retried in a hot loop: backed off 5 min, then 30 min
    assert api.run_sweep("weekly-summary", iso(SUMMARY_SUNDAY))["due"] == 0
    again = api.run_sweep("weekly-summary", iso(SUMMARY_SUNDAY + timedelta(minutes=5)))
    assert (again["due"], again["failed"]) == (1, 1)
    later = SUMMARY_SUNDAY + timedelta(minutes=34)
    assert api.run_sweep("weekly-summary", iso(later))["due"] == 0
    assert api.run_sweep("weekly-summary", iso(later + timedelta(minutes=1)))["failed"] == 1


def run_refused_creation_story(api: Api, start: datetime) -> None:
    """A 1:1 whose creation email SES refuses is created (201) all the same; a retry with the
    same Idempotency-Key answers the same meeting and makes no second one."""
    tag = uuid.uuid4().hex[:8]
    admin = api.new_org(f"Refused {tag}")
    owner = api.add_user(admin, f"Olga Owner {tag}")
    refused = f"rita;refused@{tag}.example.test"
    clean = f"rita@{tag}.example.test"
    other = api.post(admin, "/v1/users", {"email": clean, "name": "Rita Refused"}).ok()
    api.keep_dirty_email(admin.org_id, other["id"], refused)  # saved before the rule
    body = {
        "with_user_id": other["id"],
        "title": "First chat",
        "start": iso(start),
        "end": iso(start + timedelta(minutes=30)),
    }
    key = {"Idempotency-Key": f"refused-{tag}"}
    first = api.post(owner, "/v1/one-on-ones", body, headers=key)
    assert first.status == 201, first.text
    again = api.post(owner, "/v1/one-on-ones", body, headers=key)
    assert again.status == 201, again.text
    assert again.json["meeting"]["id"] == first.json["meeting"]["id"]
    [row] = api.get(owner, "/v1/one-on-ones?tab=upcoming").ok()["items"]
    assert row["id"] == first.json["meeting"]["id"]
    [problem] = api.get(admin, "/v1/org/delivery-problems").ok()["items"]
    assert (problem["kind"], problem["state"], problem["attempts"]) == (
        "one_on_one_created",
        "retrying",
        1,
    )
    assert problem["recipient"] == refused
    # retried at the backoff instants, then parked; the meeting is still the one meeting
    failed_at = clock.parse_instant(problem["first_attempt_at"])
    for after in RETRIES:
        api.run_sweep("delivery-retries", iso(failed_at + after))
    [parked] = api.get(admin, "/v1/org/delivery-problems").ok()["items"]
    assert (parked["state"], parked["attempts"]) == ("parked", 4)
    assert parked["last_attempt_at"] == iso(failed_at + RETRIES[-1])
    late = api.post(owner, "/v1/one-on-ones", body, headers=key)
    assert late.json["meeting"]["id"] == first.json["meeting"]["id"]
    assert len(api.get(owner, "/v1/one-on-ones?tab=upcoming").ok()["items"]) == 1
    assert [m for m in api.outbox() if refused in m["to"]] == []


def test_a_refused_creation_email_never_fails_nor_duplicates_the_one_on_one(
    api: InProcessApi, move_to: Mover
) -> None:
    run_refused_creation_story(api, SUNDAY + timedelta(days=1))


def test_one_connections_broken_renewal_never_stops_the_others(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    admin = api.new_org("Acme")
    ada, bob = api.add_user(admin, "Ada Lovelace"), api.add_user(admin, "Bob Builder")
    connect(api, fakes, ada, "google")
    connect(api, fakes, bob, "google")

    def channels(who: Actor) -> list[Any]:
        return list(fakes.state()["accounts"][f"google:{who.email}"]["channels"])

    before = {ada.name: channels(ada), bob.name: channels(bob)}
    # Ada's stored refresh token no longer opens (a corrupted ciphertext): not a provider error
    stored = table.get(calendar_keys.connection_key(ada.org_id, ada.user_id, "google")) or {}
    broken = {**stored["refresh"], "ciphertext": base64.b64encode(b"x" * 40).decode()}
    table.put({**stored, "refresh": broken})
    tokens.clear()
    later = clock.api_instant(clock.now() + timedelta(days=6, hours=12))
    summary = api.run_sweep("calendar-renewal", later)
    assert (summary["due"], summary["done"], summary["failed"]) == (2, 1, 1)
    assert channels(bob) != before[bob.name]  # Bob's channel was replaced
    assert channels(ada) == before[ada.name]
    assert api.run_sweep("calendar-renewal", later)["due"] == 0  # Ada's waits for its retry
