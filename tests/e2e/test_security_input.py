"""Settings PATCHes merge, and input that means something is checked (issues 12.4, 13.8,
13.9), over HTTP against the local stack."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.e2e.security import assert_problem
from tests.support.harness import Actor, Reply
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e


def _directory_size(stack: HttpApi, admin: Actor) -> int:
    return len(stack.get(admin, "/v1/users?limit=100").ok()["items"])


def test_org_settings_patches_merge_into_what_is_there(stack: HttpApi) -> None:
    admin = stack.new_org("Merging")
    modules = stack.patch(
        admin, "/v1/org/settings", {"modules": {"one_on_ones": {"enabled": False}}}
    ).ok()["modules"]
    assert modules["one_on_ones"] == {"enabled": False, "display_name": "1:1s"}
    renamed = stack.patch(
        admin, "/v1/org/settings", {"modules": {"one_on_ones": {"display_name": "Meetings"}}}
    ).ok()
    assert renamed["modules"]["one_on_ones"] == {"enabled": False, "display_name": "Meetings"}
    assert renamed["modules"]["okrs"] == {"enabled": True, "display_name": "OKRs"}
    assert stack.get(admin, "/v1/one-on-ones").status == 404  # still disabled

    stack.patch(
        admin,
        "/v1/org/settings",
        {"checkin_reminders": {"cadence": "biweekly", "weekday": "friday", "hour": 8}},
    ).ok()
    reminders = stack.patch(admin, "/v1/org/settings", {"checkin_reminders": {"hour": 15}}).ok()[
        "checkin_reminders"
    ]
    assert reminders == {
        "cadence": "biweekly",
        "weekday": "friday",
        "hour": 15,
        "channels": ["email"],
    }

    # null resets one field to its default and leaves its neighbours alone
    reset = stack.patch(
        admin,
        "/v1/org/settings",
        {"modules": {"one_on_ones": {"display_name": None}}, "checkin_reminders": {"hour": None}},
    ).ok()
    assert reset["modules"]["one_on_ones"] == {"enabled": False, "display_name": "1:1s"}
    assert reset["checkin_reminders"]["hour"] == 9
    assert reset["checkin_reminders"]["weekday"] == "friday"

    before = stack.get(admin, "/v1/org/settings").ok()
    assert_problem(stack.patch(admin, "/v1/org/settings", {"name": None}), 422, "name")
    assert_problem(
        stack.patch(admin, "/v1/org/settings", {"checkin_reminders": {"hour": 24}}),
        422,
        "checkin_reminders.hour",
    )
    assert stack.get(admin, "/v1/org/settings").ok() == before


def test_my_settings_patches_merge_notification_switches(stack: HttpApi) -> None:
    admin = stack.new_org("Switches")
    ada = stack.add_user(admin, "Ada Switch")
    stack.patch(ada, "/v1/me/settings", {"notifications": {"one_on_one_reminder": False}}).ok()
    me = stack.patch(
        ada, "/v1/me/settings", {"notifications": {"engagement_off_track": False}}
    ).ok()
    assert me["settings"]["notifications"] == {
        "one_on_one_reminder": False,
        "engagement_off_track": False,
        "checkin_reminder_email": True,
        "checkin_reminder_slack": True,
    }
    stack.patch(ada, "/v1/me/settings", {"hide_private_notes": True}).ok()
    me = stack.patch(ada, "/v1/me/settings", {"notifications": {"one_on_one_reminder": None}}).ok()
    assert me["settings"]["notifications"]["one_on_one_reminder"] is True
    assert me["settings"]["notifications"]["engagement_off_track"] is False
    assert me["settings"]["hide_private_notes"] is True
    assert_problem(stack.patch(ada, "/v1/me/settings", {"time_zone": None}), 422, "time_zone")


def test_emails_must_be_email_addresses(stack: HttpApi) -> None:
    admin = stack.new_org("Emails")
    size = _directory_size(stack, admin)
    for bad in ("<script>@x.io", "a\u0000@x.io", "Ada <ada@x.io>", "ada@localhost", "ada@x"):
        reply = stack.post(admin, "/v1/users", {"email": bad, "name": "Bad Email"})
        assert_problem(reply, 422, "email")
    assert _directory_size(stack, admin) == size
    made = stack.post(admin, "/v1/users", {"email": "Zoe@Example.COM", "name": "Zoe"}).ok()
    assert made["email"] == "zoe@example.com"


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules", "right/UTC", "Mars/Base"])
def test_time_zones_must_be_iana_zone_names(stack: HttpApi, zone: str) -> None:
    admin = stack.new_org("Zones")
    before = stack.get(admin, "/v1/me").ok()
    assert_problem(stack.patch(admin, "/v1/me/settings", {"time_zone": zone}), 422, "time_zone")
    assert_problem(stack.patch(admin, "/v1/org/settings", {"time_zone": zone}), 422, "time_zone")
    size = _directory_size(stack, admin)
    reply = stack.post(
        admin, "/v1/users", {"email": "tz@zones.example.com", "name": "Tz", "time_zone": zone}
    )
    assert_problem(reply, 422, "time_zone")
    assert stack.get(admin, "/v1/me").ok() == before
    assert _directory_size(stack, admin) == size
    assert stack.patch(admin, "/v1/me/settings", {"time_zone": "Europe/Paris"}).status == 200


def test_account_ids_must_name_the_orgs_accounts(stack: HttpApi) -> None:
    admin, other = stack.new_org("Accounts Here"), stack.new_org("Accounts There")
    mine = stack.post(admin, "/v1/accounts", {"name": "Globex"}).ok()["id"]
    theirs = stack.post(other, "/v1/accounts", {"name": "Initech"}).ok()["id"]
    size = _directory_size(stack, admin)
    body = {"email": "cat@customers.example.com", "name": "Cat", "roles": ["customer"]}
    reply = stack.post(admin, "/v1/users", {**body, "account_ids": [mine, theirs]})
    assert_problem(reply, 422, "account_ids.1")
    assert_problem(
        stack.post(admin, "/v1/users", {**body, "account_ids": ["not-an-id"]}), 422, "account_ids.0"
    )
    assert _directory_size(stack, admin) == size
    cat = stack.post(admin, "/v1/users", {**body, "account_ids": [mine]}).ok()
    assert_problem(
        stack.patch(admin, f"/v1/users/{cat['id']}", {"account_ids": [theirs]}),
        422,
        "account_ids.0",
    )
    assert stack.get(admin, f"/v1/users/{cat['id']}").ok()["account_ids"] == [mine]


def test_only_slack_webhook_urls_are_accepted(stack: HttpApi) -> None:
    admin = stack.new_org("Webhooks")
    for bad in (
        "http://127.0.0.1:9000/admin",
        "http://169.254.169.254/latest/meta-data/",
        "https://hooks.slack.com.evil.example/services/T/B/x",
        "https://hooks.slack.com@evil.example/services/T/B/x",
        "http://hooks.slack.com/services/T/B/x",
        "https://hooks.slack.com:8443/services/T/B/x",
    ):
        reply = stack.patch(admin, "/v1/org/settings", {"slack": {"webhook_url": bad}})
        assert_problem(reply, 422, "slack.webhook_url")
    assert stack.get(admin, "/v1/org/settings").ok()["slack"] == {
        "configured": False,
        "webhook_url": None,
    }
    good = "https://hooks.slack.com/services/T000/B000/abcd"
    slack = stack.patch(admin, "/v1/org/settings", {"slack": {"webhook_url": good}}).ok()["slack"]
    assert slack == {"configured": True, "webhook_url": "…abcd"}
    # The local stack's own receiver is allowed there (and only there: see core/outbound.py).
    local = f"{stack.url}/local/slack/webhook"
    assert stack.patch(admin, "/v1/org/settings", {"slack": {"webhook_url": local}}).status == 200


def test_the_graph_validation_echo_is_bounded(stack: HttpApi) -> None:
    def handshake(token: str) -> Reply:
        return stack.request(
            None,
            "POST",
            f"/webhooks/microsoft?validationToken={quote(token)}",
            raw_body="",
            headers={"Content-Type": "text/plain"},
        )

    token = "Validation: Testing client application reachability for subscription Request-Id: 1"
    echo = handshake(token)
    assert (echo.status, echo.text) == (200, token)
    assert echo.headers["content-type"].startswith("text/plain")
    for bad in ("x" * 513, "<script>alert(1)</script>", "line\nbreak"):
        assert_problem(handshake(bad), 400)
