"""Connecting and disconnecting a calendar: OAuth 2.0 authorization code with state and
PKCE (S256), the refresh token sealed with KMS, a push channel started, a first sync
queued.

Microsoft offers no per-grant revocation for delegated tokens (revokeSignInSessions
would sign the user out everywhere), so a Microsoft disconnect deletes the subscription
and the sealed token; Google's grant is revoked at its revocation endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import urlencode

from momentum.calendar import crypto, keys, provider, pushes, repository, tokens
from momentum.calendar.config import provider_config, redirect_uri
from momentum.calendar.events import GrantRevoked, ProviderError
from momentum.calendar.models import ConnectionStatus
from momentum.calendar.provider import calendar_for
from momentum.calendar.queue import enqueue_sync
from momentum.core import clock
from momentum.core.clock import parse_instant
from momentum.core.principal import Principal
from momentum.core.problems import BadRequest, NotFound
from momentum.store import transactions
from momentum.store.codec import Item


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_url(principal: Principal, provider_name: str) -> str:
    config = provider_config(provider_name)
    nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    repository.put(
        repository.state_item(
            principal.org_id,
            nonce,
            user_id=principal.user_id,
            provider=provider_name,
            verifier=verifier,
            now=clock.now(),
        )
    )
    params = {
        "client_id": config.client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri(),
        "scope": config.scopes,
        "state": keys.oauth_state(principal.org_id, nonce),
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
        "login_hint": principal.email,
    }
    if provider_name == "google":
        params.update(access_type="offline", prompt="consent", include_granted_scopes="true")
    else:
        params["response_mode"] = "query"
    return f"{config.authorize_url}?{urlencode(params)}"


def finish(code: str, state: str) -> tuple[str, str]:
    """The OAuth callback: (provider, org id) once the connection is made. A state is
    good once, for ten minutes, and only for the user who started it."""
    parsed = keys.parse_oauth_state(state)
    stored = repository.take_state(*parsed) if parsed else None
    now = clock.now()
    if parsed is None or stored is None:
        raise BadRequest("This sign-in link is unknown or was already used; connect again.")
    if now - parse_instant(stored["created_at"]) > repository.STATE_TTL:
        raise BadRequest("This sign-in link expired; connect again.")
    org_id, user_id, provider_name = parsed[0], stored["user_id"], stored["provider"]
    config = provider_config(provider_name)
    try:
        grant = provider.exchange_code(config, code, stored["verifier"])
    except GrantRevoked as revoked:
        raise BadRequest("The provider refused the sign-in code; connect again.") from revoked
    if not grant.refresh_token:
        raise BadRequest("The provider granted no offline access; connect again.")
    account = calendar_for(provider_name).account_email(grant.access_token)
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
