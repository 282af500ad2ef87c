"""Provider endpoints and OAuth clients, read once per container.

Endpoints are settings (core.config): the stack gives the real providers' addresses, the
local stack its fakes under /local/calendar/. Client ids and secrets live in the stack's
Secrets Manager secret (CALENDAR_SECRETS_ARN), a JSON object with the keys of
SECRET_KEYS, filled by an operator after the first deploy (README, "Deploy to AWS").
"""

from __future__ import annotations

import json
from functools import cache

import msgspec

from momentum.core import aws
from momentum.core.config import MissingSettings, settings

SECRET_KEYS = (
    "google_client_id",
    "google_client_secret",
    "microsoft_client_id",
    "microsoft_client_secret",
)


class ProviderConfig(msgspec.Struct, frozen=True):
    name: str
    client_id: str
    authorize_url: str
    token_url: str
    revoke_url: str | None
    api_base: str
    userinfo_url: str  # who signed in: OpenID userinfo (Google), Graph /me (Microsoft)
    scopes: str
    secret: str

    def client_secret(self) -> str:
        return self.secret


@cache
def _clients() -> dict[str, str]:
    """The OAuth clients secret, checked for every key (an unfilled secret fails loudly)."""
    arn = settings().calendar_secrets_arn
    raw = aws.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    missing = [k for k in SECRET_KEYS if not isinstance(parsed, dict) or not parsed.get(k)]
    if missing:
        raise MissingSettings(f"the calendar OAuth secret lacks: {', '.join(missing)}")
    return {key: str(parsed[key]) for key in SECRET_KEYS}


@cache
def google() -> ProviderConfig:
    oauth = settings().google_oauth_base
    return ProviderConfig(
        name="google",
        client_id=_clients()["google_client_id"],
        authorize_url=settings().google_authorize_url,
        token_url=f"{oauth}/token",
        revoke_url=f"{oauth}/revoke",
        api_base=settings().google_api_base,
        userinfo_url=settings().google_userinfo_url,
        scopes="openid email https://www.googleapis.com/auth/calendar.readonly",
        secret=_clients()["google_client_secret"],
    )


@cache
def microsoft() -> ProviderConfig:
    login = settings().microsoft_login_base
    return ProviderConfig(
        name="microsoft",
        client_id=_clients()["microsoft_client_id"],
        authorize_url=f"{login}/authorize",
        token_url=f"{login}/token",
        revoke_url=None,  # Graph has no per-grant revocation; see calendar/connections/oauth.py
        api_base=settings().microsoft_graph_base,
        userinfo_url=f"{settings().microsoft_graph_base}/me",
        scopes="offline_access openid email User.Read Calendars.Read",
        secret=_clients()["microsoft_client_secret"],
    )


def provider_config(provider: str) -> ProviderConfig:
    return google() if provider == "google" else microsoft()


def redirect_uri() -> str:
    return f"{settings().api_base_url}/v1/calendar/oauth/callback"


def webhook_url(provider: str) -> str:
    return f"{settings().api_base_url}/webhooks/{provider}"


def clear() -> None:
    """Forget cached configuration (tests switch environments)."""
    google.cache_clear()
    microsoft.cache_clear()
    _clients.cache_clear()
