"""The Slack app under moto, with the fake Slack Web API on a real HTTP port: 1:1
reminders and summaries as DMs, email for whoever Slack lacks, a DM that keeps being
rate limited retried by the delivery-retries sweep, email again once uninstalled, and
off-track nudges as DMs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from momentum.core import aws
from momentum.core.clock import parse_instant
from momentum.core.config import settings
from tests.support.coaching import at, email_of, launch_active, sent_to, set_up_program
from tests.support.harness import Actor, InProcessApi
from tests.support.one_on_ones import MARKER, Clock, weekly
from tests.support.slack_web_api import SlackWebApi, slack_web_api

SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def slack(api: InProcessApi, tmp_path: Path) -> Iterator[SlackWebApi]:
    saved = os.environ.get("KMS_KEY_ID")
    os.environ["KMS_KEY_ID"] = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    settings.cache_clear()
    with slack_web_api(tmp_path) as fake:
        yield fake
    if saved is None:
        os.environ.pop("KMS_KEY_ID", None)
    else:
        os.environ["KMS_KEY_ID"] = saved
    settings.cache_clear()


def installed(api: InProcessApi, slack: SlackWebApi, admin: Actor, members: list[str]) -> None:
    token = f"xoxb-{admin.org_id.lower()}"
    slack.control("workspaces", {"team_id": f"T{admin.org_id[-6:]}", "bot_token": token,
                                 "members": members})  # fmt: skip
    api.put(admin, "/v1/org/slack-app", {"bot_token": token, "signing_secret": SECRET}).ok()


def dms(slack: SlackWebApi, who: Actor) -> list[str]:
    return [m["text"] for m in slack.direct_messages() if m["to"] == [who.email]]


def reminders_by_email(api: InProcessApi, who: Actor) -> list[dict]:
    return [m for m in api.outbox() if m["to"] == [who.email] and "In one hour" in m["subject"]]


def test_meeting_reminders_and_summaries_are_dms_and_email_for_the_rest(
    api: InProcessApi, slack: SlackWebApi, set_now: Clock
) -> None:
    admin = api.new_org("Acme", time_zone="UTC")
    mia, eli = api.add_user(admin, "Mia Manager"), api.add_user(admin, "Eli Employee")
    installed(api, slack, admin, [mia.email])  # Eli is not in Slack
    meeting = weekly(api, mia, eli)["series"]["meetings"][0]
    api.put(mia, f"/v1/meetings/{meeting['id']}/private-notes", {"body": MARKER}).ok()
    api.run_sweep("one-on-one-reminders", "2026-11-02T09:00:00Z")
    api.run_sweep("one-on-one-reminders", "2026-11-02T09:00:00Z")  # a replay sends nothing
    [to_mia] = dms(slack, mia)
    assert 'Your meeting "Mia / Eli" with Eli Employee starts in one hour' in to_mia
    assert "You got this message because you are a participant" in to_mia
    assert reminders_by_email(api, mia) == []
    assert len(reminders_by_email(api, eli)) == 1 and dms(slack, eli) == []
    api.run_sweep("weekly-summary", "2026-11-08T18:00:00Z")
    assert len(dms(slack, mia)) == 2
    assert all(MARKER not in text for text in dms(slack, mia))


def test_a_dm_rate_limited_past_its_waits_is_retried_by_the_sweep_once(
    api: InProcessApi, slack: SlackWebApi, set_now: Clock
) -> None:
    admin = api.new_org("Acme", time_zone="UTC")
    mia, eli = api.add_user(admin, "Mia Manager"), api.add_user(admin, "Eli Employee")
    installed(api, slack, admin, [mia.email, eli.email])
    weekly(api, mia, eli)
    # lookup, then postMessage limited three times: the client's two waits are not enough
    slack.control("rate-limit", {"calls": 4, "retry_after": 0})
    summary = api.run_sweep("one-on-one-reminders", "2026-11-02T09:00:00Z")
    assert summary["failed"] == 1
    [problem] = api.get(admin, "/v1/org/delivery-problems").ok()["items"]
    assert problem["channel"] == "slack_dm" and "ratelimited" in problem["reason"]
    assert problem["recipient"] in (mia.email, eli.email)
    api.run_sweep("delivery-retries", "2026-11-02T09:04:00Z")  # not due yet
    assert len(dms(slack, mia)) + len(dms(slack, eli)) == 1
    api.run_sweep("delivery-retries", "2026-11-02T09:05:00Z")
    api.run_sweep("delivery-retries", "2026-11-02T09:05:00Z")
    assert len(dms(slack, mia)) == len(dms(slack, eli)) == 1
    assert api.get(admin, "/v1/org/delivery-problems").ok()["items"] == []


def test_after_uninstalling_reminders_are_emails_again(
    api: InProcessApi, slack: SlackWebApi, set_now: Clock
) -> None:
    admin = api.new_org("Acme", time_zone="UTC")
    mia, eli = api.add_user(admin, "Mia Manager"), api.add_user(admin, "Eli Employee")
    installed(api, slack, admin, [mia.email, eli.email])
    weekly(api, mia, eli)
    assert api.delete(admin, "/v1/org/slack-app").status == 204
    api.run_sweep("one-on-one-reminders", "2026-11-02T09:00:00Z")
    assert dms(slack, mia) == [] and len(reminders_by_email(api, mia)) == 1


def test_off_track_nudges_are_dms_to_coachee_coach_and_admin(
    api: InProcessApi, slack: SlackWebApi
) -> None:
    program = set_up_program(api, coachees=1)
    [coachee] = program.coachees
    coach, admin = program.coach, program.admin
    installed(api, slack, admin, [email_of(api, admin, p) for p in (coachee, coach, admin)])
    engagement = launch_active(api, program, coachee)
    started = parse_instant(engagement["activated_at"])
    api.run_sweep("engagement-progress", at(started, 21))
    api.run_sweep("engagement-progress", at(started, 21))  # a replay sends nothing more
    for person in (coachee, coach, admin):
        address = email_of(api, admin, person)
        [text] = [m["text"] for m in slack.direct_messages() if m["to"] == [address]]
        assert "off track" in text
        assert sent_to(api, address) == []  # not emailed as well
