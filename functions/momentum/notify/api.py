"""What other contexts may use of notify besides `service` (sending a notification):
the Slack app's installation (per org, found by team) and its Web API client, which the
Slack context drives for interactions and the OKR reminders consult. A caller that needs
only the installations (the Slack receiver, on every request) imports `slack_install`,
also published, and so pays for neither the Web API client nor the mailer."""

from __future__ import annotations

from momentum.notify.failures import DeliveryFailed
from momentum.notify.slack_app import (
    CHECK_IN_ACTION,
    DONE_BLOCK,
    GOAL_BLOCK,
    call,
    goal_block,
    web_client,
)
from momentum.notify.slack_install import (
    Installation,
    forget,
    install_item,
    install_key,
    installation,
    installations_for_team,
    team_partition,
)

__all__ = [
    "CHECK_IN_ACTION",
    "DONE_BLOCK",
    "GOAL_BLOCK",
    "DeliveryFailed",
    "Installation",
    "call",
    "forget",
    "goal_block",
    "install_item",
    "install_key",
    "installation",
    "installations_for_team",
    "team_partition",
    "web_client",
]
