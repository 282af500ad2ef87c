"""Connecting and disconnecting a calendar: OAuth 2.0 authorization code with state and
PKCE (S256), the refresh token sealed with KMS, a push channel started, a first sync
queued.

The flow is bound to whoever started it, twice over: the state lives server-side with
its initiator and is bound, when the start link is first opened, to that browser by a
short-lived HttpOnly cookie the callback must bring back (so a state seen elsewhere cannot
be finished from another browser); and the provider account must vouch for the
initiator's own email (so a link sent to someone else cannot bind their calendar).

Microsoft offers no per-grant revocation for delegated tokens (revokeSignInSessions
would sign the user out everywhere), so a Microsoft disconnect deletes the subscription
and the sealed token; Google's grant is revoked at its revocation endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import urlencode

from momentum.calendar import keys, repository
from momentum.calendar.connections import crypto, tokens
from momentum.calendar.models import ConnectionStatus
from momentum.calendar.providers import provider
from momentum.calendar.providers.config import provider_config, redirect_uri
from momentum.calendar.providers.events import GrantRevoked, ProviderError
from momentum.calendar.providers.provider import calendar_for
from momentum.calendar.sync import pushes
from momentum.calendar.sync.queue import enqueue_sync
from momentum.core import clock
from momentum.core.clock import parse_instant
from momentum.core.config import settings
from momentum.core.problems import BadRequest, Forbidden, NotFound
from momentum.frame.principal import Principal
from momentum.identity import service as identity
from momentum.store import transactions
from momentum.store.codec import Item

START_PATH = "/v1/calendar/oauth/start"
BINDING_COOKIE = "momentum_calendar_oauth"


def binding_cookie_name(state: str) -> str:
    """One cookie per sign-in, so two started in one browser do not overwrite each other."""
    return f"{BINDING_COOKIE}_{hashlib.sha256(state.encode()).hexdigest()[:16]}"


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_url(principal: Principal, provider_name: str) -> str:
    """Where the caller's browser starts connecting: our own start link (below), good
    once, for ten minutes, for the caller only."""
    nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    repository.put(
        repository.state_item(
            principal.org_id,
            nonce,
            user_id=principal.user_id,
            provider=provider_name,
            verifier=verifier,
            login_hint=principal.email,
            now=clock.now(),
        )
    )
    state = urlencode({"state": keys.oauth_state(principal.org_id, nonce)})
    return f"{settings().api_base_url}{START_PATH}?{state}"


def _digest(binding: str) -> str:
    return hashlib.sha256(binding.encode()).hexdigest()


def _expired(stored: Item) -> bool:
    return clock.now() - parse_instant(stored["created_at"]) > repository.STATE_TTL


def start(state: str) -> tuple[str, str]:
    """The start link: binds the state to this browser (the binding goes into a cookie
    the callback must bring back) and answers (the provider's consent URL, binding)."""
    parsed = keys.parse_oauth_state(state)
    binding = secrets.token_urlsafe(32)
    stored = repository.bind_state(*parsed, _digest(binding)) if parsed else None
    if stored is None:
        raise BadRequest("This sign-in link is unknown or was already opened; connect again.")
    if _expired(stored):
        raise BadRequest("This sign-in link expired; connect again.")
    config = provider_config(stored["provider"])
    params = {
        "client_id": config.client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri(),
        "scope": config.scopes,
        "state": state,
        "code_challenge": _challenge(stored["verifier"]),
        "code_challenge_method": "S256",
        "login_hint": stored.get("login_hint", ""),
    }
    if stored["provider"] == "google":
        params.update(access_type="offline", prompt="consent", include_granted_scopes="true")
    else:
        params["response_mode"] = "query"
    return f"{config.authorize_url}?{urlencode(params)}", binding


def finish(code: str, state: str, binding: str | None) -> tuple[str, str]:
    """The OAuth callback: (provider, org id) once the connection is made. Only the
    browser that opened the start link may finish (else nothing is consumed), and only
    with the provider account of the Momentum user who started (else nothing is stored)."""
    parsed = keys.parse_oauth_state(state)
    if parsed is None:
        raise BadRequest("This sign-in link is unknown or was already used; connect again.")
    if not binding:
        raise BadRequest("This sign-in was not started in this browser; connect again.")
    stored = repository.take_state(*parsed, _digest(binding))
    if stored is None:
        raise BadRequest(
            "This sign-in link is unknown, was already used or was started in another "
            "browser; connect again."
        )
    if _expired(stored):
        raise BadRequest("This sign-in link expired; connect again.")
    org_id, user_id, provider_name = parsed[0], stored["user_id"], stored["provider"]
    config = provider_config(provider_name)
    try:
        grant = provider.exchange_code(config, code, stored["verifier"])
    except GrantRevoked as revoked:
        raise BadRequest("The provider refused the sign-in code; connect again.") from revoked
    if not grant.refresh_token:
        raise BadRequest("The provider granted no offline access; connect again.")
    account = _account_of_user(org_id, user_id, provider_name, grant, grant.refresh_token)
    now = clock.now()
    _replace_existing(org_id, user_id, provider_name)
    sealed = crypto.seal(grant.refresh_token, org_id=org_id, user_id=user_id)
    connection = repository.connection_item(
        org_id, user_id, provider_name, account_email=account, sealed=sealed, now=now
    )
    repository.put(connection)
    pushes.start(connection, grant.access_token, now)
    ref = keys.connection_ref(org_id, user_id, provider_name)
    enqueue_sync(ref, reason="connected", dedup=f"connected:{connection['connected_at']}")
    return provider_name, org_id


def _account_of_user(
    org_id: str, user_id: str, provider_name: str, grant: provider.Grant, refresh_token: str
) -> str:
    """The provider account's address when it is the user's own (a verified email equal
    to the user's); otherwise the grant is given back and the connection refused."""
    user = identity.user_item(org_id, user_id) or {}
    mine = str(user.get("email") or "").lower()
    vouched = calendar_for(provider_name).account_emails(grant.access_token)
    if mine and mine in vouched:
        return mine
    provider.revoke(provider_config(provider_name), refresh_token)
    signed_in = vouched[0] if vouched else "an account without a verified email"
    raise Forbidden(
        f"You signed in to {provider_name} as {signed_in}; connect the calendar of "
        f"{mine or 'your Momentum account'} instead.",
        extra={"reason": "account_mismatch"},
    )


def _replace_existing(org_id: str, user_id: str, provider_name: str) -> None:
    """Connecting again replaces the old grant's channels (its links to 1:1s are kept)."""
    collection = repository.connection_collection(org_id, user_id, provider_name)
    old = next((i for i in collection if i.get("type") == "calendar_connection"), None)
    for item in repository.pushes(collection):
        pushes.stop(old or item, item, _access_or_none(old) if old else None)
    if old:
        tokens.forget(old)


def _access_or_none(connection: Item) -> str | None:
    if connection.get("status") != "connected":
        return None
    try:
        return tokens.access_token(connection)
    except ProviderError:
        return None


def status(principal: Principal, provider_name: str) -> ConnectionStatus:
    item = repository.connection(principal.org_id, principal.user_id, provider_name)
    if item is None:
        return ConnectionStatus(provider=provider_name, status="not_connected")
    return ConnectionStatus(
        provider=provider_name,
        status=item["status"],
        account_email=item.get("account_email"),
        connected_at=item.get("connected_at"),
        last_synced_at=item.get("last_synced_at"),
    )


def disconnect(principal: Principal, provider_name: str) -> None:
    org_id, user_id = principal.org_id, principal.user_id
    collection = repository.connection_collection(org_id, user_id, provider_name)
    connection = next((i for i in collection if i.get("type") == "calendar_connection"), None)
    if connection is None:
        raise NotFound("This calendar is not connected.")
    access = _access_or_none(connection)
    for item in repository.pushes(collection):
        pushes.stop(connection, item, access)
    refresh_token = None
    try:
        refresh_token = crypto.open_sealed(connection["refresh"], org_id=org_id, user_id=user_id)
    except Exception:
        refresh_token = None
    if refresh_token:
        provider.revoke(provider_config(provider_name), refresh_token)
    tokens.forget(connection)
    transactions.write([transactions.delete(keys.connection_key(org_id, user_id, provider_name))])
