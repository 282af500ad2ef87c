"""Webhook deliveries: signed per Standard Webhooks, retried with backoff for about a
day, then the subscription is disabled and the org's admins are told.

A delivery is an item due for the `webhook-deliveries` sweep. Each attempt first claims
it (moves its due instant a lease ahead, on the condition it is still the one read), so
overlapping or replayed sweeps never send it twice; the attempt's outcome is written with
the claimed instant as its condition, re-arming the next retry or clearing it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook

from momentum.core import clock
from momentum.core.problems import Conflict
from momentum.events import types
from momentum.events.publish import PARTICIPANTS_ONLY_KINDS, redacted
from momentum.frame.sweeps import Budget, Summary, sweep_due
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.keys import due_attributes
from momentum.webhooks_out import keys, urls
from momentum.webhooks_out import service as subscriptions

SWEEP = "webhook-deliveries"
# Waits after each failed attempt: 1 min, 4 min, 16 min, ~1 h, ~4 h, ~17 h (about a day).
RETRY_DELAYS = tuple(timedelta(minutes=4**n) for n in range(6))
LEASE = timedelta(minutes=5)
TIMEOUT_SECONDS = 10.0
USER_AGENT = "Momentum-Webhooks/1"


def new_deliveries(org_id: str, event: dict[str, Any], now: datetime) -> list[transactions.Op]:
    """One pending delivery per active subscription that wants this event."""
    ops = []
    for subscription in subscriptions.subscriptions(org_id):
        if subscription["status"] != "active":
            continue
        if not types.matches(subscription["event_types"], event["type"]):
            continue
        private_ok = subscription.get("include_private_details", False) and (
            event["data"]["entity"]["kind"] not in PARTICIPANTS_ONLY_KINDS
        )
        payload = event if private_ok else redacted(event)
        key = keys.delivery_key(org_id, subscription["id"], event["data"]["id"])
        ops.append(
            transactions.put(
                {
                    **key,
                    "type": "webhook_delivery",
                    "subscription_id": subscription["id"],
                    "event_id": event["data"]["id"],
                    "event_type": event["type"],
                    "payload": json.dumps(payload, default=str, separators=(",", ":")),
                    "status": "pending",
                    "attempts": [],
                    "created_at": clock.api_instant(now),
                    "next_attempt_at": clock.api_instant(now),
                    **due_attributes(SWEEP, now, key["pk"] + "#" + key["sk"]),
                },
                condition="attribute_not_exists(pk)",
            )
        )
    return ops


class _Claimed(Conflict):
    def __init__(self) -> None:
        super().__init__("Another sweep holds this delivery.")


def _claim(delivery: Item, read_due_sk: str, now: datetime) -> str | None:
    """Move the delivery's due instant a lease ahead; the new due_sk, or None if taken."""
    key = {"pk": delivery["pk"], "sk": delivery["sk"]}
    lease = due_attributes(SWEEP, now + LEASE, f"{delivery['pk']}#{delivery['sk']}")
    try:
        transactions.write(
            [
                transactions.update(
                    key,
                    "SET due_pk = :pk, due_sk = :sk",
                    condition="due_sk = :read",
                    values={":pk": lease["due_pk"], ":sk": lease["due_sk"], ":read": read_due_sk},
                    on_condition_failed=_Claimed,
                )
            ]
        )
    except _Claimed:
        return None
    return lease["due_sk"]


def _send(subscription: Item, delivery: Item, now: datetime) -> tuple[int | None, str | None]:
    """(HTTP status, error) of one signed POST; 2xx is success."""
    try:
        urls.check_before_sending(subscription["url"])
    except urls.RefusedUrl as refused:
        return None, str(refused)
    body = delivery["payload"]
    signature = Webhook(subscription["secret"]).sign(delivery["event_id"], now, body)
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": delivery["event_id"],
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    try:
        answer = httpx.post(
            subscription["url"],
            content=body.encode(),
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            follow_redirects=False,  # a redirect could lead anywhere, past the URL rules
        )
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:300]
    return answer.status_code, None if answer.is_success else f"HTTP {answer.status_code}"


def _outcome_ops(
    delivery: Item, claimed: str, now: datetime, attempt: dict[str, Any], success: bool
) -> tuple[list[transactions.Op], bool]:
    """The writes recording an attempt, and whether retries are exhausted."""
    attempts = [*delivery.get("attempts", []), attempt]
    failed_before = len(attempts) - 1
    exhausted = not success and failed_before >= len(RETRY_DELAYS)
    values: dict[str, Any] = {":attempts": attempts, ":claimed": claimed}
    if success or exhausted:
        values[":status"] = "delivered" if success else "failed"
        expression = (
            "SET attempts = :attempts, #status = :status REMOVE due_pk, due_sk, next_attempt_at"
        )
    else:
        retry_at = now + RETRY_DELAYS[failed_before]
        due = due_attributes(SWEEP, retry_at, f"{delivery['pk']}#{delivery['sk']}")
        values.update(
            {":pk": due["due_pk"], ":sk": due["due_sk"], ":next": clock.api_instant(retry_at)}
        )
        expression = "SET attempts = :attempts, due_pk = :pk, due_sk = :sk, next_attempt_at = :next"
    op = transactions.update(
        {"pk": delivery["pk"], "sk": delivery["sk"]},
        expression,
        condition="due_sk = :claimed",
        names={"#status": "status"} if ":status" in values else None,
        values=values,
    )
    return [op], exhausted


def _deliver(entry: Item, now: datetime) -> bool:
    delivery = table.get({"pk": entry["pk"], "sk": entry["sk"]}, consistent=True)
    if delivery is None or delivery.get("due_sk") != entry["due_sk"]:
        return False  # a stale index entry: already attempted at this instant
    org_id = str(entry["pk"]).split("#", 2)[1]
    subscription = subscriptions.subscription_item(org_id, delivery["subscription_id"])
    claimed = _claim(delivery, entry["due_sk"], now)
    if claimed is None:
        return False
    if subscription is None or subscription["status"] != "active":
        transactions.write(
            [
                transactions.update(
                    {"pk": delivery["pk"], "sk": delivery["sk"]},
                    "SET #status = :cancelled REMOVE due_pk, due_sk, next_attempt_at",
                    condition="due_sk = :claimed",
                    names={"#status": "status"},
                    values={":cancelled": "cancelled", ":claimed": claimed},
                )
            ]
        )
        return False
    started = clock.monotonic()
    status_code, error = _send(subscription, delivery, now)
    attempt = {
        "at": clock.api_instant(now),
        "status_code": status_code,
        "error": error,
        "duration_ms": int((clock.monotonic() - started) * 1000),
    }
    ops, exhausted = _outcome_ops(delivery, claimed, now, attempt, error is None)
    transactions.write(ops)
    if exhausted:
        from momentum.webhooks_out import disabling

        disabling.disable_after_failures(org_id, subscription, delivery, now)
    return error is None


def deliver_webhooks(now: datetime, budget: Budget) -> Summary:
    """Sweep `webhook-deliveries`: every delivery attempt due at or before `now`."""
    return sweep_due(SWEEP, now, _deliver, budget)
