"""The Slack app's API models: what an admin sends to install it, and what is answered."""

from typing import Annotated

from pydantic import Field

from momentum.core.models import Strict, View

BotToken = Annotated[str, Field(min_length=10, max_length=255, pattern=r"^xoxb-[A-Za-z0-9-]+$")]
SigningSecret = Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9]+$")]


class SlackAppInstall(Strict):
    """Write-only: the bot token (`xoxb-…`, scopes chat:write, users:read, users:read.email)
    and the app's signing secret. Neither is ever answered back."""

    bot_token: BotToken
    signing_secret: SigningSecret


class SlackAppInstalled(View):
    team_id: str  # the Slack workspace (auth.test's team_id); its requests alone are accepted
    team_name: str
    bot_user_id: str
    installed_by: str
    installed_at: str
