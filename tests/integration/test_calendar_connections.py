"""Connecting, protecting, renewing, reconciling and disconnecting calendars."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ClientError

from momentum.calendar import keys
from momentum.calendar.connections import crypto
from momentum.core import clock
from momentum.store import table
from tests.support.calendar_providers import (
    FakeProviders,
    connect,
    finish_sign_in,
    header,
    instant,
    open_sign_in,
)
from tests.support.harness import Actor, InProcessApi


def users(api: InProcessApi) -> tuple[Actor, Actor]:
    admin = api.new_org("Acme")
    return api.add_user(admin, "Ada Lovelace"), api.add_user(admin, "Bob Builder")


def stored_connection(actor: Actor, provider: str) -> dict[str, object] | None:
    return table.get(keys.connection_key(actor.org_id, actor.user_id, provider))


def refresh_tokens(fakes: FakeProviders, email: str, provider: str) -> list[str]:
    grants = fakes.state().get("refresh", {})
    return [t for t, g in grants.items() if g["email"] == email and g["provider"] == provider]


def test_the_refresh_token_is_stored_only_as_kms_ciphertext(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, bob = users(api)
    connect(api, fakes, ada, "google")
    item = stored_connection(ada, "google")
    assert item is not None
    (token,) = refresh_tokens(fakes, ada.email, "google")
    assert token not in json.dumps(item)
    assert crypto.open_sealed(item["refresh"], org_id=ada.org_id, user_id=ada.user_id) == token
    with pytest.raises(ClientError):  # the encryption context binds it to its user
        crypto.open_sealed(item["refresh"], org_id=ada.org_id, user_id=bob.user_id)


def test_disconnect_revokes_and_deletes(api: InProcessApi, fakes: FakeProviders) -> None:
    ada, _ = users(api)
    connect(api, fakes, ada, "google")
    (token,) = refresh_tokens(fakes, ada.email, "google")
    assert api.delete(ada, "/v1/calendar/connections/google").status == 204
    assert stored_connection(ada, "google") is None
    assert fakes.state()["refresh"][token]["revoked"] is True
    assert fakes.state()["accounts"][f"google:{ada.email}"]["channels"] == {}
    status = api.get(ada, "/v1/calendar/connections/google").ok()
    assert status["status"] == "not_connected"
    assert api.delete(ada, "/v1/calendar/connections/google").status == 404


def test_microsoft_rotates_refresh_tokens_and_the_newest_is_kept(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, _ = users(api)
    connect(api, fakes, ada, "microsoft")
    item = stored_connection(ada, "microsoft")
    assert item is not None and item["refresh_version"] == 2  # rotated by the first sync
    newest = refresh_tokens(fakes, ada.email, "microsoft")[-1]
    assert crypto.open_sealed(item["refresh"], org_id=ada.org_id, user_id=ada.user_id) == newest


def test_a_sign_in_link_works_once(api: InProcessApi, fakes: FakeProviders) -> None:
    ada, _ = users(api)
    consent, cookie = open_sign_in(api, ada, "google")
    query = parse_qs(urlsplit(consent).query)
    assert query["code_challenge_method"] == ["S256"] and query["login_hint"] == [ada.email]
    redirect = fakes.browse(consent)
    assert finish_sign_in(api, redirect, cookie).status == 302
    assert finish_sign_in(api, redirect, cookie).status == 400
    assert api.get(None, "/v1/calendar/oauth/callback?code=x&state=forged").status == 400
    assert api.get(None, "/v1/calendar/oauth/callback?error=access_denied").status == 400
    assert api.post(ada, "/v1/calendar/connections", {"provider": "yahoo"}).status == 422


def test_a_start_link_binds_one_browser_and_opens_once(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, _ = users(api)
    link = api.post(ada, "/v1/calendar/connections", {"provider": "google"}).ok()
    start = urlsplit(link["authorization_url"])
    opened = api.get(None, f"{start.path}?{start.query}")
    assert opened.status == 302
    cookie = header(opened, "Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/v1/calendar/oauth" in cookie
    again = api.get(None, f"{start.path}?{start.query}")
    assert again.status == 400 and "already opened" in again.json["detail"]
    redirect = fakes.browse(header(opened, "Location"))
    assert finish_sign_in(api, redirect, None).status == 400
    guessed = cookie.split("=")[0] + "=guessed"
    assert finish_sign_in(api, redirect, guessed).status == 400
    # The refusals consumed nothing: the browser holding the cookie still finishes.
    assert finish_sign_in(api, redirect, cookie.split(";")[0]).status == 302
    assert api.get(ada, "/v1/calendar/connections/google").ok()["status"] == "connected"


def test_a_revoked_grant_marks_the_connection_and_emails_once(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, bob = users(api)
    connect(api, fakes, ada, "google")
    fakes.control("/revoke", {"provider": "google", "account": ada.email})
    from momentum.calendar.connections import tokens

    tokens.clear()  # a new container: the cached access token is gone
    base = {
        "provider": "google",
        "account": ada.email,
        "title": "1:1",
        "start": instant(1, 9),
        "end": instant(1, 10),
        "attendees": [bob.email],
    }
    fakes.control("/events", base)
    fakes.control("/events", base)
    fakes.drain()
    assert api.get(ada, "/v1/calendar/connections/google").ok()["status"] == "needs_reauth"
    mails = [m for m in api.outbox() if "Reconnect" in m["subject"]]
    assert len(mails) == 1 and mails[0]["to"] == [ada.email]
    assert api.get(ada, "/v1/calendar/recurring-events").status == 409


def test_channels_and_subscriptions_are_renewed_before_they_expire(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, _ = users(api)
    connect(api, fakes, ada, "google")
    connect(api, fakes, ada, "microsoft")
    account = fakes.state()["accounts"][f"google:{ada.email}"]
    (old_channel,) = account["channels"]
    (subscription,) = fakes.state()["accounts"][f"microsoft:{ada.email}"]["subscriptions"]
    too_early = api.run_sweep("calendar-renewal", clock.api_instant(clock.now()))
    assert too_early["due"] == 0
    later = clock.api_instant(clock.now() + timedelta(days=6, hours=12))
    summary = api.run_sweep("calendar-renewal", later)
    assert (summary["due"], summary["done"]) == (2, 2)
    assert api.run_sweep("calendar-renewal", later)["due"] == 0  # replay: nothing left
    (new_channel,) = fakes.state()["accounts"][f"google:{ada.email}"]["channels"]
    assert new_channel != old_channel
    subscriptions = fakes.state()["accounts"][f"microsoft:{ada.email}"]["subscriptions"]
    assert list(subscriptions) == [subscription]


def test_reconciliation_queues_a_sync_per_connection_once(
    api: InProcessApi, fakes: FakeProviders
) -> None:
    ada, _ = users(api)
    connect(api, fakes, ada, "google")
    at = clock.api_instant(clock.now() + timedelta(hours=6, minutes=1))
    summary = api.run_sweep("calendar-reconcile", at)
    assert (summary["due"], summary["done"]) == (1, 1)
    assert fakes.queued() == 1
    assert api.run_sweep("calendar-reconcile", at)["due"] == 0
    assert fakes.drain() == 1
