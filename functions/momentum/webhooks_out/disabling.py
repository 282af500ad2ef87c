"""A subscription whose delivery failed for a day is disabled, and its org's admins told
(once per disabling: the ledger's occurrence is the delivery that exhausted it)."""

from __future__ import annotations

from datetime import datetime

from momentum.core import clock
from momentum.core.config import settings
from momentum.identity import service as identity
from momentum.notify.service import Notification, deliver
from momentum.store import activity, transactions
from momentum.store.codec import Item
from momentum.webhooks_out import keys

REASON = "Deliveries failed for a day; re-enable it once the endpoint answers 2xx."


def disable_after_failures(org_id: str, subscription: Item, delivery: Item, now: datetime) -> None:
    if subscription["status"] == "active":
        transactions.write(
            [
                transactions.update(
                    keys.subscription_key(org_id, subscription["id"]),
                    "SET #status = :disabled, disabled_reason = :reason, version = version + :one",
                    condition="#status = :active",
                    names={"#status": "status"},
                    values={
                        ":disabled": "disabled",
                        ":active": "active",
                        ":reason": REASON,
                        ":one": 1,
                    },
                ),
                activity.record(
                    org_id=org_id,
                    entity_id=subscription["id"],
                    entity_kind="webhook_subscription",
                    actor_id=None,
                    action="disabled",
                    at=now,
                    changes={"status": {"before": "active", "after": "disabled"}},
                    summary=REASON,
                ),
            ]
        )
    for admin in identity.administrators(org_id):
        if "admin" not in (admin.get("roles") or []) or not admin.get("email"):
            continue
        deliver(
            Notification(
                org_id=org_id,
                kind="webhook_subscription_disabled",
                recipient_id=admin["id"],
                subject_id=subscription["id"],
                occurrence=delivery["event_id"],
                subject="A Momentum webhook subscription was disabled",
                why="you are an admin of your organisation in Momentum",
                context={
                    "name": admin.get("name", ""),
                    "url": subscription["url"],
                    "description": subscription.get("description") or "",
                    "first_failure": (delivery.get("attempts") or [{}])[0].get("at", ""),
                    "disabled_at": clock.api_instant(now),
                    "link": f"{settings().app_url}/settings/webhooks/{subscription['id']}",
                },
                to_email=str(admin["email"]),
            ),
            now,
        )
