"""Calendar OAuth binds the right account (issue 13.7), over HTTP against the local stack
and its fake Google and Microsoft providers."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest

from tests.e2e.security import assert_problem
from tests.support.calendar_providers import finish_sign_in, open_sign_in
from tests.support.harness import Actor
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e


def _status(stack: HttpApi, actor: Actor, provider: str) -> str:
    return str(stack.get(actor, f"/v1/calendar/connections/{provider}").ok()["status"])


def _consent(url: str, **fake_choice: str) -> httpx.Response:
    """The user's browser at the provider's consent page (the fake approves at once)."""
    return httpx.get(f"{url}&{urlencode(fake_choice)}" if fake_choice else url, timeout=30)


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_another_browsers_callback_is_refused_and_consumes_nothing(
    stack: HttpApi, provider: str
) -> None:
    admin = stack.new_org(f"Bound {provider}")
    ada, bob = stack.add_user(admin, "Ada Bound"), stack.add_user(admin, "Bob Other")
    ada_consent, ada_cookie = open_sign_in(stack, ada, provider)
    _, bob_cookie = open_sign_in(stack, bob, provider)
    redirect = _consent(ada_consent)

    # Bob's browser (his own sign-in cookie) or a browser without one cannot finish Ada's.
    for cookie in (bob_cookie, None):
        reply = finish_sign_in(stack, redirect, cookie)
        assert_problem(reply, 400)
        assert _status(stack, ada, provider) == _status(stack, bob, provider) == "not_connected"
    # The start link was opened once, by Ada's browser; a forwarded copy does not open again.
    link = stack.post(ada, "/v1/calendar/connections", {"provider": provider}).ok()
    start = link["authorization_url"].removeprefix(stack.url)
    assert stack.get(None, start).status == 302
    assert_problem(stack.get(None, start), 400)

    assert finish_sign_in(stack, redirect, ada_cookie).status == 302
    assert _status(stack, ada, provider) == "connected"
    assert _status(stack, bob, provider) == "not_connected"


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_a_provider_account_that_is_not_the_users_is_refused(stack: HttpApi, provider: str) -> None:
    admin = stack.new_org(f"Mismatch {provider}")
    ada = stack.add_user(admin, "Ada Mine")
    consent, cookie = open_sign_in(stack, ada, provider)
    redirect = _consent(consent, fake_account="someone.else@elsewhere.example.com")
    body = assert_problem(finish_sign_in(stack, redirect, cookie), 403)
    assert "someone.else@elsewhere.example.com" in str(body["detail"])
    assert body["reason"] == "account_mismatch"
    status = stack.get(ada, f"/v1/calendar/connections/{provider}").ok()
    assert status["status"] == "not_connected" and status["account_email"] is None


def test_an_unverified_google_email_is_refused(stack: HttpApi) -> None:
    admin = stack.new_org("Unverified")
    ada = stack.add_user(admin, "Ada Unverified")
    consent, cookie = open_sign_in(stack, ada, "google")
    redirect = _consent(consent, fake_email_verified="false")  # the same address, unverified
    assert_problem(finish_sign_in(stack, redirect, cookie), 403)
    assert _status(stack, ada, "google") == "not_connected"
    consent, cookie = open_sign_in(stack, ada, "google")
    assert finish_sign_in(stack, _consent(consent), cookie).status == 302
    status = stack.get(ada, "/v1/calendar/connections/google").ok()
    assert (status["status"], status["account_email"]) == ("connected", ada.email)
