"""List answers: `{"items": [...], "next_cursor": ...}` with limit 1-100 (default 25)."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=100, description="Page size (1-100)")]
Cursor = Annotated[str | None, Query(max_length=2048, description="Opaque cursor")]
DEFAULT_LIMIT = 25


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None
