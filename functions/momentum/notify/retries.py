"""The `delivery-retries` sweep: resends notifications whose send failed, at the ledger's
backoff instants, and parks them after the last attempt.

Each retry is claimed on the ledger item with a condition on its due entry and state, so
a replay, an overlapping run or a stale index entry never sends twice. Email goes to the
address stored with the first attempt; Slack to the org's webhook as configured now, so
an admin who mends the webhook sees the next retry go through.
"""

from __future__ import annotations

from datetime import datetime

from momentum.frame.org import org_item
from momentum.frame.sweeps import Budget, Summary, sweep_due
from momentum.notify import ledger
from momentum.notify.service import attempt
from momentum.store.codec import Item


def retry_delivery(item: Item, now: datetime) -> bool:
    if not ledger.claim_retry(item, now):
        return False
    channel = item["channel"]
    if channel == "slack":
        destination = org_item(item["org_id"]).get("slack_webhook_url")
    else:  # email, or a Slack DM: the person is looked up by email again (app as installed now)
        destination = item.get("to_email")
    return attempt(
        {"pk": item["pk"], "sk": item["sk"]},
        org_id=item["org_id"],
        kind=item["kind"],
        channel=channel,
        destination=destination,
        parts=ledger.unpack(item["payload"]),
        attempt_number=int(item["attempts"]) + 1,
        now=now,
        email_fallback=bool(item.get("email_fallback", True)),
    )


def retry_deliveries(now: datetime, budget: Budget) -> Summary:
    return sweep_due(ledger.RETRY_SWEEP, now, retry_delivery, budget)
