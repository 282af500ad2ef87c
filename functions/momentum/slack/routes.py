"""`PUT /v1/org/slack-app` installs the org's Slack app, `GET` says which workspace is
connected, `DELETE` uninstalls it (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from momentum.frame.api import no_content
from momentum.frame.principal import current_principal
from momentum.slack import service
from momentum.slack.models import SlackAppInstall, SlackAppInstalled

router = Router()


@router.put("/v1/org/slack-app", tags=["Organisation and users"])
def install_slack_app(request: Annotated[SlackAppInstall, Body()]) -> SlackAppInstalled:
    """Admins: connect the org's Slack app; reminders and nudges then go as DMs."""
    return service.install(current_principal(), request)


@router.get("/v1/org/slack-app", tags=["Organisation and users"])
def get_slack_app() -> SlackAppInstalled:
    """Admins: the connected workspace (404 when the app is not installed)."""
    return service.installed(current_principal())


@router.delete("/v1/org/slack-app", tags=["Organisation and users"])
def uninstall_slack_app() -> Response[Any]:
    """Admins: disconnect it; the sealed token and secret are deleted."""
    service.uninstall(current_principal())
    return no_content()
