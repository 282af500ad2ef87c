"""Provider endpoints and OAuth clients, from the environment (read once per container).

Endpoints default to the real providers; the local server points them at the fake
providers under /local/calendar/. Client secrets come from Secrets Manager in AWS
(`*_CLIENT_SECRET_ARN`) or from the environment locally (`*_CLIENT_SECRET`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache

from momentum.core import aws
from momentum.core.config import settings


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    client_id: str
    authorize_url: str
    token_url: str
    revoke_url: str | None
    api_base: str
    userinfo_url: str  # who signed in: OpenID userinfo (Google), Graph /me (Microsoft)
    scopes: str
    secret_value: str | None
    secret_arn: str | None

    def client_secret(self) -> str:
        if self.secret_value:
            return self.secret_value
        if self.secret_arn:
            return _secret(self.secret_arn)
        return ""


@cache
def _secret(arn: str) -> str:
    raw = aws.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    try:
        parsed = json.loads(raw)
    except ValueError:
        return str(raw)
    return str(parsed.get("client_secret", raw)) if isinstance(parsed, dict) else str(raw)


@cache
def google() -> ProviderConfig:
    env = os.environ
    oauth = env.get("GOOGLE_OAUTH_BASE", "").rstrip("/")
    return ProviderConfig(
        name="google",
        client_id=env.get("GOOGLE_CLIENT_ID", "momentum-google-client"),
        authorize_url=f"{oauth}/authorize"
        if oauth
        else "https://accounts.google.com/o/oauth2/v2/auth",
        token_url=f"{oauth}/token" if oauth else "https://oauth2.googleapis.com/token",
        revoke_url=f"{oauth}/revoke" if oauth else "https://oauth2.googleapis.com/revoke",
        api_base=env.get("GOOGLE_API_BASE", "https://www.googleapis.com").rstrip("/"),
        userinfo_url=f"{oauth}/userinfo"
        if oauth
        else "https://openidconnect.googleapis.com/v1/userinfo",
        scopes="openid email https://www.googleapis.com/auth/calendar.readonly",
        secret_value=env.get("GOOGLE_CLIENT_SECRET"),
        secret_arn=env.get("GOOGLE_CLIENT_SECRET_ARN"),
    )


@cache
def microsoft() -> ProviderConfig:
    env = os.environ
    login = env.get(
        "MICROSOFT_LOGIN_BASE", "https://login.microsoftonline.com/common/oauth2/v2.0"
    ).rstrip("/")
    graph = env.get("MICROSOFT_GRAPH_BASE", "https://graph.microsoft.com/v1.0").rstrip("/")
    return ProviderConfig(
        name="microsoft",
        client_id=env.get("MICROSOFT_CLIENT_ID", "momentum-microsoft-client"),
        authorize_url=f"{login}/authorize",
        token_url=f"{login}/token",
        revoke_url=None,  # Graph has no per-grant revocation; see calendar/oauth.py
        api_base=graph,
        userinfo_url=f"{graph}/me",
        scopes="offline_access openid email User.Read Calendars.Read",
        secret_value=env.get("MICROSOFT_CLIENT_SECRET"),
        secret_arn=env.get("MICROSOFT_CLIENT_SECRET_ARN"),
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
    _secret.cache_clear()
