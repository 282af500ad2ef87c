"""The pure security rules: outbound URLs, customers' reach, emails and time zones."""

from __future__ import annotations

import pytest

from momentum.core import outbound
from momentum.core.clock import is_time_zone
from momentum.core.emails import email_address
from momentum.core.outsiders import check_customer_reach
from momentum.core.problems import Forbidden, NotFound
from tests.support import events


@pytest.fixture(autouse=True)
def _default_prefixes(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind in (outbound.SLACK_WEBHOOK, outbound.CALENDAR_PROVIDER):
        monkeypatch.delenv(f"{kind}_ALLOWED_PREFIXES", raising=False)
    outbound.clear()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.slack.com/services/T/B/x", True),
        ("https://HOOKS.slack.com/services/T/B/x", True),
        ("https://hooks.slack.com", False),
        ("http://hooks.slack.com/services/T/B/x", False),
        ("https://hooks.slack.com:444/services/T/B/x", False),
        ("https://hooks.slack.com.evil.example/x", False),
        ("https://hooks.slack.com@evil.example/x", False),
        ("https://user:pw@hooks.slack.com/x", False),
        ("https://hooks.slack.com/x\r\nHost: evil", False),
        ("https://hooks.slack.com:99999/x", False),
        ("https://evil.example/https://hooks.slack.com/", False),
    ],
)
def test_slack_webhooks_go_only_to_slack(url: str, allowed: bool) -> None:
    assert outbound.is_allowed(url, outbound.SLACK_WEBHOOK) is allowed


def test_an_environment_replaces_a_kinds_prefixes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "CALENDAR_PROVIDER_ALLOWED_PREFIXES", "http://127.0.0.1:3000/local/calendar/"
    )
    outbound.clear()
    kind = outbound.CALENDAR_PROVIDER
    assert outbound.is_allowed("http://127.0.0.1:3000/local/calendar/google/oauth/token", kind)
    assert not outbound.is_allowed("http://127.0.0.1:3000/local/calendar", kind)
    assert not outbound.is_allowed("http://127.0.0.1:3000/v1/me", kind)
    assert not outbound.is_allowed("https://graph.microsoft.com/v1.0/me", kind)
    with pytest.raises(outbound.OutboundRefused):
        outbound.require("http://169.254.169.254/latest", kind)


def _event(method: str, path: str) -> dict[str, object]:
    return events.api_request(method, path)


def test_a_customer_reaches_only_the_listed_routes() -> None:
    customer = frozenset({"customer"})
    for method, path in [
        ("GET", "/v1/me"),
        ("PATCH", "/v1/me/settings"),
        ("GET", "/v1/users/me-id"),
        ("GET", "/v1/accounts/a1/action-plan"),
        ("PATCH", "/v1/accounts/a1/plans/p1"),
        ("GET", "/v1/plan-templates"),
    ]:
        check_customer_reach(customer, "me-id", _event(method, path))
    for method, path in [("GET", "/v1/users/other"), ("GET", "/v1/goals"), ("GET", "/v1/me/x")]:
        with pytest.raises(NotFound):
            check_customer_reach(customer, "me-id", _event(method, path))
    for method, path in [("POST", "/v1/goals"), ("PATCH", "/v1/users/me-id"), ("POST", "/v1/me")]:
        with pytest.raises(Forbidden):
            check_customer_reach(customer, "me-id", _event(method, path))
    check_customer_reach(frozenset({"employee"}), "me-id", _event("GET", "/v1/goals"))


@pytest.mark.parametrize(
    "bad",
    ["<script>@x.io", "a\x00@x.io", "Ada <ada@x.io>", "ada@localhost", '"a b"@x.io', "a@[1.2.3.4]"],
)
def test_emails_are_checked_as_emails(bad: str) -> None:
    with pytest.raises(ValueError, match="not a valid email address"):
        email_address(bad)


def test_a_valid_email_has_its_domain_normalised() -> None:
    assert email_address("Ada@Example.COM") == "Ada@example.com"
    assert email_address("ada@team.example.test") == "ada@team.example.test"


@pytest.mark.parametrize(
    ("name", "known"),
    [("Europe/Paris", True), ("UTC", True), ("localtime", False), ("Factory", False),
     ("posixrules", False), ("right/UTC", False), ("posix/UTC", False), ("Europe//Paris", False)],
)  # fmt: skip
def test_time_zones_are_iana_names(name: str, known: bool) -> None:
    assert is_time_zone(name) is known


def test_a_stored_webhook_outside_slack_is_never_posted_to() -> None:
    from momentum.notify.failures import DeliveryFailed
    from momentum.notify.slack import post_slack

    # No network here: the refusal comes before any request is made.
    with pytest.raises(DeliveryFailed, match="not an allowed Slack URL"):
        post_slack("http://169.254.169.254/latest/meta-data/", "Ada's check-in is due")
