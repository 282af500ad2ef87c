"""The org's delivery problems (API.md "Additions"): notifications that could not be
delivered, still retrying or parked, for the org's admins. Served by identity-api under
/v1/org; kinds are shown, never subject lines or bodies, because a 1:1's title is for its
two participants only."""

from typing import Literal

from aws_lambda_powertools.event_handler.api_gateway import Router

from momentum.core.models import View
from momentum.core.pages import DEFAULT_LIMIT, Cursor, Limit, Page
from momentum.frame.principal import current_principal
from momentum.notify import ledger
from momentum.store.codec import Item

router = Router()
SLACK_RECIPIENT = "the organisation's Slack webhook"


class DeliveryProblem(View):
    channel: Literal["email", "slack", "slack_dm"]
    kind: str  # which notification, e.g. "checkin_reminder"
    recipient_id: str  # the user it was for
    recipient: str  # the email address, or the org's Slack webhook
    state: Literal["retrying", "parked"]
    reason: str  # what SES or Slack answered the last time
    attempts: int
    first_attempt_at: str
    last_attempt_at: str
    next_attempt_at: str | None = None  # while retrying


def _problem(item: Item) -> DeliveryProblem:
    email = item["channel"] != "slack"  # a DM is addressed by the person's email
    return DeliveryProblem(
        channel=item["channel"],
        kind=item["kind"],
        recipient_id=item["recipient_id"],
        recipient=str(item.get("to_email") or "") if email else SLACK_RECIPIENT,
        # A retry in flight is still a retry to the admin reading this.
        state="parked" if item["state"] == "parked" else "retrying",
        reason=item["reason"],
        attempts=int(item["attempts"]),
        first_attempt_at=item["first_attempt_at"],
        last_attempt_at=item["last_attempt_at"],
        next_attempt_at=item.get("next_attempt_at"),
    )


@router.get("/v1/org/delivery-problems", tags=["Organisation and users"])
def list_delivery_problems(
    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[DeliveryProblem]:
    """Admins: notifications that failed, newest first, with the reason and attempts."""
    principal = current_principal()
    principal.require_admin()
    items, next_cursor = ledger.problems_page(principal.org_id, limit, cursor)
    return Page[DeliveryProblem](items=[_problem(i) for i in items], next_cursor=next_cursor)
