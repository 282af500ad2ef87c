"""What a sender raises when a message could not be handed over (SES or Slack said no, or
could not be reached). `deliver` catches it and records it on the ledger for a retry; any
other exception is a defect and is not disguised as a delivery problem."""

from __future__ import annotations

REASON_LIMIT = 500


class DeliveryFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:REASON_LIMIT]


class SendThrottled(Exception):
    """SES said "slow down" (its send rate): the message is fine and is sent again soon.

    Not a DeliveryFailed, so it is never recorded as a failed attempt or shown to admins.
    """
