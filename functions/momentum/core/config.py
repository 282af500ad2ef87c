"""Configuration from the environment, read once per container and only when first used."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Settings:
    table_name: str
    app_url: str
    sender_email: str
    cursor_secret: str | None
    cursor_secret_arn: str | None
    sweep_queue_url: str | None
    calendar_queue_url: str | None
    kms_key_id: str | None
    ses_configuration_set: str | None
    api_base_url: str
    local_mode: bool
    slack_api_base: str = "https://slack.com/api/"


@cache
def settings() -> Settings:
    env = os.environ
    return Settings(
        table_name=env.get("TABLE_NAME", "momentum"),
        app_url=env.get("APP_URL", "http://127.0.0.1:3000/app").rstrip("/"),
        sender_email=env.get("SENDER_EMAIL", "momentum@momentum.example"),
        cursor_secret=env.get("CURSOR_SECRET"),
        cursor_secret_arn=env.get("CURSOR_SECRET_ARN"),
        sweep_queue_url=env.get("SWEEP_QUEUE_URL"),
        calendar_queue_url=env.get("CALENDAR_QUEUE_URL"),
        kms_key_id=env.get("KMS_KEY_ID"),
        ses_configuration_set=env.get("SES_CONFIGURATION_SET"),
        api_base_url=env.get("API_BASE_URL", "http://127.0.0.1:3000").rstrip("/"),
        local_mode=env.get("MOMENTUM_LOCAL", "") == "1",
        # Slack's Web API; the local stack points it at its fake (infra/local/slack_fake.py).
        slack_api_base=env.get("SLACK_API_BASE", "https://slack.com/api/"),
    )
