"""`/v1/webhook-subscriptions` (API.md "Additions"): admins manage webhook endpoints."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from momentum.core.pages import DEFAULT_LIMIT, Cursor, Limit, Page
from momentum.frame.api import no_content
from momentum.frame.idempotency import create_once
from momentum.frame.principal import current_principal
from momentum.webhooks_out import service
from momentum.webhooks_out.models import (
    Delivery,
    NewSubscription,
    Subscription,
    SubscriptionCreate,
    SubscriptionPatch,
)

router = Router()
TAG = ["Webhooks"]
Id = Annotated[str, Path(max_length=64)]


@router.post("/v1/webhook-subscriptions", tags=TAG)
def create_subscription(
    request: Annotated[SubscriptionCreate, Body()],
) -> Response[NewSubscription]:
    """Admins: an HTTPS endpoint receiving the chosen event types, signed per Standard
    Webhooks with the `secret` shown only in this answer."""
    return create_once(router, request, lambda: service.create(current_principal(), request))


@router.get("/v1/webhook-subscriptions", tags=TAG)
def list_subscriptions() -> Page[Subscription]:
    return Page[Subscription](items=service.list_all(current_principal()))


@router.get("/v1/webhook-subscriptions/<subscription_id>", tags=TAG)
def get_subscription(subscription_id: Id) -> Subscription:
    return service.get(current_principal(), subscription_id)


@router.patch("/v1/webhook-subscriptions/<subscription_id>", tags=TAG)
def patch_subscription(
    subscription_id: Id, request: Annotated[SubscriptionPatch, Body()]
) -> Subscription:
    """Change the endpoint or filters; `status: "active"` re-enables a disabled one."""
    return service.patch(current_principal(), subscription_id, request)


@router.delete("/v1/webhook-subscriptions/<subscription_id>", tags=TAG)
def delete_subscription(subscription_id: Id) -> Response[None]:
    service.delete(current_principal(), subscription_id)
    return no_content()


@router.get("/v1/webhook-subscriptions/<subscription_id>/deliveries", tags=TAG)
def list_deliveries(
    subscription_id: Id, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[Delivery]:
    items, next_cursor = service.deliveries(current_principal(), subscription_id, limit, cursor)
    return Page[Delivery](items=items, next_cursor=next_cursor)
