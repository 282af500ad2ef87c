"""Webhook subscription use cases (admins): create with a secret shown once, read,
change, delete, and read a subscription's delivery log."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.problems import Invalid, NotFound, field_error
from momentum.frame.principal import Principal
from momentum.store import activity, table, transactions
from momentum.store.codec import Item
from momentum.webhooks_out import keys, urls
from momentum.webhooks_out.models import (
    Delivery,
    NewSubscription,
    Subscription,
    SubscriptionCreate,
    SubscriptionPatch,
)

MAX_SUBSCRIPTIONS = 20
PUBLIC_FIELDS = set(Subscription.model_fields)


def _view(item: Item) -> Subscription:
    return Subscription.model_validate({k: v for k, v in item.items() if k in PUBLIC_FIELDS})


def _checked_url(url: str) -> str:
    try:
        urls.check_shape(url)
    except urls.RefusedUrl as refused:
        raise Invalid(str(refused), errors=[field_error("url", str(refused))]) from refused
    return url


def _record(principal: Principal, subscription_id: str, action: str, changes: Any) -> Any:
    return activity.record(
        org_id=principal.org_id,
        entity_id=subscription_id,
        entity_kind="webhook_subscription",
        actor_id=principal.user_id,
        action=action,
        at=clock.now(),
        changes=changes,
    )


def subscriptions(org_id: str) -> list[Item]:
    """Every subscription of the org (one Query): the publisher reads them per event."""
    return table.query_all(keys.partition(org_id), sk_prefix="SUB#")


def subscription_item(org_id: str, subscription_id: str) -> Item | None:
    return table.get(keys.subscription_key(org_id, subscription_id), consistent=True)


def _owned(principal: Principal, subscription_id: str) -> Item:
    principal.require_admin()
    item = subscription_item(principal.org_id, subscription_id) if is_id(subscription_id) else None
    if item is None:
        raise NotFound("Webhook subscription not found.")
    return item


def create(principal: Principal, request: SubscriptionCreate) -> NewSubscription:
    principal.require_admin()
    if len(subscriptions(principal.org_id)) >= MAX_SUBSCRIPTIONS:
        raise Invalid(f"An organisation may have at most {MAX_SUBSCRIPTIONS} subscriptions.")
    subscription_id = new_id()
    # Standard Webhooks secrets: "whsec_" and base64 of 24 random bytes.
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    item = {
        **keys.subscription_key(principal.org_id, subscription_id),
        "type": "webhook_subscription",
        "id": subscription_id,
        "url": _checked_url(request.url),
        "event_types": request.event_types,
        "description": request.description,
        "include_private_details": request.include_private_details,
        "status": "active",
        "secret": secret,
        "created_by": principal.user_id,
        "created_at": clock.api_instant(clock.now()),
        "version": 1,
    }
    changes = {k: {"before": None, "after": item[k]} for k in ("url", "event_types")}
    transactions.write(
        [transactions.put_new(item), _record(principal, subscription_id, "created", changes)]
    )
    return NewSubscription(**_view(item).model_dump(), secret=secret)


def list_all(principal: Principal) -> list[Subscription]:
    principal.require_admin()
    items = subscriptions(principal.org_id)
    return [_view(item) for item in sorted(items, key=lambda i: i["id"])]


def get(principal: Principal, subscription_id: str) -> Subscription:
    return _view(_owned(principal, subscription_id))


def patch(principal: Principal, subscription_id: str, request: SubscriptionPatch) -> Subscription:
    current = _owned(principal, subscription_id)
    changes = request.model_dump(exclude_none=True)
    if "url" in changes:
        _checked_url(changes["url"])
    updated = {**current, **changes}
    if changes.get("status") == "active":
        updated.pop("disabled_reason", None)  # re-enabled by an admin
    audit = activity.changed_fields(current, changes)
    transactions.write(
        [
            transactions.put_versioned(updated, current["version"]),
            _record(principal, subscription_id, "updated", audit),
        ]
    )
    updated["version"] = current["version"] + 1
    return _view(updated)


def delete(principal: Principal, subscription_id: str) -> None:
    _owned(principal, subscription_id)
    transactions.write(
        [
            transactions.delete(keys.subscription_key(principal.org_id, subscription_id)),
            _record(principal, subscription_id, "deleted", {}),
        ]
    )


def deliveries(
    principal: Principal, subscription_id: str, limit: int, cursor: str | None
) -> tuple[list[Delivery], str | None]:
    """The delivery log, newest first."""
    _owned(principal, subscription_id)
    items, next_cursor = table.page(
        keys.partition(principal.org_id),
        scope=f"webhook-deliveries:{principal.org_id}:{subscription_id}",
        cursor=cursor,
        limit=limit,
        sk_prefix=keys.deliveries_prefix(subscription_id),
        newest_first=True,
    )
    return [Delivery.model_validate(item) for item in items], next_cursor


def can_view_activity(principal: Principal, entity_id: str) -> bool:
    """Subscriptions are managed by the org's admins only."""
    return principal.is_admin
