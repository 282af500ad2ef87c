"""Webhook subscription API models."""

from typing import Annotated, Literal

from pydantic import Field, StrictBool, field_validator

from momentum.core.models import Strict, View
from momentum.events import types

Url = Annotated[str, Field(min_length=8, max_length=2000)]
EventFilter = Annotated[str, Field(min_length=1, max_length=80)]
EventFilters = Annotated[list[EventFilter], Field(min_length=1, max_length=50)]
Description = Annotated[str, Field(max_length=500)]


def _known(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    unknown = [v for v in values if not types.is_valid_filter(v)]
    if unknown:
        raise ValueError(f"unknown event types: {', '.join(unknown)}")
    return list(dict.fromkeys(values))


class SubscriptionCreate(Strict):
    url: Url
    event_types: EventFilters
    description: Description = ""
    include_private_details: StrictBool = False

    _types = field_validator("event_types")(_known)


class SubscriptionPatch(Strict):
    url: Url | None = None
    event_types: EventFilters | None = None
    description: Description | None = None
    include_private_details: StrictBool | None = None
    status: Literal["active", "disabled"] | None = None

    _types = field_validator("event_types")(_known)


class Subscription(View):
    id: str
    url: str
    event_types: list[str]
    description: str
    include_private_details: bool
    status: Literal["active", "disabled"]
    disabled_reason: str | None = None
    created_by: str
    created_at: str
    version: int


class NewSubscription(Subscription):
    secret: str  # shown only in this answer: verify deliveries with it


class DeliveryAttempt(View):
    at: str
    status_code: int | None = None
    error: str | None = None
    duration_ms: int


class Delivery(View):
    event_id: str
    event_type: str
    status: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: list[DeliveryAttempt]
    next_attempt_at: str | None = None
    created_at: str
