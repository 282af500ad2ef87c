"""Each function's settings, from the environment its stack gives it: the one place
Momentum reads os.environ.

What a function may read follows its catalog `needs`: every function has the common
settings, and each capability adds its own (ENVIRONMENT). The CDK stack and the local
stack both build a function's environment from ENVIRONMENT, an infra test proves that
every setting a function's code reads is in its synthesized environment, and a deployed
function checks its own at cold start (`check_cold_start`), so a missing value fails the
first invocation loudly instead of falling back to a production-looking default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache, cached_property

import msgspec

# The environment of each capability (the keys of catalog.Capability, plus "common").
ENVIRONMENT: dict[str, tuple[str, ...]] = {
    "common": (
        "MOMENTUM_FUNCTION",
        "TABLE_NAME",
        "APP_URL",
        "CURSOR_SECRET_ARN",
        "PRINCIPAL_CACHE_SECONDS",
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "LOG_LEVEL",
        # Slack's Web API, for the org's Slack app wherever a DM may go (a URL, no access)
        "SLACK_API_BASE",
    ),
    "table": (),
    "email": ("SENDER_EMAIL", "SES_CONFIGURATION_SET"),
    "kms": ("KMS_KEY_ID",),
    "sweep_queue": ("SWEEP_QUEUE_URL",),
    "calendar_queue": ("CALENDAR_QUEUE_URL",),
    "secrets": (
        "CALENDAR_SECRETS_ARN",
        "API_BASE_URL",
        "GOOGLE_AUTHORIZE_URL",
        "GOOGLE_USERINFO_URL",
        "GOOGLE_OAUTH_BASE",
        "GOOGLE_API_BASE",
        "MICROSOFT_LOGIN_BASE",
        "MICROSOFT_GRAPH_BASE",
    ),
    "sign_in": ("USER_POOL_ID",),
    "event_bus": ("EVENT_BUS_NAME",),
    # Background work (frame/background.py): the FIFO queue its jobs go through
    "background_queue": ("BACKGROUND_QUEUE_URL",),
    # Report exports: the API asks for them and presigns downloads, the worker writes them.
    "exports": ("EXPORT_BUCKET", "EXPORT_QUEUE_URL"),
    "export_writing": ("EXPORT_BUCKET", "EXPORT_QUEUE_URL"),
}

# Which capability each Settings attribute belongs to (read by the infra parity test).
CAPABILITY_OF_SETTING: dict[str, str] = {
    "table_name": "common",
    "app_url": "common",
    "cursor_secret": "common",
    "cursor_secret_arn": "common",
    "principal_cache_seconds": "common",
    "slack_api_base": "common",
    "sender_email": "email",
    "ses_configuration_set": "email",
    "kms_key_id": "kms",
    "sweep_queue_url": "sweep_queue",
    "calendar_queue_url": "calendar_queue",
    "calendar_secrets_arn": "secrets",
    "api_base_url": "secrets",
    "google_authorize_url": "secrets",
    "google_userinfo_url": "secrets",
    "google_oauth_base": "secrets",
    "google_api_base": "secrets",
    "microsoft_login_base": "secrets",
    "microsoft_graph_base": "secrets",
    "user_pool_id": "sign_in",
    "event_bus_name": "event_bus",
    "background_queue_url": "background_queue",
    "export_bucket": "exports",
    "export_queue_url": "exports",
}


class MissingSettings(RuntimeError):
    """The function's environment lacks values its code reads (a deployment defect)."""


class Common(msgspec.Struct, frozen=True):
    table_name: str
    app_url: str
    cursor_secret: str | None  # tests and tools may give the key itself ...
    cursor_secret_arn: str | None  # ... deployed functions get the secret's ARN
    principal_cache_seconds: float


class Settings:
    """One function container's settings; each group is read (and checked) on first use."""

    def __init__(self, environment: Mapping[str, str]) -> None:
        self._env = dict(environment)

    def _required(self, *names: str) -> list[str]:
        missing = [name for name in names if not self._env.get(name)]
        if missing:
            raise MissingSettings(f"missing settings: {', '.join(missing)}")
        return [self._env[name] for name in names]

    def _url(self, name: str) -> str:
        return self._required(name)[0].rstrip("/")

    @cached_property
    def common(self) -> Common:
        table_name, app_url, cache_seconds = self._required(
            "TABLE_NAME", "APP_URL", "PRINCIPAL_CACHE_SECONDS"
        )
        secret, secret_arn = self._env.get("CURSOR_SECRET"), self._env.get("CURSOR_SECRET_ARN")
        if not secret and not secret_arn:
            raise MissingSettings("missing settings: CURSOR_SECRET_ARN")
        try:
            seconds = float(cache_seconds)
        except ValueError as error:
            raise MissingSettings("PRINCIPAL_CACHE_SECONDS must be a number") from error
        return Common(table_name, app_url.rstrip("/"), secret, secret_arn, seconds)

    @property
    def table_name(self) -> str:
        return self.common.table_name

    @property
    def app_url(self) -> str:
        return self.common.app_url

    @property
    def cursor_secret(self) -> str | None:
        return self.common.cursor_secret

    @property
    def cursor_secret_arn(self) -> str | None:
        return self.common.cursor_secret_arn

    @property
    def principal_cache_seconds(self) -> float:
        return self.common.principal_cache_seconds

    @cached_property
    def slack_api_base(self) -> str:
        return self._required("SLACK_API_BASE")[0]

    @cached_property
    def sender_email(self) -> str:
        return self._required("SENDER_EMAIL")[0]

    @cached_property
    def ses_configuration_set(self) -> str:
        return self._required("SES_CONFIGURATION_SET")[0]

    @cached_property
    def kms_key_id(self) -> str:
        return self._required("KMS_KEY_ID")[0]

    @cached_property
    def sweep_queue_url(self) -> str:
        return self._required("SWEEP_QUEUE_URL")[0]

    @cached_property
    def calendar_queue_url(self) -> str:
        return self._required("CALENDAR_QUEUE_URL")[0]

    @cached_property
    def calendar_secrets_arn(self) -> str:
        return self._required("CALENDAR_SECRETS_ARN")[0]

    @cached_property
    def api_base_url(self) -> str:
        return self._url("API_BASE_URL")

    @cached_property
    def google_authorize_url(self) -> str:
        return self._url("GOOGLE_AUTHORIZE_URL")

    @cached_property
    def google_userinfo_url(self) -> str:
        return self._url("GOOGLE_USERINFO_URL")

    @cached_property
    def google_oauth_base(self) -> str:
        return self._url("GOOGLE_OAUTH_BASE")

    @cached_property
    def google_api_base(self) -> str:
        return self._url("GOOGLE_API_BASE")

    @cached_property
    def microsoft_login_base(self) -> str:
        return self._url("MICROSOFT_LOGIN_BASE")

    @cached_property
    def microsoft_graph_base(self) -> str:
        return self._url("MICROSOFT_GRAPH_BASE")

    @cached_property
    def user_pool_id(self) -> str:
        return self._required("USER_POOL_ID")[0]

    @cached_property
    def event_bus_name(self) -> str:
        return self._required("EVENT_BUS_NAME")[0]

    @cached_property
    def background_queue_url(self) -> str:
        return self._required("BACKGROUND_QUEUE_URL")[0]

    @cached_property
    def export_bucket(self) -> str:
        return self._required("EXPORT_BUCKET")[0]

    @cached_property
    def export_queue_url(self) -> str:
        return self._required("EXPORT_QUEUE_URL")[0]

    def allowed_prefixes(self, kind: str) -> tuple[str, ...]:
        """An outbound allow-list (core/outbound.py) as the local stack replaces it; empty
        where nothing replaces it (AWS), which means the real services."""
        configured = self._env.get(f"{kind}_ALLOWED_PREFIXES", "")
        return tuple(p.strip() for p in configured.split(",") if p.strip())

    @cached_property
    def local_mode(self) -> bool:
        """Only the local stack sets MOMENTUM_LOCAL=1 (beside its endpoints); AWS never does,
        so loopback webhook receivers are refused there."""
        return self._env.get("MOMENTUM_LOCAL") == "1"

    def check(self, capabilities: tuple[str, ...]) -> None:
        """Read every setting of these capabilities now; raise naming all that are missing."""
        wanted = {"common", *capabilities}
        missing = [
            name
            for capability in ENVIRONMENT
            if capability in wanted
            for name in ENVIRONMENT[capability]
            if not self._env.get(name) and not (name == "CURSOR_SECRET_ARN" and self.cursor_secret)
        ]
        if missing:
            raise MissingSettings(f"missing settings: {', '.join(missing)}")
        self.common  # noqa: B018 - parses the cache bound, failing now rather than later


@cache
def settings() -> Settings:
    return Settings(os.environ)


def check_cold_start() -> None:
    """In a deployed function (MOMENTUM_FUNCTION names it), check its whole environment."""
    name = os.environ.get("MOMENTUM_FUNCTION")
    if not name:
        return  # tests and tools call the handlers in one process; each setting is checked on use
    from momentum import catalog

    settings().check(catalog.function_named(name).needs)
